import { AsyncLocalStorage } from 'async_hooks';

/** Who an audited action is by: audit_logs.actor. */
export type AuditActorKind = 'operator' | 'wallet' | 'admin' | 'anonymous' | 'service';

/**
 * The actor of the request being served: set once per HTTP request by the gateway's middleware (ip, user agent,
 * trace id), then filled by whoever authenticates it: the auth guard (`wallet`, SIWE bearer; `admin`, the shared basic
 * auth) and operator sessions (`userId`, users.id). audit() and auditMany() read it, so every row written while serving
 * the request names its actor without the call sites passing it.
 */
export interface AuditActor {
  /** An operator's users.id. */
  userId?: string | null;
  /** A signed-in wallet, lower-case. */
  wallet?: string | null;
  /** The shared admin credentials (basic auth) authenticated the request. */
  admin?: boolean;
  /** The client address as Express sees it (req.ip, which honours the app's `trust proxy` setting). */
  ip?: string | null;
  userAgent?: string | null;
  traceId?: string | null;
}

const storage = new AsyncLocalStorage<AuditActor>();

/** Outside a request (a worker's job, a scheduler): a throwaway actor, so a setter there changes nothing. */
const outside = (): AuditActor => ({});

/** Serves `fn` (the rest of a request) with `actor` as its audit actor. */
export function withAuditActor<T>(actor: AuditActor, fn: () => T): T {
  return storage.run(actor, fn);
}

/**
 * The current request's actor, to read or fill: `auditActor().wallet = wallet`, `auditActor().userId = user.id`.
 * Outside a request it is a fresh empty object each call (rows then record the actor 'service' and no address).
 */
export function auditActor(): AuditActor {
  return storage.getStore() ?? outside();
}

/** The audit_logs columns of the current actor, in the order audit() writes them. */
export interface AuditActorColumns {
  user_id: string | null;
  wallet: string | null;
  actor: AuditActorKind;
  ip_address: string | null;
  user_agent: string | null;
}

export function auditActorColumns(): AuditActorColumns {
  const a = storage.getStore();
  if (!a) return { user_id: null, wallet: null, actor: 'service', ip_address: null, user_agent: null };
  const actor: AuditActorKind = a.userId ? 'operator' : a.wallet ? 'wallet' : a.admin ? 'admin' : 'anonymous';
  return { user_id: a.userId ?? null, wallet: a.wallet ?? null, actor, ip_address: a.ip ?? null, user_agent: a.userAgent ?? null };
}

/** The same, as the parameters of an INSERT listing (user_id, wallet, actor, ip_address, user_agent) in that order. */
export function auditActorParams(): [string | null, string | null, AuditActorKind, string | null, string | null] {
  const a = auditActorColumns();
  return [a.user_id, a.wallet, a.actor, a.ip_address, a.user_agent];
}

/** Field names never written to old_value / new_value (nor expected in payloads): keys, secrets, passwords, tokens. */
const SECRET = /(secret|password|passphrase|token|private|sealed|encrypted|_key$|^key$|_iv$|_tag$|signature|totp|otp)/i;

/** The named fields of a row (for auditChange), those it has. */
export function auditFields(row: object, keys: readonly string[]): Record<string, unknown> {
  const r = row as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
}

/**
 * old_value / new_value of a change: only the fields whose values differ (compared as JSON), secrets left out.
 * Returns nulls when nothing changed.
 */
export function auditChange(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): { old: Record<string, unknown> | null; new: Record<string, unknown> | null } {
  const old: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    if (SECRET.test(k)) continue;
    const a = before?.[k];
    const b = after?.[k];
    if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue;
    if (before) old[k] = a ?? null;
    if (after) now[k] = b ?? null;
  }
  const some = (o: Record<string, unknown>) => (Object.keys(o).length ? o : null);
  return { old: before ? some(old) : null, new: after ? some(now) : null };
}
