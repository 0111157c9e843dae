import { EntityManager } from 'typeorm';
import { agentMetrics, DailyPoint, dec, performanceAmounts, performanceReport, unrealizedPnl } from '@conduit/domain';
import { PnlSnapshotRow, PositionRow } from './rows';
import { exec, rows } from './sql';

/** One day of an agent's snapshots: Σ pnl and Σ start_equity of its deployments, as text. */
export type DailyRow = Pick<PnlSnapshotRow, 'day'> & { pnl: string; equity: string | null };

/** An agent's daily PnL across its deployments: Σ pnl, and that over Σ start-of-day equity (pnl_snapshots_v3). */
export async function agentDailySeries(em: EntityManager, agentId: string): Promise<(DailyPoint & { pnl_text: string })[]> {
  const days = await rows<DailyRow>(
    em,
    `SELECT day::text AS day, sum(pnl)::text AS pnl, sum(start_equity)::text AS equity
       FROM pnl_snapshots_v3 WHERE agent_id = $1 GROUP BY day ORDER BY day`,
    [agentId],
  );
  return dailyPoints(days);
}

/** Days of PnL and start equity (text) as the points of a series: the return is pnl / equity, 0 without equity. */
export function dailyPoints(days: readonly DailyRow[]): (DailyPoint & { pnl_text: string })[] {
  return days.map((r) => ({
    day: r.day,
    pnl: Number(r.pnl),
    pnl_text: r.pnl,
    ret: r.equity && Number(r.equity) > 0 ? Number(r.pnl) / Number(r.equity) : 0,
  }));
}

/**
 * Everything an agent's performance is computed from, read in four queries, and the report (docs/MONEY.md). Capital
 * is Σ over its deployments of their starting equity: a live one's from its venues' account value (pnl_snapshots_v3).
 * Closed positions come from positions_history (archived ones count), open ones from positions_v3.
 */
export async function agentPerformance(em: EntityManager, agentId: string, startingEquityUsd: string) {
  const series = await agentDailySeries(em, agentId);
  const closed = await rows<{ pnl: string }>(
    em,
    `SELECT p.pnl::text AS pnl FROM positions_history p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
      WHERE d.agent_id = $1 AND p.status = 'CLOSED' AND p.pnl IS NOT NULL ORDER BY p.closed_at`,
    [agentId],
  );
  const open = await rows<Pick<PositionRow, 'side' | 'qty' | 'entry_price' | 'current_price'>>(
    em,
    `SELECT p.side, p.qty::text AS qty, p.entry_price::text AS entry_price, p.current_price::text AS current_price
       FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE d.agent_id = $1 AND p.status = 'OPEN'`,
    [agentId],
  );
  // A live deployment's capital is the equity its venues' account value gave its first snapshot; a paper one's, its own
  // starting equity or the default.
  const [{ total }] = await rows<{ total: string }>(
    em,
    `SELECT COALESCE(sum(COALESCE(
              CASE WHEN d.trading_mode = 'live' THEN (SELECT s.start_equity FROM pnl_snapshots_v3 s WHERE s.deployment_id = d.id
                                                         AND s.start_equity IS NOT NULL ORDER BY s.day LIMIT 1) END,
              d.paper_equity_usd, $2::numeric)), 0)::text AS total
       FROM agent_deployments_v3 d WHERE d.agent_id = $1`,
    [agentId, startingEquityUsd],
  );
  const realized = closed.reduce((sum, p) => sum.plus(p.pnl), dec(0));
  const marked = open.filter((p) => p.current_price);
  const unrealized = marked.reduce((sum, p) => sum.plus(unrealizedPnl(p.side, p.qty, p.entry_price, p.current_price!)), dec(0));
  const positionValue = marked.reduce((sum, p) => sum.plus(dec(p.qty).mul(p.current_price!).abs()), dec(0));
  const capital = dec(total);
  // The report's statistics are numbers (answered as they are); the amounts a table keeps are taken in decimal.
  const report = performanceReport({
    series,
    closedPnls: closed.map((p) => Number(p.pnl)),
    realizedPnl: realized.toNumber(),
    unrealizedPnl: unrealized.toNumber(),
    capital: capital.toNumber(),
  });
  const amounts = performanceAmounts({ closedPnls: closed.map((p) => p.pnl), dailyPnls: series.map((p) => p.pnl_text), capital });
  return { series, report, amounts, realized, unrealized, capital, positionValue };
}

