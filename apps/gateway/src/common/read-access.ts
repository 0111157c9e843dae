import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { notFound } from './errors';

/** The roles of the people who run Conduit (issue 15); today the admin credential is an admin. */
export type OperatorRole = 'admin' | 'operator' | 'viewer';

/**
 * Who reads: the signed-in wallet (bearer token), an operator, or neither (anonymous). The gateway's ApiAuthGuard
 * resolves it on every /api/v3 request (req.reader) from the Authorization header; a credential on a read is optional,
 * but an invalid one is a 401. An operator is an operator session or API key (auth/operator-credentials.ts), with its
 * role and user id.
 */
export interface Reader {
  wallet?: string;
  operator?: { role: OperatorRole; id?: string };
}

export const ANONYMOUS: Reader = Object.freeze({});

/** The roles that read every deployment's own data (a viewer reads; only writes are refused to it). */
const DEPLOYMENT_DATA_ROLES: readonly OperatorRole[] = ['admin', 'operator', 'viewer'];

/** Whether the reader reads every deployment's own data: an operator whose role allows it. */
export function canReadDeploymentData(reader: Reader): boolean {
  return !!reader.operator && DEPLOYMENT_DATA_ROLES.includes(reader.operator.role);
}

/** Whether the reader reads this deployment's own data: its user (the creator for an llm_trader's book), or an operator. */
export function canReadDeployment(reader: Reader, deployment: { user_wallet: string }): boolean {
  return canReadDeploymentData(reader) || (!!reader.wallet && deployment.user_wallet.toLowerCase() === reader.wallet.toLowerCase());
}

/** A 404 naming the row, as for an unknown id, unless the reader reads the deployment's own data: no existence leak. */
export function assertCanRead(reader: Reader, deployment: { user_wallet: string }, noun: string, id: string): void {
  if (!canReadDeployment(reader, deployment)) throw notFound(noun, id);
}

/**
 * The parameters of the SQL conditions below, in order: [reads everything, wallet]. An anonymous reader passes
 * [false, null], and `d.user_wallet = NULL` is never true: no rows.
 */
export const readerParams = (reader: Reader): [boolean, string | null] => [
  canReadDeploymentData(reader),
  reader.wallet?.toLowerCase() ?? null,
];

/**
 * SQL: the deployment `d` is the reader's to read row by row (its user; an llm_trader's book has its creator as
 * user). `$n` and `$n+1` are readerParams(reader).
 */
export const ownRows = (n: number, d = 'd') => `($${n}::boolean OR ${d}.user_wallet = $${n + 1}::text)`;

/**
 * SQL: the deployment `d` of agent `a` counts in the reader's aggregates (totals, counts; never a row, a wallet or a
 * size): its own rows, and every deployment of an agent the reader created. `$n` and `$n+1` are readerParams(reader).
 */
export const aggregateRows = (n: number, d = 'd', a = 'a') =>
  `($${n}::boolean OR ${d}.user_wallet = $${n + 1}::text OR ${a}.creator_wallet = $${n + 1}::text)`;

export type ReadingRequest = Request & { reader?: Reader };

/** The reader of this request, as ApiAuthGuard resolved it (anonymous when none). */
export const CurrentReader = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Reader => ctx.switchToHttp().getRequest<ReadingRequest>().reader ?? ANONYMOUS,
);
