import { createParamDecorator, ExecutionContext, ForbiddenException, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { OperatorRole } from '@conduit/db';

export const PUBLIC = 'conduit:auth:public';
export const OPERATOR = 'conduit:auth:operator';
export const WALLET = 'conduit:auth:wallet';

/** The cookie of an operator session (HttpOnly, SameSite=Strict, Secure over HTTPS). */
export const OPERATOR_COOKIE = 'conduit_operator';

/** Who may call an operator endpoint. */
export interface OperatorAccess {
  /** The least role; by default reads (GET, HEAD) need viewer and anything else operator. */
  role?: OperatorRole;
  /** An operator's API key (`Authorization: ApiKey <key>` or `X-Api-Key`) is accepted besides a session (data feeds). */
  apiKey?: boolean;
  /** Allowed before 2FA is enrolled when an admin requires it (signing in, enrolling, changing the password). */
  before2fa?: boolean;
}

// The OpenAPI document's security and 401/403 answers of each operation are read from these same markers (PUBLIC,
// OPERATOR, WALLET) by common/api-document.ts, so the guard and the document cannot disagree.

/** Anyone may call it (sign-in itself): the guard reads no credential, the document says `security: []`. */
export const Public = () => SetMetadata(PUBLIC, true);
/**
 * Operators only: an operator session (the cookie, or `Authorization: Bearer cos_…`) whose role is enough: viewer
 * for reads, operator for actions, admin where `role: 'admin'` says so (user management).
 */
export const AdminOnly = (access: OperatorAccess = {}) => SetMetadata(OPERATOR, access);
/** A data feed: an operator's API key or session with the operator role. */
export const DataFeed = () => AdminOnly({ apiKey: true });
/** Any signed-in operator acting on their own account, before 2FA is enrolled too. */
export const OperatorSignedIn = () => AdminOnly({ role: 'viewer', before2fa: true });
/** How a handler that needs a wallet takes its token. */
export interface WalletAccess {
  /** A query parameter that may carry the token instead of the Authorization header (an EventSource cannot send headers). */
  query?: string;
  /** An operator's session (the cookie, or `Bearer cos_…`) or API key is taken too (the stream: the operator's own events). */
  operators?: boolean;
}

/**
 * A wallet's own action: a bearer token from POST /api/v3/auth/verify is required, on a read too. @SignedIn() marks its
 * handler so by itself; this is for a handler that checks the token on its own (the event stream).
 */
export const WalletAuth = (access: WalletAccess = {}) => SetMetadata(WALLET, access);

/** The operator a request carries: by a session or by an API key. */
export interface OperatorPrincipal {
  id: string;
  email: string;
  role: OperatorRole;
  via: 'session' | 'api_key';
  /** The session's or the API key's id. */
  credentialId: string;
  twoFaEnabled: boolean;
  /** An admin requires 2FA and this operator has not enrolled yet. */
  needs2fa: boolean;
}

export type AuthedRequest = Request & { wallet?: string; operator?: OperatorPrincipal };

/** The operator of an @AdminOnly request (the guard has checked it). */
export const CurrentOperator = createParamDecorator((_: unknown, ctx: ExecutionContext): OperatorPrincipal => {
  const operator = ctx.switchToHttp().getRequest<AuthedRequest>().operator;
  if (!operator) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: ['operator sign-in required'] });
  return operator;
});

/** The signed-in wallet (lower case) of a request that needs one; its handler is marked as @WalletAuth() is. */
export const SignedIn = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => {
    const wallet = ctx.switchToHttp().getRequest<AuthedRequest>().wallet;
    if (!wallet) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: ['sign in with your wallet first'] });
    return wallet;
  },
  [(target, key) => Reflect.defineMetadata(WALLET, {}, (target as Record<string | symbol, object>)[key!])],
);

/** 403 unless the signed-in wallet is the owner (both compared lower-case); the services check it before any write. */
export function assertOwner(wallet: string, owner: string | null | undefined, who: string): void {
  if (!owner || owner.toLowerCase() !== wallet.toLowerCase()) {
    throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: [`only ${who} may do this; signed in as ${wallet}`] });
  }
}
