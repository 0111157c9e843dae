import { timingSafeEqual } from 'crypto';
import { Env } from '@conduit/config';

/** HTTP basic auth with the admin credentials from the environment; none configured means no access. */
export function adminCredentialsMatch(env: Env, header: string | undefined): boolean {
  if (!env.ADMIN_PASSWORD || !header?.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  const expected = Buffer.from(`${env.ADMIN_USER}:${env.ADMIN_PASSWORD}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Why an operator's request is refused: no credentials or wrong ones, or none configured at all. */
export const adminRefusal = (env: Env): string =>
  env.ADMIN_PASSWORD ? 'admin credentials required' : 'admin access is disabled: set ADMIN_PASSWORD';
