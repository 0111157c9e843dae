import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX } from '@conduit/custody';
import type { Request } from 'express';
import type { OperatorsService } from '../operators/operators.service';
import { OPERATOR_COOKIE, OperatorPrincipal } from './auth.decorators';

/** One cookie's value from the Cookie header, or undefined. */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The operator credential a request carries, in this order: `Authorization: Bearer cos_…` (a session token; wallets'
 * SIWE tokens are JWTs, eyJ…), `Authorization: ApiKey cok_…` or `X-Api-Key: cok_…` (an API key), the session
 * cookie. `refused` says why a credential that was sent does not stand (an unknown, expired or revoked one);
 * `staleCookie` the same of the cookie, which matters only where an operator is required.
 */
export async function operatorOf(
  operators: OperatorsService,
  req: Request,
): Promise<{ operator: OperatorPrincipal | null; refused?: string; staleCookie?: string }> {
  const header = req.headers.authorization?.trim() ?? '';
  const [scheme, value = ''] = header.split(/\s+/, 2);
  const apiKeyHeader = req.headers['x-api-key'];
  if (/^bearer$/i.test(scheme) && value.startsWith(SESSION_TOKEN_PREFIX)) {
    const operator = await operators.bySession(value);
    return operator ? { operator } : { operator: null, refused: 'operator session is invalid, expired or revoked: sign in again' };
  }
  const key = /^apikey$/i.test(scheme) ? value : typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : null;
  if (key !== null) {
    const operator = key.startsWith(API_KEY_PREFIX) ? await operators.byApiKey(key) : null;
    return operator ? { operator } : { operator: null, refused: 'API key is invalid or revoked' };
  }
  const cookie = cookieOf(req, OPERATOR_COOKIE);
  if (cookie) {
    const operator = await operators.bySession(cookie);
    return operator ? { operator } : { operator: null, staleCookie: 'operator session is invalid, expired or revoked: sign in again' };
  }
  return { operator: null };
}
