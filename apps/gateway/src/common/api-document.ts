import { INestApplication, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type {
  OpenAPIObject,
  OperationObject,
  SecurityRequirementObject,
  SecuritySchemeObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { OPERATOR, OPERATOR_COOKIE, OperatorAccess, PUBLIC, WALLET, WalletAccess } from '../auth/auth.decorators';
import { ERROR_RESPONSE, ERROR_RESPONSE_REF } from './api-answers';

/**
 * What the gateway's OpenAPI document says of every operation's credentials and error answers, decided in one place
 * from the markers the guard itself reads (auth/auth.decorators.ts: @Public, @AdminOnly and its kin, @WalletAuth and
 * @SignedIn) and from what every request goes through (the JSON body parser, the validation pipe, the rate limit). A
 * handler's own @ApiAnswers come first; this adds the answers it does not name.
 */

/** The security schemes: how a wallet and an operator present themselves (ApiAuthGuard, auth/operator-credentials.ts). */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  wallet: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A wallet's token (Sign-In with Ethereum): GET /api/v3/auth/nonce, sign the EIP-4361 message, POST /api/v3/auth/verify; " +
      'then Authorization: Bearer <token>.',
  },
  'wallet-query': {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: "A wallet's token as ?token=, where a client cannot send headers (the event stream's EventSource).",
  },
  'operator-session': {
    type: 'apiKey',
    in: 'cookie',
    name: OPERATOR_COOKIE,
    description: 'An operator session: the HttpOnly cookie POST /api/v3/operators/login sets.',
  },
  'operator-token': {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'cos_…',
    description: 'The same operator session as a bearer token: the token POST /api/v3/operators/login answers (cos_…).',
  },
  'api-key': {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: "An operator's API key (cok_…, POST /api/v3/operators/me/api-keys), or Authorization: ApiKey <key>; data feeds only.",
  },
};

const OPERATOR_SESSION: SecurityRequirementObject[] = [{ 'operator-session': [] }, { 'operator-token': [] }];
/** A read takes no credential, or any one of them (it reads more then: common/read-access.ts). */
const OPTIONAL: SecurityRequirementObject[] = [{}, { wallet: [] }, ...OPERATOR_SESSION, { 'api-key': [] }];

const READS = ['get', 'head', 'options'];
const NO_WALLET = 'no wallet token, or it is invalid, expired or signed out: sign in with the wallet';
const ROLES = ['viewer', 'operator', 'admin'];

/** How the guard treats a handler, by its markers (the handler's own, else its controller's, as the guard reads them). */
interface Access {
  api: boolean;
  public: boolean;
  operator?: OperatorAccess;
  wallet?: WalletAccess;
  /** The whole query is a DTO the validation pipe checks (an unknown or invalid parameter is a 400). */
  queryDto: boolean;
}

/** The security and the credential answers (401, 403) of an operation. */
function credentials(access: Access, method: string): { security: SecurityRequirementObject[]; answers: Record<number, string> } {
  if (!access.api) return { security: [], answers: {} };
  if (access.wallet) {
    const security: SecurityRequirementObject[] = [
      { wallet: [] },
      ...(access.wallet.query ? [{ 'wallet-query': [] }] : []),
      ...(access.wallet.operators ? [...OPERATOR_SESSION, { 'api-key': [] }] : []),
    ];
    const who = access.wallet.operators
      ? 'no wallet token nor operator credential, or the one sent is invalid, expired or revoked'
      : NO_WALLET;
    return { security, answers: { 401: who } };
  }
  if (access.public) return { security: [], answers: {} };
  const op = access.operator;
  if (op) {
    const least = op.role ?? (READS.includes(method) ? 'viewer' : 'operator');
    const refusals = [
      ...(op.before2fa ? [] : ['2FA is required of every operator and this one has not enrolled']),
      ...(ROLES.indexOf(least) > 0 ? [`the ${least} role is needed`] : []),
    ];
    const answers: Record<number, string> = {
      401: `no operator session${op.apiKey ? ' or API key' : ''}, or it is invalid, expired or revoked`,
    };
    if (refusals.length) answers[403] = refusals.join('; or ');
    return { security: [...OPERATOR_SESSION, ...(op.apiKey ? [{ 'api-key': [] }] : [])], answers };
  }
  if (!READS.includes(method)) return { security: [{ wallet: [] }], answers: { 401: NO_WALLET } };
  return {
    security: OPTIONAL,
    answers: { 401: 'an Authorization header or API key was sent but is not a valid credential (without one the read is anonymous)' },
  };
}

