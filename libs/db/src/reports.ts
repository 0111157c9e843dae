import type { BuiltReport, ReportPeriod } from '@conduit/domain';
import { audit } from './audit';
import { recordNotification } from './notifications';
import { ReportRow } from './rows';
import { first, rows, Sql } from './sql';

/**
 * The reports table's writes (issue 15), and the hook notifications delivers from.
 * - insertReport: a period's report, once: INSERT … ON CONFLICT (report_type, period_start) DO NOTHING, so any number
 *   of concurrent generators (billing replicas, an operator's run) write one row. The one that wrote it audits
 *   `v3.report.created` in the same transaction; the insert NOTIFYs the change feed (`reports:<id>`).
 * - The insert records a "report.ready" notification (broadcast to its subscribers) in the same transaction. A new
 *   report is undelivered (delivered_at NULL, push_sent false) until the notifier sends one of its deliveries, which
 *   marks it (reportDelivered: once, conditional on delivered_at still NULL).
 */
export const REPORT_CREATED_EVENT = 'v3.report.created';

/** The report's id when this call wrote it; null when the period's report already existed. */
export async function insertReport(q: Sql, period: ReportPeriod, built: BuiltReport, traceId?: string | null): Promise<string | null> {
  const inserted = await first<{ id: string }>(
    q,
    `INSERT INTO reports (report_type, period_start, period_end, summary_markdown, metrics, notable_events)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
     ON CONFLICT (report_type, period_start) DO NOTHING RETURNING id`,
    [period.type, period.start, period.end, built.markdown, JSON.stringify(built.metrics), JSON.stringify(built.notableEvents)],
  );
  if (!inserted) return null;
  await audit(
    q,
    REPORT_CREATED_EVENT,
    'report',
    inserted.id,
    { report_type: period.type, period_start: period.start.toISOString(), period_end: period.end.toISOString() },
    traceId,
  );
  // "report ready" for every wallet and operator subscribed to it, in the same transaction (the outbox)
  await recordNotification(q, {
    event: 'report.ready',
    key: `report.ready:${inserted.id}`,
    broadcast: true,
    payload: {
      report_id: inserted.id,
      type: period.type,
      period_start: period.start.toISOString(),
      period_end: period.end.toISOString(),
    },
  });
  return inserted.id;
}

/** The id of the period's report, if it was written. */
export async function reportIdOf(q: Sql, period: Pick<ReportPeriod, 'type' | 'start'>): Promise<string | null> {
  const row = await first<{ id: string }>(q, `SELECT id FROM reports WHERE report_type = $1 AND period_start = $2`, [
    period.type,
    period.start,
  ]);
  return row?.id ?? null;
}

/** Reports not yet delivered (delivered_at NULL), oldest first: what notifications has to send "report ready" for. */
export async function undeliveredReports(
  q: Sql,
  limit = 100,
): Promise<Pick<ReportRow, 'id' | 'report_type' | 'period_start' | 'period_end' | 'created_at'>[]> {
  return rows(
    q,
    `SELECT id, report_type, period_start, period_end, created_at FROM reports WHERE delivered_at IS NULL
      ORDER BY created_at, id LIMIT $1`,
    [limit],
  );
}

/** Records the delivery once (false when it was already recorded); push_sent when a push went out. */
export async function markReportDelivered(q: Sql, id: string, deliveredAt: Date, pushSent: boolean): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `UPDATE reports SET delivered_at = $2, push_sent = $3 WHERE id = $1 AND delivered_at IS NULL RETURNING id`,
    [id, deliveredAt, pushSent],
  );
  return moved.length > 0;
}

/**
 * A sent delivery of a "report.ready" notification marks its report delivered, once (push_sent: a message went out on
 * a channel), at the delivery's sent_at (the notifier's clock). Any other delivery changes nothing.
 */
export async function reportDelivered(q: Sql, deliveryId: string): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    q,
    `UPDATE reports r SET delivered_at = d.sent_at, push_sent = true
       FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
      WHERE d.id = $1 AND d.status = 'sent' AND n.event_type = 'report.ready'
        AND r.id = (n.payload->>'report_id')::uuid AND r.delivered_at IS NULL
     RETURNING r.id`,
    [deliveryId],
  );
  return moved.length > 0;
}
