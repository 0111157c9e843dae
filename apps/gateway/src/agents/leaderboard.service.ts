import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { CLOCK } from '@conduit/runtime';
import { LeaderboardPoint, LeaderboardQuery, LeaderboardResponse, LeaderboardRow, LeaderboardSort } from './leaderboard.dto';

/** The SQL each sort key orders by (a whitelist: the key never reaches the statement itself). */
const ORDER_BY: Record<LeaderboardSort, string> = {
  apr_30d: 'b.apr_30d',
  apr_90d: 'b.apr_90d',
  apr_si: 'b.apr_si',
  sharpe: 'b.sharpe',
  max_drawdown: 'b.max_drawdown',
  max_drawdown_percent: 'b.max_drawdown_percent',
  subscribers: 'b.subscribers',
  realized_pnl: 'b.realized_pnl',
  name: 'lower(b.name)',
};

/**
 * The agents ranked by the figures billing keeps: agents_v3's APRs and 30-day Sharpe (refreshAgentPerformance), the
 * latest agent_performance row's realized PnL and drawdowns, and each agent's daily snapshots (pnl_snapshots_v3)
 * accumulated into the sparkline. Nothing is computed here that billing does not already store, except the running sum.
 */
@Injectable()
export class LeaderboardService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async leaderboard(q: LeaderboardQuery): Promise<LeaderboardResponse> {
    const order = `${ORDER_BY[q.sort ?? 'apr_30d']} ${q.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, b.agent_id`;
    const agents = await rows<Omit<LeaderboardRow, 'sparkline'>>(
      this.ds,
      `WITH b AS (
         SELECT a.id AS agent_id, a.name, a.kind, a.status, a.apr_30d::numeric AS apr_30d, a.apr_90d::numeric AS apr_90d,
                a.apr_si::numeric AS apr_si, a.sharpe_30d::numeric AS sharpe, p.max_drawdown, p.max_drawdown_percent, p.realized_pnl,
                (SELECT count(*)::int FROM agent_deployments_v3 d WHERE d.agent_id = a.id AND d.status <> 'STOPPED') AS subscribers
           FROM agents_v3 a
           LEFT JOIN LATERAL (SELECT max_drawdown, max_drawdown_percent, realized_pnl FROM agent_performance
                               WHERE agent_id = a.id ORDER BY snapshot_time DESC LIMIT 1) p ON true
          WHERE ($1::text IS NULL OR a.kind = $1) AND ($2::agent_status_t IS NULL OR a.status = $2))
       SELECT b.agent_id, b.name, b.kind, b.status, b.apr_30d::text, b.apr_90d::text, b.apr_si::text, b.sharpe::text,
              b.max_drawdown::text, b.max_drawdown_percent::text, b.subscribers, b.realized_pnl::text
         FROM b ORDER BY ${order} LIMIT $3 OFFSET $4`,
      [q.kind ?? null, q.status ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    const days = q.days ?? 30;
    const asOf = this.clock.now().toISOString().slice(0, 10);
    const points = await rows<LeaderboardPoint & { agent_id: string }>(
      this.ds,
      `SELECT agent_id, day::text AS day, pnl::text AS pnl
         FROM (SELECT agent_id, day, sum(sum(COALESCE(realized_pnl, 0))) OVER (PARTITION BY agent_id ORDER BY day) AS pnl
                 FROM pnl_snapshots_v3 WHERE agent_id = ANY($1::uuid[]) AND day <= $2::date GROUP BY agent_id, day) s
        WHERE day > $2::date - $3::int ORDER BY agent_id, day`,
      [agents.map((a) => a.agent_id), asOf, days],
    );
    const byAgent = new Map<string, LeaderboardPoint[]>();
    for (const { agent_id, day, pnl } of points) byAgent.set(agent_id, [...(byAgent.get(agent_id) ?? []), { day, pnl }]);
    return {
      success: true,
      count: agents.length,
      as_of: asOf,
      days,
      agents: agents.map((a) => ({ ...a, sparkline: byAgent.get(a.agent_id) ?? [] })),
    };
  }
}
