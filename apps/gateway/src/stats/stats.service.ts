import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { agentPerformance, AgentRow, first, MarketRow, OutcomeRow, RoutingHistoryRow, rows, SignalRow } from '@conduit/db';
import { dec, toMoney } from '@conduit/domain';
import { ENV } from '@conduit/runtime';
import { notFound } from '../common/errors';
import { BillTotalsView } from '../common/read-models';
import { MarksQuery, RoutingHistoryQuery } from './stats.dto';
import type { MarkPoint, PerformanceDay } from './stats.responses';

const ROUTING_FILTER = `($1::venue_v3_t IS NULL OR h.selected_venue = $1) AND ($2::text IS NULL OR h.token_symbol = $2)
  AND ($3::uuid IS NULL OR s.agent_id = $3) AND ($4::timestamptz IS NULL OR h.created_at >= $4)
  AND ($5::timestamptz IS NULL OR h.created_at < $5)`;

/** The pipeline's counts, and the realized PnL of closed positions as text. */
interface OverviewCounts {
  agents: number;
  active_agents: number;
  deployments: number;
  active_deployments: number;
  signals: number;
  positions: number;
  open_positions: number;
  realized_pnl: string;
  markets: number;
}

/** Routing decisions per selected venue; the average routing time as text (null when none was measured). */
type VenueRoutingView = { venue: RoutingHistoryRow['selected_venue']; avg_ms: string | null };

/** Statistics across the pipeline, routing decisions, and an agent's performance. */
@Injectable()
export class StatsService {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async overview() {
    const [counts] = await rows<OverviewCounts>(
      this.ds,
      `
      SELECT (SELECT count(*)::int FROM agents_v3) AS agents,
             (SELECT count(*)::int FROM agents_v3 WHERE status = 'ACTIVE') AS active_agents,
             (SELECT count(*)::int FROM agent_deployments_v3) AS deployments,
             (SELECT count(*)::int FROM agent_deployments_v3 WHERE status = 'ACTIVE') AS active_deployments,
             (SELECT count(*)::int FROM signals_v3) AS signals,
             (SELECT count(*)::int FROM positions_history) AS positions,
             (SELECT count(*)::int FROM positions_v3 WHERE status = 'OPEN') AS open_positions,
             (SELECT COALESCE(sum(pnl), 0)::text FROM positions_history WHERE status = 'CLOSED') AS realized_pnl,
             (SELECT count(*)::int FROM venue_markets WHERE is_active) AS markets`,
    );
    const signalsByStatus = await rows<Pick<SignalRow, 'status'> & { count: number }>(
      this.ds,
      `SELECT status, count(*)::int AS count FROM signals_v3 GROUP BY status ORDER BY status`,
    );
    const routing = await rows<VenueRoutingView & { signals: number }>(
      this.ds,
      `SELECT selected_venue AS venue, count(*)::int AS signals, round(avg(routing_duration_ms)::numeric, 2)::text AS avg_ms
         FROM venue_routing_history_v3 GROUP BY selected_venue ORDER BY signals DESC`,
    );
    const markets = await rows<Pick<MarketRow, 'venue'> & { markets: number }>(
      this.ds,
      `SELECT venue, count(*)::int AS markets FROM venue_markets WHERE is_active GROUP BY venue ORDER BY venue`,
    );
    const billing = await rows<BillTotalsView>(
      this.ds,
      `SELECT kind, status, count(*)::int AS events, sum(amount)::text AS amount FROM billing_events_v3 GROUP BY kind, status ORDER BY
        kind, status`,
    );
    const outcomes = await rows<Pick<OutcomeRow, 'outcome'> & { count: number }>(
      this.ds,
      `SELECT outcome, count(*)::int AS count FROM signal_outcomes GROUP BY outcome ORDER BY outcome`,
    );
    return {
      success: true,
      ...counts,
      signals_by_status: signalsByStatus,
      outcomes,
      routing_by_venue: routing,
      markets_by_venue: markets,
      billing,
    };
  }

