import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';

const ACCEPTED = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Every request gets a trace id: the caller's X-Request-Id when it is a plain token, else a new UUID. It is
 * answered in X-Trace-Id, written to audit_logs and carried in the job payloads, so one id follows an action
 * from the HTTP call through signal, policy, router, executor and billing.
 */
export function traceMiddleware(req: Request & { traceId?: string }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  req.traceId = typeof given === 'string' && ACCEPTED.test(given) ? given : randomUUID();
  res.setHeader('x-trace-id', req.traceId);
  next();
}

export const TraceId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<{ traceId?: string }>().traceId ?? randomUUID(),
);
