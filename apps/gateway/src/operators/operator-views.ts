import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { UserRow } from '@conduit/db';

/** Where a request came from, for lockouts and the audit (never a password or a code). */
export interface Client {
  ip: string;
  userAgent: string | null;
  traceId: string;
}

/** The client of a request: its address as Express sees it (req.ip) and its user agent (500 characters at most). */
export const clientOf = (req: Request, traceId: string): Client => ({
  ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 500) : null,
  traceId,
});

/** A login refused until a time: 429 with Retry-After (seconds). */
export class LockedOut extends HttpException {
  constructor(readonly retryAfterS: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: [`too many failed logins: try again in ${retryAfterS} s`],
        retry_after_s: retryAfterS,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** What an operator may see of a user row: never the password hash or the TOTP secret. */
export const userView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  is_active: u.is_active,
  two_fa_enabled: u.two_fa_enabled,
  trading_mode: u.trading_mode,
  last_login: u.last_login,
  created_at: u.created_at,
  updated_at: u.updated_at,
});
