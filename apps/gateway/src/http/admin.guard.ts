import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'crypto';
import { Env } from '@conduit/config';
import { ENV } from '@conduit/runtime';

export function adminCredentialsMatch(env: Env, header: string | undefined): boolean {
  if (!env.ADMIN_PASSWORD || !header?.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  const expected = Buffer.from(`${env.ADMIN_USER}:${env.ADMIN_PASSWORD}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** HTTP basic auth with the admin credentials from the environment; none configured means no access. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(ENV) private readonly env: Env) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest();
    if (adminCredentialsMatch(this.env, req.headers.authorization)) return true;
    throw new UnauthorizedException('admin credentials required');
  }
}
