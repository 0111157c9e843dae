import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Every error is JSON. HTTP errors pass through; a body that is not JSON or too large keeps its 4xx;
 * Postgres' invalid-input errors (bad uuid text etc.) become 400; anything else is a logged 500 without internals.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(err: any, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof HttpException) {
      const body = err.getResponse();
      res.status(err.getStatus()).json(typeof body === 'string' ? { statusCode: err.getStatus(), message: body } : body);
      return;
    }
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ statusCode: err.status, error: err.type ?? 'Bad Request', message: err.message });
      return;
    }
    if (err?.code === '22P02' || err?.code === '22003') {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: err.message });
      return;
    }
    this.logger.error(err?.stack ?? String(err));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}
