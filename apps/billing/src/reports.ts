import { randomUUID } from 'crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { insertReport, reportIdOf, rows } from '@conduit/db';
import {
  biasFlips,
  BiasReading,
  buildReport,
  Clock,
  lastCompletePeriod,
  NotableEvent,
  periodHasEnded,
  REPORT_TYPES,
  ReportBill,
  ReportOpenPosition,
  ReportPeriod,
  reportPeriod,
  ReportTrade,
  ReportType,
} from '@conduit/domain';
import { JobPayload, JobName } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';

/** Notable events of one kind a report lists at most (a fan-out failing for 10 000 deployments is one line per signal). */
const NOTABLE_LIMIT = 100;

/** The bias timeframe whose flips a report lists: the one of its own length. */
const BIAS_TIMEFRAME: Record<ReportType, string> = { '4h': '4h', daily: '24h' };

export interface ReportOutcome {
  report_type: ReportType;
  period_start: string;
  period_end: string;
  report_id: string | null;
  /** true when this run wrote the report; false when it existed (another replica, an earlier tick) or was skipped. */
  created: boolean;
  skipped?: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * The reports job (billing.reports, issue 15; docs/REPORTS.md). Billing owns the periodic bookkeeping, so it writes
 * the reports: a tick (every REPORTS_INTERVAL_MS) writes the last complete 4h and daily periods' reports as the
 * injected clock sees them, unless written already; an operator's run (POST /api/v3/admin/reports/run) names a type
 * and a period. Each report is read from the period's rows, built by the pure builder (libs/domain/src/reports) and
 * inserted once per period and type (insertReport: ON CONFLICT DO NOTHING), so two billing replicas running it at
 * once write one row. A new report waits for notifications (delivered_at NULL, push_sent false).
 */
@Injectable()
export class Reports {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async run(payload: JobPayload<JobName.BillingReports> = {}): Promise<ReportOutcome[]> {
    const traceId = payload.traceId ?? randomUUID();
    const now = this.clock.now();
    if (payload.periodStart && !payload.type) throw new Error('periodStart needs a type');
    const types: readonly ReportType[] = payload.type ? [payload.type] : REPORT_TYPES;
    const out: ReportOutcome[] = [];
    for (const type of types) {
      const period = payload.periodStart ? reportPeriod(type, new Date(payload.periodStart)) : lastCompletePeriod(type, now);
      out.push(await this.generate(period, now, traceId));
    }
    return out;
  }

  /** One period's report, once; a period that has not ended yet is skipped (its report would be incomplete). */
  async generate(period: ReportPeriod, now: Date, traceId?: string): Promise<ReportOutcome> {
    const base = { report_type: period.type, period_start: iso(period.start), period_end: iso(period.end) };
    if (!periodHasEnded(period, now)) return { ...base, report_id: null, created: false, skipped: 'the period has not ended' };
    const existing = await reportIdOf(this.ds, period);
    if (existing) return { ...base, report_id: existing, created: false };
    const built = buildReport(await this.read(period));
    const id = await this.ds.transaction((em) => insertReport(em, period, built, traceId));
    return { ...base, report_id: id ?? (await reportIdOf(this.ds, period)), created: id !== null };
  }

