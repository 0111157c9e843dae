import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Env } from '@conduit/config';
import { auditActor } from '@conduit/db';
import { ENV } from '@conduit/runtime';
import { adminCredentialsMatch, adminRefusal } from './admin-credentials';
import { ADMIN, AuthedRequest, PUBLIC } from './auth.decorators';
import { ANONYMOUS, Reader, ReadingRequest } from '../common/read-access';
import { AuthService } from './auth.service';

const READS = ['GET', 'HEAD', 'OPTIONS'];

const unauthorized = (message: string) => new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [message] });

/**
 * Every /api/v3 request that changes something needs a credential: a wallet's bearer token, or the admin's basic
 * auth where the handler is @AdminOnly. Reads need none, but a credential on a read is read: the request's Reader
 * (common/read-access.ts) is its wallet or its operator, and decides which deployments' own data it sees. An invalid
 * credential is a 401 on a read too. Health, metrics and the docs are outside /api/v3.
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
    const req = ctx.switchToHttp().getRequest<AuthedRequest & ReadingRequest>();
    if (!req.path.startsWith('/api/v3')) return true;
    const flag = (key: string) => this.reflector.getAllAndOverride<boolean>(key, [ctx.getHandler(), ctx.getClass()]);
    if (flag(PUBLIC)) return true;
    if (flag(ADMIN)) {
      const operator = this.operatorOf(req);
      if (!operator) throw unauthorized(adminRefusal(this.env));
      req.reader = { operator };
      auditActor().admin = true;
      return true;
    }
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const wallet = await this.auth.walletOf(header.slice(7).trim());
      if (!wallet) throw unauthorized('bearer token is invalid or expired: sign in again');
      req.wallet = wallet;
      req.reader = { wallet };
      auditActor().wallet = wallet; // every audit row of this request names the wallet
      return true;
    }
    if (READS.includes(req.method)) {
      if (header === undefined) {
        req.reader = ANONYMOUS;
        return true;
      }
      const operator = this.operatorOf(req);
      if (!operator)
        throw unauthorized('authorization is not a valid credential: send a wallet bearer token, the admin credentials, or none');
      req.reader = { operator };
      return true;
    }
    throw unauthorized(
      'sign in with your wallet: GET /api/v3/auth/nonce, sign the EIP-4361 message, POST /api/v3/auth/verify, then send ' +
        'Authorization: Bearer <token>',
    );
  }

  /**
   * The operator a request speaks for, or null. The one place operators are recognised (reads of deployment data,
   * @AdminOnly): today the basic admin credential (ADMIN_USER / ADMIN_PASSWORD) is an admin; operator sessions plug
   * in here.
   */
  private operatorOf(req: ReadingRequest): Reader['operator'] | null {
    return adminCredentialsMatch(this.env, req.headers.authorization) ? { role: 'admin' } : null;
  }
}
