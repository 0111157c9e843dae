import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { Clock, Dec, dec, toMoney, unrealizedPnl } from '@conduit/domain';
import { DeploymentRow, exec, PositionRow, refreshAgentPerformance, rows } from '@conduit/db';
import { CLOCK, ENV } from '@conduit/runtime';
import { VenueRegistry } from '@conduit/venue';

/** What a deployment's snapshot of a day is taken from: PnL sums as text, its open positions (JSON, money as text). */
type DeploymentDay = Pick<DeploymentRow, 'id' | 'agent_id' | 'trading_mode' | 'user_wallet'> & {
  realized_day: string;
  realized_before: string;
  prev_unrealized: string | null;
  stored_unrealized: string | null;
  open: Pick<PositionRow, 'side' | 'qty' | 'entry_price' | 'current_price'>[] | null;
  /** Its own paper starting equity (an LLM trader's book); null: PAPER_STARTING_EQUITY_USD. */
  paper_equity: string | null;
  /** Live: the venues it has an agent wallet on. */
  venues: string[];
  stored_account_value: string | null;
  prev_account_value: string | null;
};

/** Live deployments whose venue accounts are asked at once. */
const ACCOUNT_READS_AT_ONCE = 8;

/**
 * Daily PnL per deployment (pnl_snapshots_v3, one row per deployment and UTC day, upserted):
 * - realized_pnl: PnL of the positions closed that day (net of fees);
 * - unrealized_pnl: open positions' PnL at their last mark, taken while the day is today; a past day keeps the
 *   value it was taken with (0 if it never was), so re-running a day changes nothing;
 * - pnl = realized + (unrealized − the previous snapshot's unrealized);
 * - start_equity = starting equity (the deployment's own, or PAPER_STARTING_EQUITY_USD) + PnL realized before the day;
 *   return_pct = pnl / start_equity × 100.
 * A live deployment's equity is its venues' account value instead (Hyperliquid's marginSummary.accountValue, Ostium's
 * USDC and collateral: VenueAdapter.accountState), summed over the venues it has an agent wallet on, taken while the
 * day is today and kept in account_value: start_equity is the account value the last earlier day ended with (the first
 * day: today's account value − today's PnL). A venue that does not answer leaves the value taken earlier that day.
 * Closed positions are read from positions_history: an archived one still counts in realized_before.
 */
@Injectable()
export class PnlSnapshots {
  private readonly logger = new Logger(PnlSnapshots.name);

  constructor(
    private readonly ds: DataSource,
    private readonly venues: VenueRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async snapshot(day?: string): Promise<{ day: string; deployments: number }> {
    const today = this.clock.now().toISOString().slice(0, 10);
    const d = day ?? today;
    const deployments = await rows<DeploymentDay>(
      this.ds,
      `SELECT d.id, d.agent_id, d.trading_mode, d.user_wallet, d.paper_equity_usd::text AS paper_equity,
              array_remove(ARRAY[CASE WHEN d.hyperliquid_agent_address IS NOT NULL THEN 'HYPERLIQUID' END,
                                 CASE WHEN d.ostium_agent_address IS NOT NULL THEN 'OSTIUM' END,
                                 CASE WHEN d.gmx_agent_address IS NOT NULL THEN 'GMX' END,
                                 CASE WHEN d.spot_agent_address IS NOT NULL THEN 'SPOT' END], NULL) AS venues,
              (SELECT s.account_value::text FROM pnl_snapshots_v3 s WHERE s.deployment_id = d.id AND s.day = $1::date) AS
                stored_account_value,
              (SELECT s.account_value::text FROM pnl_snapshots_v3 s WHERE s.deployment_id = d.id AND s.day < $1::date
                  AND s.account_value IS NOT NULL ORDER BY s.day DESC LIMIT 1) AS prev_account_value,
              (SELECT COALESCE(sum(pnl), 0)::text FROM positions_history p WHERE p.deployment_id = d.id AND p.status = 'CLOSED'
                  AND p.closed_at >= $1::date AND p.closed_at < $1::date + 1) AS realized_day,
              (SELECT COALESCE(sum(pnl), 0)::text FROM positions_history p WHERE p.deployment_id = d.id AND p.status = 'CLOSED'
                  AND p.closed_at < $1::date) AS realized_before,
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
    // Account values are only known now: a past day keeps what it was taken with.
    const accountValues = isToday
      ? await this.accountValues(deployments.filter((r) => r.trading_mode === 'live'))
      : new Map<string, string>();
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
      let accountValue: Dec | null = null;
      let startEquity: Dec | null;
      if (r.trading_mode === 'live') {
        const taken = accountValues.get(r.id) ?? r.stored_account_value;
        accountValue = taken ? dec(taken) : null;
        startEquity = r.prev_account_value ? dec(r.prev_account_value) : accountValue ? accountValue.minus(pnl) : null;
      } else {
        startEquity = dec(r.paper_equity ?? this.env.PAPER_STARTING_EQUITY_USD).plus(r.realized_before);
      }
      return {
        d: r.id,
        a: r.agent_id,
        pnl: toMoney(pnl),
        realized: toMoney(r.realized_day),
        unrealized: toMoney(unrealized),
        equity: startEquity ? toMoney(startEquity) : null,
        ret: startEquity?.gt(0) ? pnl.div(startEquity).mul(100).toNumber() : null,
        account: accountValue ? toMoney(accountValue) : null,
      };
    });
    if (values.length) {
      await exec(
        this.ds,
        `INSERT INTO pnl_snapshots_v3 (agent_id, deployment_id, day, pnl, return_pct, realized_pnl, unrealized_pnl, start_equity,
                                       account_value)
         SELECT t.a, t.d, $1::date, t.pnl, t.ret, t.realized, t.unrealized, t.equity, t.account
           FROM jsonb_to_recordset($2::jsonb) AS t(a uuid, d uuid, pnl numeric, ret real, realized numeric, unrealized numeric, equity
             numeric, account numeric)
         ON CONFLICT (deployment_id, day) DO UPDATE SET pnl = EXCLUDED.pnl, return_pct = EXCLUDED.return_pct, realized_pnl =
           EXCLUDED.realized_pnl,
                                                       unrealized_pnl = EXCLUDED.unrealized_pnl, start_equity = EXCLUDED.start_equity,
                                                       account_value = EXCLUDED.account_value`,
        [d, JSON.stringify(values)],
      );
    }
    const agents = [...new Set(values.map((v) => v.a).filter(Boolean))];
    for (const a of agents) await refreshAgentPerformance(this.ds.manager, a, d, this.env.PAPER_STARTING_EQUITY_USD);
    return { day: d, deployments: values.length };
  }

  /**
   * Each live deployment's account value now: Σ over the venues it has an agent wallet on (and a live adapter for) of
   * the user's account equity there. A venue that does not answer leaves the deployment out (logged).
   */
  private async accountValues(live: readonly DeploymentDay[]): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    for (let i = 0; i < live.length; i += ACCOUNT_READS_AT_ONCE) {
      await Promise.all(
        live.slice(i, i + ACCOUNT_READS_AT_ONCE).map(async (r) => {
          const venues = r.venues.filter((v) => this.venues.has(v, 'live'));
          if (!venues.length) return;
          try {
            const states = await Promise.all(venues.map((v) => this.venues.get(v, 'live').accountState(r.user_wallet)));
            values.set(r.id, toMoney(states.reduce((sum, a) => sum.plus(a.equity), dec(0))));
          } catch (e: any) {
            this.logger.warn(`account value of deployment ${r.id} on ${venues.join(', ')}: ${e.message}`);
          }
        }),
      );
    }
    return values;
  }
}
