import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBasicAuth, ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { Env } from '@conduit/config';
import { ENV } from '@conduit/runtime';
import { adminCredentialsMatch } from '../http/admin.guard';
import { AuthService } from './auth.service';

const PUBLIC = 'conduit:auth:public';
const ADMIN = 'conduit:auth:admin';
const READS = ['GET', 'HEAD', 'OPTIONS'];

/** Anyone may call it (sign-in itself). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Operators only: HTTP basic auth with the admin credentials (data feeds, paper marks). */
export const AdminOnly = () => applyDecorators(SetMetadata(ADMIN, true), ApiBasicAuth());
/** A wallet's own action: a bearer token from POST /api/v3/auth/verify. */
export const WalletAuth = () => ApiBearerAuth();

export type AuthedRequest = Request & { wallet?: string };

/** The signed-in wallet (lower case) of a mutating request. */
export const SignedIn = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const wallet = ctx.switchToHttp().getRequest<AuthedRequest>().wallet;
  if (!wallet) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: ['sign in with your wallet first'] });
  return wallet;
});

/** 403 unless the signed-in wallet is the owner (both compared lower-case). */
export function assertOwner(wallet: string, owner: string | null | undefined, who: string): void {
  if (!owner || owner.toLowerCase() !== wallet.toLowerCase()) {
    throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: [`only ${who} may do this; signed in as ${wallet}`] });
  }
}

/**
 * Every /api/v3 request that changes something needs a credential: a wallet's bearer token, or the admin's basic
 * auth where the handler is @AdminOnly. Reads stay open; health, metrics and the docs are outside /api/v3.
 * Runs before validation, so an unauthenticated request learns nothing about the body.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!req.path.startsWith('/api/v3')) return true;
    const flag = (key: string) => this.reflector.getAllAndOverride<boolean>(key, [ctx.getHandler(), ctx.getClass()]);
    if (flag(PUBLIC)) return true;
    if (flag(ADMIN)) {
      if (adminCredentialsMatch(this.env, req.headers.authorization)) return true;
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: [this.env.ADMIN_PASSWORD ? 'admin credentials required' : 'admin access is disabled: set ADMIN_PASSWORD'],
      });
    }
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const wallet = await this.auth.walletOf(header.slice(7).trim());
      if (!wallet)
        throw new UnauthorizedException({
          statusCode: 401,
          error: 'Unauthorized',
          message: ['bearer token is invalid or expired: sign in again'],
        });
      req.wallet = wallet;
      return true;
    }
    if (READS.includes(req.method)) return true;
    throw new UnauthorizedException({
      statusCode: 401,
      error: 'Unauthorized',
      message: [
        'sign in with your wallet: GET /api/v3/auth/nonce, sign the EIP-4361 message, POST /api/v3/auth/verify, then send ' +
          'Authorization: Bearer <token>',
      ],
    });
  }
}