/** The input answers: what the body parser, the validation pipe and the uuid parameters refuse, and the rate limit. */
function inputAnswers(access: Access, method: string, op: OperationObject): Record<number, string> {
  const params = (op.parameters ?? []) as { in: string; name: string }[];
  const path = params.filter((p) => p.in === 'path').map((p) => p.name);
  const query = access.queryDto && params.some((p) => p.in === 'query');
  const writes = !READS.includes(method);
  const invalid = [
    ...(path.length ? [`${path.join(' or ')} is not a UUID`] : []),
    ...(query ? ['a query parameter is invalid or unknown'] : []),
    ...(writes ? [op.requestBody ? 'the body is not JSON, or a field is missing, invalid or unknown' : 'the body is not JSON'] : []),
  ];
  const answers: Record<number, string> = {};
  if (invalid.length) answers[400] = `${invalid.join('; or ')} (message names each problem, fields the names)`;
  if (path.length) answers[404] = `no ${path.join(' or ')} names a row this caller may see`;
  if (writes) answers[413] = 'the body is over 64 kB';
  if (access.api) answers[429] = 'too many requests from this address: wait for the rate limit window';
  return answers;
}

interface Handler {
  controller: Type;
  name: string;
  handler: object;
}

/** Whether a handler takes its whole query as a DTO (@Query() with no name), which the validation pipe checks. */
function takesQueryDto({ controller, name }: Handler): boolean {
  const args: Record<string, { data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
  return Object.entries(args).some(([key, arg]) => key.split(':')[0] === String(RouteParamtypes.QUERY) && arg.data === undefined);
}

/** Every controller method of the app by the operationId @nestjs/swagger gives it (`Controller_method`). */
function handlers(app: INestApplication): Map<string, Handler> {
  const found = new Map<string, Handler>();
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller?.prototype) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype))
        if (name !== 'constructor') found.set(`${controller.name}_${name}`, { controller, name, handler: controller.prototype[name] });
    }
  return found;
}

/**
 * Completes a document @nestjs/swagger made: the security schemes, the server, the ErrorResponse schema, and on every
 * operation its security and its 4xx answers (and the default 2xx that declaring an error answer takes away).
 */
export function completeDocument(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const byId = handlers(app);
  document.servers = [{ url: '/', description: 'this gateway' }];
  document.components = {
    ...document.components,
    securitySchemes: SECURITY_SCHEMES,
    schemas: { ...document.components?.schemas, ErrorResponse: ERROR_RESPONSE as object },
  };
  for (const [path, item] of Object.entries(document.paths))
    for (const [method, op] of Object.entries(item) as [string, OperationObject][]) {
      const found = op.operationId ? byId.get(op.operationId) : undefined;
      if (!found) throw new Error(`OpenAPI: no handler for ${method.toUpperCase()} ${path} (${op.operationId})`);
      const meta = <T>(key: string): T | undefined =>
        Reflect.getMetadata(key, found.handler) ?? (Reflect.getMetadata(key, found.controller) as T | undefined);
      const access: Access = {
        api: path.startsWith('/api/v3'),
        public: !!meta<boolean>(PUBLIC),
        operator: meta<OperatorAccess>(OPERATOR),
        wallet: meta<WalletAccess>(WALLET),
        queryDto: takesQueryDto(found),
      };
      const { security, answers } = credentials(access, method);
      op.security = security;
      if (!Object.keys(op.responses).some((status) => status.startsWith('2'))) {
        const status = Reflect.getMetadata(HTTP_CODE_METADATA, found.handler) ?? (method === 'post' ? 201 : 200);
        op.responses[status] = { description: '' };
      }
      for (const [status, description] of Object.entries({ ...inputAnswers(access, method, op), ...answers }))
        op.responses[status] ??= { description, content: { 'application/json': { schema: ERROR_RESPONSE_REF } } };
      op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  return document;
}
