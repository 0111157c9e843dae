import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { activeTraceId, annotateActiveSpan } from '@conduit/telemetry';

const ACCEPTED = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Every request gets a trace id: the caller's X-Request-Id when it is a plain token; else, when the gateway traces,
 * the OpenTelemetry trace id of the request's span (so the audit trail, the logs and the trace share one id); else a
 * new UUID. It is answered in X-Trace-Id, written to audit_logs and carried in the job payloads, so one id follows an
 * action from the HTTP call through signal, policy, router, executor and billing; the request's span carries it as
 * conduit.trace_id (which is how a caller's own X-Request-Id finds its trace).
 */
export function traceMiddleware(req: Request & { traceId?: string }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  req.traceId = typeof given === 'string' && ACCEPTED.test(given) ? given : (activeTraceId() ?? randomUUID());
  annotateActiveSpan({ 'conduit.trace_id': req.traceId });
  res.setHeader('x-trace-id', req.traceId);
  next();
}

export const TraceId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<{ traceId?: string }>().traceId ?? randomUUID(),
);
