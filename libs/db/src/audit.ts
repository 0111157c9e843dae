import { EntityManager } from 'typeorm';

/** Appends to audit_logs inside the caller's transaction. Payloads never carry secrets. */
export async function audit(
  em: EntityManager,
  eventName: string,
  subjectType: string,
  subjectId: string | null,
  payload: Record<string, unknown>,
  traceId?: string | null,
): Promise<void> {
  await em.query(`INSERT INTO audit_logs (event_name, subject_type, subject_id, payload, trace_id) VALUES ($1, $2, $3, $4, $5)`, [
    eventName,
    subjectType,
    subjectId,
    payload,
    traceId ?? null,
  ]);
}
