import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Response } from 'express';

/** A 400 naming the fields, like the validation pipe's. */
export const badRequest = (fields: string | string[], message: string) =>
  new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message], fields: [fields].flat() });

/** A 409 naming the fields: a value another row holds, or a state that forbids the change. */
export const conflict = (fields: string | string[], message: string) =>
  new ConflictException({ statusCode: 409, error: 'Conflict', message: [message], fields: [fields].flat() });

/** A 404 for an unknown id: `agent 3fa8… not found`. */
export const notFound = (noun: string, id: string) => new NotFoundException(`${noun} ${id} not found`);

/**
 * Every error is JSON. HTTP errors pass through; a body that is not JSON or too large keeps its 4xx;
 * Postgres' invalid-input errors (bad uuid or date text etc.) become 400; a unique violation becomes 409 naming
 * the taken column(s); anything else is a logged 500 without internals.
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
    if (['22P02', '22003', '22007', '22008'].includes(err?.code)) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: err.message });
      return;
    }
    if (err?.code === '23505') {
      // detail: Key (x_user_id)=(424242) already exists.
      const [, columns = 'value', values = ''] = /^Key \((.+?)\)=\((.*)\) already exists/.exec(err.detail ?? '') ?? [];
      const fields = columns.split(', ');
      res
        .status(409)
        .json({ statusCode: 409, error: 'Conflict', message: [`${columns} ${values} is already taken`.replace(/ $/, '')], fields });
      return;
    }
    this.logger.error(err?.stack ?? String(err));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}
