import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';

export const PUBLIC = 'conduit:auth:public';
export const ADMIN = 'conduit:auth:admin';

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

/** 403 unless the signed-in wallet is the owner (both compared lower-case); the services check it before any write. */
export function assertOwner(wallet: string, owner: string | null | undefined, who: string): void {
  if (!owner || owner.toLowerCase() !== wallet.toLowerCase()) {
    throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: [`only ${who} may do this; signed in as ${wallet}`] });
  }
}