const fixed = (x: number | null, places: number) => (x === null || !Number.isFinite(x) ? null : x.toFixed(places));

/**
 * From one read of an agent's figures: agents_v3.apr_30d, apr_90d, apr_si and sharpe_30d as of `asOf`, and seed
 * 004's agent_performance row of the current hour (upserted: the hour keeps its latest figures), where
 * total_value = capital + realized + unrealized, cash_balance = capital + realized, position_value = Σ |qty × mark|.
 * Every USD amount of the row is decimal (performanceAmounts() for avg_win, avg_loss, max_drawdown); ratios are numbers.
 * Not for an LLM trader: its rows are its own book's, one per slot (billing.agent-performance).
 */
export async function refreshAgentPerformance(em: EntityManager, agentId: string, asOf: string, startingEquityUsd: string): Promise<void> {
  const {
    series,
    report: r,
    amounts,
    realized,
    unrealized,
    capital,
    positionValue,
  } = await agentPerformance(em, agentId, startingEquityUsd);
  const m = agentMetrics(series, asOf);
  const [agent] = await rows<{ kind: string }>(
    em,
    `UPDATE agents_v3 SET apr_30d = $2, apr_90d = $3, apr_si = $4, sharpe_30d = $5, updated_at = now() WHERE id = $1 RETURNING kind`,
    [agentId, m.apr_30d, m.apr_90d, m.apr_si, m.sharpe_30d],
  );
  // An LLM trader's agent_performance rows are its book's, one per slot (billing.agent-performance).
  if (!agent || agent.kind === 'llm_trader') return;
  await exec(
    em,
    `INSERT INTO agent_performance (agent_id, snapshot_time, total_value, cash_balance, position_value, realized_pnl, unrealized_pnl,
      total_pnl,
                                    roi_percent, num_trades, num_winning_trades, num_losing_trades, win_rate, avg_win, avg_loss,
                                      profit_factor,
                                    sharpe_ratio, max_drawdown, max_drawdown_percent)
     VALUES ($1, date_trunc('hour', now()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (agent_id, snapshot_time) DO UPDATE SET
       total_value = EXCLUDED.total_value, cash_balance = EXCLUDED.cash_balance, position_value = EXCLUDED.position_value,
       realized_pnl = EXCLUDED.realized_pnl, unrealized_pnl = EXCLUDED.unrealized_pnl, total_pnl = EXCLUDED.total_pnl,
       roi_percent = EXCLUDED.roi_percent, num_trades = EXCLUDED.num_trades, num_winning_trades = EXCLUDED.num_winning_trades,
       num_losing_trades = EXCLUDED.num_losing_trades, win_rate = EXCLUDED.win_rate, avg_win = EXCLUDED.avg_win, avg_loss =
         EXCLUDED.avg_loss,
       profit_factor = EXCLUDED.profit_factor, sharpe_ratio = EXCLUDED.sharpe_ratio, max_drawdown = EXCLUDED.max_drawdown,
       max_drawdown_percent = EXCLUDED.max_drawdown_percent`,
    [
      agentId,
      capital.plus(realized).plus(unrealized).toFixed(2),
      capital.plus(realized).toFixed(2),
      positionValue.toFixed(2),
      realized.toFixed(2),
      unrealized.toFixed(2),
      realized.plus(unrealized).toFixed(2),
      fixed(r.roi_pct, 4),
      r.trades,
      r.winning_trades,
      r.losing_trades,
      fixed(r.win_rate * 100, 2),
      amounts.averageWin.toFixed(2),
      amounts.averageLoss.toFixed(2),
      fixed(r.profit_factor, 4),
      fixed(r.sharpe, 4),
      amounts.maxDrawdownUsd.toFixed(4),
      fixed(r.max_drawdown_pct, 2),
    ],
  );
}
