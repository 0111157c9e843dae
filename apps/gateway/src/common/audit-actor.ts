import type { NextFunction, Request, Response } from 'express';
import { withAuditActor } from '@conduit/db';

/** A user agent longer than this is cut: the column is for reading, not for storing what a client chose to send. */
const USER_AGENT_MAX = 512;

/**
 * Serves the rest of the request with its audit actor (libs/db/src/audit-context.ts): the client address (req.ip,
 * so the app's `trust proxy` setting decides whether X-Forwarded-For counts), the user agent and the trace id. The
 * auth guard adds the wallet (or the admin); operator sessions add their user id. Registered after traceMiddleware.
 */
export function auditActorMiddleware(req: Request & { traceId?: string }, _res: Response, next: NextFunction): void {
  const agent = req.headers['user-agent'];
  withAuditActor(
    {
      ip: req.ip ?? req.socket.remoteAddress ?? null,
      userAgent: typeof agent === 'string' && agent ? agent.slice(0, USER_AGENT_MAX) : null,
      traceId: req.traceId ?? null,
    },
    next,
  );
}
