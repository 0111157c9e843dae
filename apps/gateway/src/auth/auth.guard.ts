import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Env } from '@conduit/config';
import { auditActor } from '@conduit/db';
import { ENV } from '@conduit/runtime';
import { adminCredentialsMatch, adminRefusal } from './admin-credentials';
import { ADMIN, AuthedRequest, PUBLIC } from './auth.decorators';
import { AuthService } from './auth.service';

const READS = ['GET', 'HEAD', 'OPTIONS'];

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
      if (adminCredentialsMatch(this.env, req.headers.authorization)) {
        auditActor().admin = true;
        return true;
      }
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [adminRefusal(this.env)] });
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
      auditActor().wallet = wallet; // every audit row of this request names the wallet
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
