import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@conduit/db';
import { aggregateRows, canReadDeploymentData, ownRows, Reader, readerParams } from '../common/read-access';
import { ReadModels } from '../common/read-models';
import type { JourneyResponse } from './journey.responses';

type Journey = Omit<JourneyResponse, 'success'>;
const iso = (t: Date | string | null | undefined) => (t ? new Date(t).toISOString() : null);
const earliest = (times: (string | null)[]) => times.filter((t): t is string => !!t).sort()[0] ?? null;

/**
 * One signal's path through the five layers, with only what the reader may read (read-access.ts): Agent What and
 * Agent Where are public; Agent How's decisions, the executor's orders and failovers and the bills are the rows of the
 * reader's own deployments (an operator's: all), with totals over what the reader counts in aggregate (its own, and
 * every deployment of an agent it created); the audit trail of the signal's traces is the operators'.
 */
@Injectable()
export class JourneyService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
  ) {}

  async journey(id: string, reader: Reader): Promise<JourneyResponse> {
    const s = await this.read.signal(id);
    const agent = await this.read.agent(s.agent_id);
    const who = readerParams(reader);
    const [decisions, routing, how, howTotals, orders, failovers, outcomeTotals, bills, billTotals, audit] = await Promise.all([
      rows<Journey['what']['decisions'][number]>(
        this.ds,
        `SELECT id, timestamp, action, coin, confidence::text AS confidence, reasoning, source_type, model
           FROM agent_decisions WHERE signal_id = $1 ORDER BY timestamp, id`,
        [id],
      ),
      this.read.routing(id),
      rows<Journey['how']['decisions'][number]>(
        this.ds,
        `SELECT pd.deployment_id, pd.decision, pd.code, pd.reason, pd.leverage, pd.venues, pd.created_at
           FROM policy_decisions pd JOIN agent_deployments_v3 d ON d.id = pd.deployment_id
          WHERE pd.signal_id = $1 AND ${ownRows(2)} ORDER BY pd.created_at, pd.deployment_id`,
        [id, ...who],
      ),
      rows<Journey['how']['totals'][number]>(
        this.ds,
        `SELECT pd.decision, pd.code, count(*)::int AS deployments
           FROM policy_decisions pd JOIN agent_deployments_v3 d ON d.id = pd.deployment_id JOIN agents_v3 a ON a.id = d.agent_id
          WHERE pd.signal_id = $1 AND ${aggregateRows(2)} GROUP BY pd.decision, pd.code ORDER BY pd.decision, pd.code`,
        [id, ...who],
      ),
      rows<Journey['executor']['orders'][number]>(
        this.ds,
        `SELECT o.id, o.deployment_id, o.venue, o.side, o.reduce_only, o.qty::text AS qty, o.status, o.filled_qty::text AS filled_qty,
                o.avg_fill_price::text AS avg_fill_price, o.fee::text AS fee, o.error, o.created_at
           FROM venue_orders o JOIN agent_deployments_v3 d ON d.id = o.deployment_id
          WHERE o.signal_id = $1 AND ${ownRows(2)} ORDER BY o.created_at, o.id`,
        [id, ...who],
      ),
      rows<Journey['executor']['failovers'][number]>(
        this.ds,
        `SELECT l.occurred_at AS at, (l.payload->>'deployment_id')::uuid AS deployment_id, l.payload->>'from' AS from_venue,
                l.payload->>'to' AS to_venue, l.payload->>'reason' AS reason
           FROM audit_logs l JOIN agent_deployments_v3 d ON d.id = (l.payload->>'deployment_id')::uuid
          WHERE l.action = 'v3.order.failover' AND l.entity_id = $1 AND ${ownRows(2)} ORDER BY l.occurred_at, l.id`,
        [id, ...who],
      ),
      this.read.outcomeTotals(id, reader),
      rows<Journey['billing']['bills'][number]>(
        this.ds,
        `SELECT b.id, b.deployment_id, b.kind, b.amount::text AS amount, b.asset, b.status, b.occurred_at
           FROM billing_events_v3 b JOIN positions_history p ON p.id = b.position_id JOIN agent_deployments_v3 d ON d.id = b.deployment_id
          WHERE p.signal_id = $1 AND ${ownRows(2)} ORDER BY b.occurred_at, b.id`,
        [id, ...who],
      ),
      rows<Journey['billing']['totals'][number]>(
        this.ds,
        `SELECT b.kind, b.status, count(*)::int AS events, sum(b.amount)::text AS amount
           FROM billing_events_v3 b JOIN positions_history p ON p.id = b.position_id JOIN agent_deployments_v3 d ON d.id = b.deployment_id
                JOIN agents_v3 a ON a.id = d.agent_id
          WHERE p.signal_id = $1 AND ${aggregateRows(2)} GROUP BY b.kind, b.status ORDER BY b.kind, b.status`,
        [id, ...who],
      ),
      canReadDeploymentData(reader)
        ? rows<NonNullable<Journey['audit']>[number]>(
            this.ds,
            `SELECT l.action, l.entity_type, l.entity_id, l.actor, l.trace_id, l.occurred_at FROM audit_logs l
              WHERE l.trace_id IN (SELECT trace_id FROM audit_logs WHERE entity_id = $1 AND trace_id IS NOT NULL)
              ORDER BY l.occurred_at, l.id`,
            [id],
          )
        : Promise.resolve(null),
    ]);
    const where = routing && {
      at: iso(routing.created_at)!,
      requested_venue: routing.requested_venue,
      selected_venue: routing.selected_venue,
      routing_reason: routing.routing_reason,
      checked_venues: routing.checked_venues ?? [],
      availability: Object.entries(routing.venue_availability ?? {}).map(([venue, available]) => ({ venue, available })),
      routing_duration_ms: routing.routing_duration_ms,
    };
    return {
      success: true,
      signal: {
        id: s.id,
        agent_id: s.agent_id,
        agent_name: agent.name,
        token_symbol: s.token_symbol,
        side: s.side,
        status: s.status,
        created_at: iso(s.created_at)!,
        routed_at: iso(s.routed_at),
        executed_at: iso(s.executed_at),
        skipped_reason: s.skipped_reason,
        failure_reason: s.failure_reason,
      },
      what: {
        at: iso(s.created_at)!,
        confidence: s.confidence,
        source_tweets: s.source_tweets ?? [],
        source_research: s.source_research ?? [],
        lunarcrush_reasoning: s.lunarcrush_reasoning,
        decisions: decisions.map((d) => ({ ...d, timestamp: iso(d.timestamp)! })),
      },
      how: {
        at: earliest(how.map((d) => iso(d.created_at))),
        decisions: how.map((d) => ({ ...d, created_at: iso(d.created_at)! })),
        totals: howTotals,
      },
      where,
      executor: {
        at: iso(s.executed_at) ?? earliest(orders.map((o) => iso(o.created_at))),
        orders: orders.map((o) => ({ ...o, created_at: iso(o.created_at)! })),
        failovers: failovers.map((f) => ({ ...f, at: iso(f.at)! })),
        outcome_totals: outcomeTotals,
      },
      billing: {
        at: earliest(bills.map((b) => iso(b.occurred_at))),
        bills: bills.map((b) => ({ ...b, occurred_at: iso(b.occurred_at)! })),
        totals: billTotals,
      },
      audit: audit && audit.map((a) => ({ ...a, occurred_at: iso(a.occurred_at)! })),
    };
  }
}
