import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SESSION_TOKEN_PREFIX } from '@conduit/custody';
import { auditActor, OPERATOR_ROLES, OperatorRole } from '@conduit/db';
import { ANONYMOUS, ReadingRequest } from '../common/read-access';
import { OperatorsService } from '../operators/operators.service';
import { AuthedRequest, OPERATOR, OperatorAccess, OperatorPrincipal, PUBLIC } from './auth.decorators';
import { AuthService } from './auth.service';
import { operatorOf } from './operator-credentials';

const READS = ['GET', 'HEAD', 'OPTIONS'];

const unauthorized = (message: string) => new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [message] });
const forbidden = (message: string) => new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: [message] });

/** Whether `role` ranks at least `least` (viewer < operator < admin). */
export const roleAllows = (role: OperatorRole, least: OperatorRole): boolean =>
  OPERATOR_ROLES.indexOf(role) >= OPERATOR_ROLES.indexOf(least);

/**
 * Every /api/v3 request that changes something needs a credential: a wallet's bearer token, or an operator's
 * session (cookie or `Bearer cos_…`) where the handler is @AdminOnly, with a role that allows it (an API key,
 * `ApiKey cok_…` or X-Api-Key, where it also says apiKey). Reads need none, but a credential on a read is read: the
 * request's Reader (common/read-access.ts) is its wallet or its operator, and decides which deployments' own data it
 * sees; an invalid credential is a 401 on a read too. Whoever it is names the request's audit rows (auditActor).
 * Health, metrics and the docs are outside /api/v3. Runs before validation, so an unauthenticated request learns
 * nothing about the body.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly operators: OperatorsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest & ReadingRequest>();
    if (!req.path.startsWith('/api/v3')) return true;
    const meta = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, [ctx.getHandler(), ctx.getClass()]);
    if (meta<boolean>(PUBLIC)) return true;
    const access = meta<OperatorAccess>(OPERATOR);
    const found = await operatorOf(this.operators, req);
    if (access) {
      if (!found.operator)
        throw unauthorized(
          found.refused ??
            found.staleCookie ??
            'operator sign-in required: POST /api/v3/operators/login, then send the session cookie or Authorization: Bearer <token>' +
              (access.apiKey ? ' (or an API key: Authorization: ApiKey <key>)' : ''),
        );
      const op = found.operator;
      if (op.via === 'api_key' && !access.apiKey) throw unauthorized('API keys open the data feeds only: sign in for this');
      if (op.needs2fa && !access.before2fa) throw forbidden('2FA is required of every operator: enrol at POST /api/v3/operators/me/2fa');
      const least = access.role ?? (READS.includes(req.method) ? 'viewer' : 'operator');
      if (!roleAllows(op.role, least)) throw forbidden(`this needs the ${least} role; ${op.email} is ${op.role}`);
      this.asOperator(req, op);
      return true;
    }
    if (found.operator) this.asOperator(req, found.operator);
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    if (bearer !== null && !bearer.startsWith(SESSION_TOKEN_PREFIX)) {
      const wallet = await this.auth.walletOf(bearer);
      if (!wallet) throw unauthorized('bearer token is invalid or expired: sign in again');
      req.wallet = wallet;
      req.reader = { wallet };
      auditActor().wallet = wallet; // every audit row of this request names the wallet
      return true;
    }
    if (found.refused) throw unauthorized(found.refused);
    if (READS.includes(req.method)) {
      if (found.operator) return true;
      if (header !== undefined)
        throw unauthorized('authorization is not a valid credential: send a wallet bearer token, an operator session, or none');
      req.reader = ANONYMOUS;
      return true;
    }
    throw unauthorized(
      'sign in with your wallet: GET /api/v3/auth/nonce, sign the EIP-4361 message, POST /api/v3/auth/verify, then send ' +
        'Authorization: Bearer <token>',
    );
  }

  /** The request speaks for this operator: its reads are an operator's, its audit rows name the user. */
  private asOperator(req: AuthedRequest & ReadingRequest, op: OperatorPrincipal): void {
    req.operator = op;
    req.reader = { operator: { role: op.role, id: op.id } };
    auditActor().userId = op.id;
  }
}
