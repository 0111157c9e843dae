import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { Clock, dec, toMoney, unrealizedPnl } from '@conduit/domain';
import { DeploymentRow, exec, PositionRow, refreshAgentPerformance, rows } from '@conduit/db';
import { CLOCK, ENV } from '@conduit/runtime';

/** What a deployment's snapshot of a day is taken from: PnL sums as text, its open positions (JSON, money as text). */
type DeploymentDay = Pick<DeploymentRow, 'id' | 'agent_id'> & {
  realized_day: string;
  realized_before: string;
  prev_unrealized: string | null;
  stored_unrealized: string | null;
  open: Pick<PositionRow, 'side' | 'qty' | 'entry_price' | 'current_price'>[] | null;
};

/**
 * Daily PnL per deployment (pnl_snapshots_v3, one row per deployment and UTC day, upserted):
 * - realized_pnl: PnL of the positions closed that day (net of fees);
 * - unrealized_pnl: open positions' PnL at their last mark, taken while the day is today; a past day keeps the
 *   value it was taken with (0 if it never was), so re-running a day changes nothing;
 * - pnl = realized + (unrealized − the previous snapshot's unrealized);
 * - start_equity = starting equity + PnL realized before the day; return_pct = pnl / start_equity × 100.
 */
@Injectable()
export class PnlSnapshots {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async snapshot(day?: string): Promise<{ day: string; deployments: number }> {
    const today = this.clock.now().toISOString().slice(0, 10);
    const d = day ?? today;
    const deployments = await rows<DeploymentDay>(
      this.ds,
      `SELECT d.id, d.agent_id,
              (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status = 'CLOSED'
                  AND p.closed_at >= $1::date AND p.closed_at < $1::date + 1) AS realized_day,
              (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status = 'CLOSED' AND p.closed_at
                < $1::date) AS realized_before,
              (SELECT s.unrealized_pnl::text FROM pnl_snapshots_v3 s WHERE s.deployment_id = d.id AND s.day < $1::date ORDER BY s.day DESC
                LIMIT 1) AS prev_unrealized,
              (SELECT s.unrealized_pnl::text FROM pnl_snapshots_v3 s WHERE s.deployment_id = d.id AND s.day = $1::date) AS
                stored_unrealized,
              (SELECT json_agg(json_build_object('side', p.side, 'qty', p.qty::text, 'entry_price', p.entry_price::text, 'current_price',
                p.current_price::text))
                 FROM positions_v3 p WHERE p.deployment_id = d.id AND p.status = 'OPEN') AS open
         FROM agent_deployments_v3 d
        WHERE d.created_at < $1::date + 1`,
      [d],
    );
    const isToday = d === today;
    const values = deployments.map((r) => {
      // Marks are only known now: a past day keeps what it was taken with (0 when it never was).
      const unrealized = isToday
        ? (r.open ?? []).reduce(
            (sum, p) => (p.current_price ? sum.plus(unrealizedPnl(p.side, p.qty, p.entry_price, p.current_price)) : sum),
            dec(0),
          )
        : dec(r.stored_unrealized ?? 0);
      const pnl = dec(r.realized_day)
        .plus(unrealized)
        .minus(r.prev_unrealized ?? 0);
      const startEquity = dec(this.env.PAPER_STARTING_EQUITY_USD).plus(r.realized_before);
      return {
        d: r.id,
        a: r.agent_id,
        pnl: toMoney(pnl),
        realized: toMoney(r.realized_day),
        unrealized: toMoney(unrealized),
        equity: toMoney(startEquity),
        ret: startEquity.gt(0) ? pnl.div(startEquity).mul(100).toNumber() : null,
      };
    });
    if (values.length) {
      await exec(
        this.ds,
        `INSERT INTO pnl_snapshots_v3 (agent_id, deployment_id, day, pnl, return_pct, realized_pnl, unrealized_pnl, start_equity)
         SELECT t.a, t.d, $1::date, t.pnl, t.ret, t.realized, t.unrealized, t.equity
           FROM jsonb_to_recordset($2::jsonb) AS t(a uuid, d uuid, pnl numeric, ret real, realized numeric, unrealized numeric, equity
             numeric)
         ON CONFLICT (deployment_id, day) DO UPDATE SET pnl = EXCLUDED.pnl, return_pct = EXCLUDED.return_pct, realized_pnl =
           EXCLUDED.realized_pnl,
                                                       unrealized_pnl = EXCLUDED.unrealized_pnl, start_equity = EXCLUDED.start_equity`,
        [d, JSON.stringify(values)],
      );
    }
    const agents = [...new Set(values.map((v) => v.a).filter(Boolean))];
    for (const a of agents) await refreshAgentPerformance(this.ds.manager, a, d, this.env.PAPER_STARTING_EQUITY_USD);
    return { day: d, deployments: values.length };
  }
}