  /** The period's rows, as the builder takes them. */
  async read(period: ReportPeriod) {
    const [start, end] = [period.start, period.end];
    const trades = await rows<{
      id: string;
      agent_id: string;
      agent_name: string;
      deployment_id: string;
      token_symbol: string;
      side: string;
      pnl: string;
      fees: string;
      closed_at: Date;
      exit_reason: string | null;
    }>(
      this.ds,
      `SELECT p.id, d.agent_id, a.name AS agent_name, p.deployment_id, p.token_symbol, p.side, p.pnl::text AS pnl,
              COALESCE((SELECT sum(o.fee) FROM venue_orders o WHERE o.position_id = p.id AND o.status = 'FILLED'), 0)::text AS fees,
              p.closed_at, p.exit_reason
         FROM positions_history p
         JOIN agent_deployments_v3 d ON d.id = p.deployment_id
         JOIN agents_v3 a ON a.id = d.agent_id
        WHERE p.status = 'CLOSED' AND p.pnl IS NOT NULL AND p.closed_at >= $1 AND p.closed_at < $2
        ORDER BY p.closed_at, p.id`,
      [start, end],
    );
    // Open at the period's end: opened before it and not closed by then. The unrealized PnL is from the latest mark
    // of a position still open; a position closed since has none.
    const open = await rows<{ id: string; agent_id: string; agent_name: string; deployment_id: string; unrealized: string | null }>(
      this.ds,
      `SELECT p.id, d.agent_id, a.name AS agent_name, p.deployment_id,
              CASE WHEN p.status = 'OPEN' AND p.current_price IS NOT NULL
                   THEN ((p.current_price - p.entry_price) * p.qty * CASE p.side WHEN 'SHORT' THEN -1 ELSE 1 END)::text END AS unrealized
         FROM positions_history p
         JOIN agent_deployments_v3 d ON d.id = p.deployment_id
         JOIN agents_v3 a ON a.id = d.agent_id
        WHERE p.opened_at < $1 AND (p.status = 'OPEN' OR (p.status = 'CLOSED' AND p.closed_at >= $1))
        ORDER BY p.id`,
      [end],
    );
    const bills = await rows<{ id: string; kind: string; amount: string; deployment_id: string | null; event: ReportBill['event'] }>(
      this.ds,
      `SELECT id, kind::text, amount::text, deployment_id, 'created' AS event FROM billing_events_v3
        WHERE created_at >= $1 AND created_at < $2
       UNION ALL
       SELECT id, kind::text, amount::text, deployment_id, 'collected' FROM billing_events_v3
        WHERE status = 'COLLECTED' AND (metadata->>'collected_at')::timestamptz >= $1 AND (metadata->>'collected_at')::timestamptz < $2
       UNION ALL
       SELECT b.id, b.kind::text, b.amount::text, b.deployment_id, 'failed' FROM billing_events_v3 b
        WHERE EXISTS (SELECT 1 FROM audit_logs l WHERE l.action = 'v3.bill.failed' AND l.entity_id = b.id
                         AND l.occurred_at >= $1 AND l.occurred_at < $2)
       ORDER BY 1, 5`,
      [start, end],
    );
    return {
      period,
      trades: trades.map((t): ReportTrade => ({
        positionId: t.id,
        agentId: t.agent_id,
        agentName: t.agent_name,
        deploymentId: t.deployment_id,
        tokenSymbol: t.token_symbol,
        side: t.side,
        pnl: t.pnl,
        fees: t.fees,
        closedAt: new Date(t.closed_at),
        exitReason: t.exit_reason,
      })),
      openPositions: open.map((p): ReportOpenPosition => ({
        positionId: p.id,
        agentId: p.agent_id,
        agentName: p.agent_name,
        deploymentId: p.deployment_id,
        unrealizedPnl: p.unrealized,
      })),
      bills: bills.map((b): ReportBill => ({ id: b.id, kind: b.kind, amount: b.amount, deploymentId: b.deployment_id, event: b.event })),
      events: await this.notable(period),
    };
  }

