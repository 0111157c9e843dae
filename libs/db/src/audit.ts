import { asJson, exec, PREPARED, Sql } from './sql';

export interface AuditEntry {
  event: string;
  subjectType: string;
  subjectId: string | null;
  payload: Record<string, unknown>;
  traceId?: string | null;
}

/** Appends to audit_logs inside the caller's transaction. Payloads never carry secrets. */
export async function audit(
  q: Sql,
  eventName: string,
  subjectType: string,
  subjectId: string | null,
  payload: Record<string, unknown>,
  traceId?: string | null,
): Promise<void> {
  await exec(
    q,
    `INSERT INTO audit_logs (event_name, subject_type, subject_id, payload, trace_id) VALUES ($1, $2, $3, $4, $5)`,
    [eventName, subjectType, subjectId, payload, traceId ?? null],
    PREPARED,
  );
}

/** Many audit rows in one statement (a batch of opens, a subscription run). */
export async function auditMany(q: Sql, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await exec(
    q,
    `INSERT INTO audit_logs (event_name, subject_type, subject_id, payload, trace_id)
     SELECT t.event, t.subject_type, t.subject_id, t.payload, t.trace_id
       FROM jsonb_to_recordset($1::jsonb) AS t(event text, subject_type text, subject_id uuid, payload jsonb, trace_id text)`,
    [
      asJson(
        entries.map((e) => ({
          event: e.event,
          subject_type: e.subjectType,
          subject_id: e.subjectId,
          payload: e.payload,
          trace_id: e.traceId ?? null,
        })),
      ),
    ],
    PREPARED,
  );
}
