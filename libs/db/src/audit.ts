import { auditActor, auditActorColumns } from './audit-context';
import { asJson, exec, PREPARED, Sql } from './sql';

/** The row before and after a change (only the fields that changed is enough; never a secret): see auditChange(). */
export interface AuditValues {
  old?: Record<string, unknown> | null;
  new?: Record<string, unknown> | null;
}

export interface AuditEntry {
  /** audit_logs.action, e.g. v3.deployment.status. */
  event: string;
  /** audit_logs.entity_type and entity_id: the row the action is about. */
  subjectType: string;
  subjectId: string | null;
  payload: Record<string, unknown>;
  traceId?: string | null;
  change?: AuditValues;
}

/**
 * Appends to audit_logs inside the caller's transaction. The actor (operator, wallet, client address, user agent)
 * comes from the request being served (audit-context.ts); a worker's rows record the actor 'service' and no address.
 * The trace id, when not given, is the request's. Payloads and values never carry secrets.
 */
export async function audit(
  q: Sql,
  action: string,
  entityType: string,
  entityId: string | null,
  payload: Record<string, unknown>,
  traceId?: string | null,
  change?: AuditValues,
): Promise<void> {
  const a = auditActorColumns();
  await exec(
    q,
    `INSERT INTO audit_logs (action, entity_type, entity_id, payload, trace_id, old_value, new_value, user_id, wallet, actor, ip_address,
                             user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      action,
      entityType,
      entityId,
      payload,
      traceId ?? auditActor().traceId ?? null,
      change?.old ?? null,
      change?.new ?? null,
      a.user_id,
      a.wallet,
      a.actor,
      a.ip_address,
      a.user_agent,
    ],
    PREPARED,
  );
}

/** Many audit rows in one statement (a batch of opens, a subscription run), all by the current actor. */
export async function auditMany(q: Sql, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const a = auditActorColumns();
  const requestTrace = auditActor().traceId ?? null;
  await exec(
    q,
    `INSERT INTO audit_logs (action, entity_type, entity_id, payload, trace_id, old_value, new_value, user_id, wallet, actor, ip_address,
                             user_agent)
     SELECT t.action, t.entity_type, t.entity_id, t.payload, t.trace_id, t.old_value, t.new_value,
            $2::uuid, $3::text, $4::text, $5::inet, $6::text
       FROM jsonb_to_recordset($1::jsonb) AS t(action text, entity_type text, entity_id uuid, payload jsonb, trace_id text,
                                               old_value jsonb, new_value jsonb)`,
    [
      asJson(
        entries.map((e) => ({
          action: e.event,
          entity_type: e.subjectType,
          entity_id: e.subjectId,
          payload: e.payload,
          trace_id: e.traceId ?? requestTrace,
          old_value: e.change?.old ?? null,
          new_value: e.change?.new ?? null,
        })),
      ),
      a.user_id,
      a.wallet,
      a.actor,
      a.ip_address,
      a.user_agent,
    ],
    PREPARED,
  );
}