  /**
   * Kill switches turned on or off, failed signals and outcomes, venues found down, failed bills (from the audit
   * trail and the rows' own times), watched wallets' large events and liquidations, and bias flips.
   */
  async notable(period: ReportPeriod): Promise<NotableEvent[]> {
    const [start, end] = [period.start, period.end];
    const audited = await rows<{ action: string; entity_id: string | null; payload: Record<string, any> | null; occurred_at: Date }>(
      this.ds,
      `SELECT action, entity_id, payload, occurred_at FROM audit_logs
        WHERE action IN ('v3.deployment.kill_switch', 'v3.signal.failed', 'v3.bill.failed')
          AND occurred_at >= $1 AND occurred_at < $2
        ORDER BY occurred_at, id LIMIT $3`,
      [start, end, 3 * NOTABLE_LIMIT],
    );
    const events: NotableEvent[] = audited.map((a): NotableEvent => {
      const p = a.payload ?? {};
      const at = iso(a.occurred_at);
      if (a.action === 'v3.deployment.kill_switch')
        return {
          at,
          kind: 'kill_switch',
          subject: a.entity_id,
          detail: `kill switch ${p.enabled ? 'on' : 'off'} for deployment ${a.entity_id}`,
        };
      if (a.action === 'v3.signal.failed')
        return { at, kind: 'signal_failed', subject: a.entity_id, detail: `signal ${a.entity_id} failed at ${p.stage}: ${p.reason}` };
      return { at, kind: 'bill_failed', subject: a.entity_id, detail: `${p.kind ?? ''} bill ${a.entity_id} failed: ${p.reason}`.trim() };
    });

    const outcomes = await rows<{ signal_id: string; stage: string; reason: string; deployments: number; at: Date }>(
      this.ds,
      `SELECT signal_id, stage, reason, count(*)::int AS deployments, max(updated_at) AS at FROM signal_outcomes
        WHERE outcome = 'FAILED' AND updated_at >= $1 AND updated_at < $2
        GROUP BY signal_id, stage, reason ORDER BY at, signal_id LIMIT $3`,
      [start, end, NOTABLE_LIMIT],
    );
    for (const o of outcomes)
      events.push({
        at: iso(o.at),
        kind: 'outcome_failed',
        subject: o.signal_id,
        detail: `signal ${o.signal_id}: ${o.deployments} deployment(s) failed at ${o.stage}: ${o.reason}`,
      });

    // venues_status holds each venue's latest health only, no history: a venue is listed when its latest check found it
    // down and was made in the period or in the one after it (the tick that writes a report runs after its period).
    const venues = await rows<{ venue: string; status: string; last_error: string | null; last_checked: Date }>(
      this.ds,
      `SELECT venue::text, status, last_error, last_checked FROM venues_status
        WHERE (NOT is_available OR status <> 'UP') AND last_checked >= $1 AND last_checked < $2 ORDER BY venue`,
      [start, new Date(end.getTime() + (end.getTime() - start.getTime()))],
    );
    for (const v of venues)
      events.push({
        at: iso(v.last_checked),
        kind: 'venue_down',
        subject: v.venue,
        detail: `${v.venue} ${v.status} at its latest check${v.last_error ? `: ${v.last_error}` : ''}`,
      });

    const wallet = await rows<{
      id: string;
      timestamp: Date;
      address: string;
      label: string | null;
      event_type: string;
      asset: string | null;
      notional_usd: string | null;
    }>(
      this.ds,
      `SELECT e.id, e.timestamp, w.address, w.label, e.event_type, e.asset, e.notional_usd::text AS notional_usd
         FROM events e JOIN wallets w ON w.id = e.wallet_id
        WHERE e.timestamp >= $1 AND e.timestamp < $2 AND (e.event_type = 'liquidation' OR e.notional_usd >= $3)
        ORDER BY e.notional_usd DESC NULLS LAST, e.timestamp, e.id LIMIT $4`,
      [start, end, this.env.REPORT_WALLET_EVENT_USD, NOTABLE_LIMIT],
    );
    for (const e of wallet)
      events.push({
        at: iso(e.timestamp),
        kind: 'wallet_event',
        subject: e.address,
        detail:
          `${e.label ?? e.address} ${e.event_type} ${e.asset ?? ''}`.replace(/\s+/g, ' ').trim() +
          (e.notional_usd !== null ? ` (${e.notional_usd} USD)` : ''),
      });

    const timeframe = BIAS_TIMEFRAME[period.type];
    const bias = await rows<{ asset: string; timeframe: string; timestamp: Date; value: string }>(
      this.ds,
      `WITH during AS (SELECT asset, timeframe, timestamp, value FROM bias WHERE timeframe = $3 AND timestamp >= $1 AND timestamp < $2)
       SELECT asset, timeframe, timestamp, value::text AS value FROM during
       UNION ALL
       SELECT * FROM (SELECT DISTINCT ON (b.asset) b.asset, b.timeframe, b.timestamp, b.value::text AS value FROM bias b
                        WHERE b.timeframe = $3 AND b.timestamp < $1 AND b.asset IN (SELECT asset FROM during)
                        ORDER BY b.asset, b.timestamp DESC) before`,
      [start, end, timeframe],
    );
    const readings = bias.filter((b) => b.value !== null).map((b): BiasReading => ({ ...b, timestamp: new Date(b.timestamp) }));
    events.push(...biasFlips(readings, start, end).slice(0, NOTABLE_LIMIT));
    return events;
  }
}