  async routingHistory(q: RoutingHistoryQuery) {
    const filter = [q.venue ?? null, q.token_symbol ?? null, q.agent_id ?? null, q.from ?? null, q.to ?? null];
    const history = await rows<RoutingHistoryRow & Pick<SignalRow, 'side' | 'confidence' | 'agent_id'>>(
      this.ds,
      `SELECT h.*, s.side, s.confidence, s.agent_id FROM venue_routing_history_v3 h JOIN signals_v3 s ON s.id = h.signal_id
        WHERE ${ROUTING_FILTER} ORDER BY h.created_at DESC, h.id LIMIT $6 OFFSET $7`,
      [...filter, q.limit ?? 50, q.offset ?? 0],
    );
    // The venue distribution of the same selection.
    const summary = await rows<VenueRoutingView & { trades: number; pct: string }>(
      this.ds,
      `SELECT h.selected_venue AS venue, count(*)::int AS trades, round(100.0 * count(*) / sum(count(*)) OVER (), 1)::text AS pct,
              round(avg(h.routing_duration_ms)::numeric, 2)::text AS avg_ms
         FROM venue_routing_history_v3 h JOIN signals_v3 s ON s.id = h.signal_id
        WHERE ${ROUTING_FILTER} GROUP BY h.selected_venue ORDER BY trades DESC`,
      filter,
    );
    return { success: true, count: history.length, history, summary };
  }

  async performance(id: string) {
    const agent = await first<Pick<AgentRow, 'id' | 'apr_30d' | 'apr_90d' | 'apr_si' | 'sharpe_30d'>>(
      this.ds,
      `SELECT id, apr_30d, apr_90d, apr_si, sharpe_30d FROM agents_v3 WHERE id = $1`,
      [id],
    );
    if (!agent) throw notFound('agent', id);
    const { series, report, amounts, realized, unrealized, capital } = await agentPerformance(
      this.ds.manager,
      id,
      this.env.PAPER_STARTING_EQUITY_USD,
    );
    return {
      success: true,
      agent_id: id,
      // money as decimal strings; ratios as numbers
      performance: {
        ...report,
        total_value: toMoney(capital.plus(realized).plus(unrealized)),
        realized_pnl: toMoney(realized),
        unrealized_pnl: toMoney(unrealized),
        // USD amounts as decimal strings, like every amount the API answers; ratios stay numbers
        average_win: toMoney(amounts.averageWin),
        average_loss: toMoney(amounts.averageLoss),
        max_drawdown_usd: toMoney(amounts.maxDrawdownUsd),
      },
      metrics: { apr_30d: agent.apr_30d, apr_90d: agent.apr_90d, apr_si: agent.apr_si, sharpe_30d: agent.sharpe_30d },
      daily: runningFigures(series.map((p) => ({ day: p.day, pnl: p.pnl_text, return_pct: p.ret * 100 }))),
    };
  }

  /**
   * A token's marks, oldest first: the last `limit` minutes of the range that have one (market_marks keeps a minute only
   * when the mark changed). Without a venue, each minute's average over the venues that marked it. Public: market data.
   */
  async marks(q: MarksQuery) {
    if (!q.token_symbol) return { success: true, token_symbol: null, venue: q.venue ?? null, marks: [] };
    const points = await rows<MarkPoint>(
      this.ds,
      `SELECT to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS minute, mark FROM (
         SELECT minute, round(avg(mark), 8)::text AS mark FROM market_marks
          WHERE token_symbol = $1 AND ($2::venue_v3_t IS NULL OR venue = $2)
            AND ($3::timestamptz IS NULL OR minute >= $3) AND ($4::timestamptz IS NULL OR minute < $4)
          GROUP BY minute ORDER BY minute DESC LIMIT $5) m
        ORDER BY minute`,
      [q.token_symbol, q.venue ?? null, q.from ? new Date(q.from) : null, q.to ? new Date(q.to) : null, q.limit ?? 1440],
    );
    return { success: true, token_symbol: q.token_symbol, venue: q.venue ?? null, marks: points };
  }
}

/** Each day with the PnL accumulated up to it and its fall below the best accumulation so far (the start, 0, counts), in decimal. */
export function runningFigures(days: Omit<PerformanceDay, 'cumulative_pnl' | 'drawdown'>[]): PerformanceDay[] {
  let cumulative = dec(0);
  let peak = dec(0);
  return days.map((d) => {
    cumulative = cumulative.plus(d.pnl);
    if (cumulative.gt(peak)) peak = cumulative;
    return { ...d, cumulative_pnl: toMoney(cumulative), drawdown: toMoney(cumulative.minus(peak)) };
  });
}
