import { aprFromDailyReturns, maxDrawdown, maxDrawdownUsd, sharpe, sortino, tradeStats } from './metrics';
import { Dec, dec, DecimalLike } from './money';

// An agent's performance from its daily PnL snapshots and closed positions (docs/MONEY.md defines every figure).
// Ratios are JS numbers (statistics); money inputs arrive as numbers converted from decimal strings at the edge.

/** One UTC day of an agent: Σ pnl of its deployments, and that over Σ their start-of-day equity. */
export interface DailyPoint {
  day: string;
  pnl: number;
  /** pnl / start equity, a fraction. */
  ret: number;
}

const DAY_MS = 86_400_000;
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Days of `series` within the `days` calendar days ending with `asOf` (inclusive). */
export function lastDays(series: readonly DailyPoint[], days: number, asOf: string): DailyPoint[] {
  const end = Date.parse(`${asOf}T00:00:00Z`);
  return series.filter((p) => {
    const t = Date.parse(`${p.day}T00:00:00Z`);
    return t <= end && t > end - days * DAY_MS;
  });
}

/**
 * The agents_v3 metric columns, in percent for APRs: simple APR = mean daily return × 365 × 100 over the last 30,
 * last 90 days and since inception; Sharpe over the last 30 days with 365 periods a year and no risk-free rate
 * (mean / std with ddof 1 × √365). Null when a window has fewer than two days.
 */
export function agentMetrics(
  series: readonly DailyPoint[],
  asOf: string,
): { apr_30d: number | null; apr_90d: number | null; apr_si: number | null; sharpe_30d: number | null } {
  const apr = (xs: readonly DailyPoint[]) => (xs.length >= 2 ? finite(aprFromDailyReturns(xs.map((p) => p.ret)) * 100) : null);
  const d30 = lastDays(series, 30, asOf);
  return {
    apr_30d: apr(d30),
    apr_90d: apr(lastDays(series, 90, asOf)),
    apr_si: apr(series),
    sharpe_30d:
      d30.length >= 2
        ? finite(
            sharpe(
              d30.map((p) => p.ret),
              { periods: 365 },
            ),
          )
        : null,
  };
}

export interface PerformanceInput {
  series: readonly DailyPoint[];
  /** Realized PnL of every closed position, oldest first. */
  closedPnls: readonly number[];
  realizedPnl: number;
  unrealizedPnl: number;
  /** Capital the ROI is taken on: starting equity × deployments. */
  capital: number;
}

/**
 * Seed 004's performance set: total value, realized and unrealized PnL, ROI, trades, win rate, average win/loss,
 * profit factor (freqtrade's), Sharpe and Sortino (daily returns, 365 periods, quantstats conventions), maximum
 * drawdown of the compounded daily returns (%) and of the equity curve capital + cumulative daily PnL (USD).
 */
export function performanceReport(input: PerformanceInput) {
  const rets = input.series.map((p) => p.ret);
  const stats = tradeStats([...input.closedPnls]);
  let equity = input.capital;
  const curve = [equity, ...input.series.map((p) => (equity += p.pnl))];
  const dd = maxDrawdownUsd(curve);
  const totalValue = input.capital + input.realizedPnl + input.unrealizedPnl;
  return {
    total_value: totalValue,
    realized_pnl: input.realizedPnl,
    unrealized_pnl: input.unrealizedPnl,
    roi_pct: input.capital > 0 ? ((input.realizedPnl + input.unrealizedPnl) / input.capital) * 100 : null,
    trades: stats.trades,
    winning_trades: stats.wins,
    losing_trades: stats.losses,
    win_rate: stats.winRate,
    average_win: stats.averageWin,
    average_loss: stats.averageLoss,
    profit_factor: stats.profitFactor,
    sharpe: rets.length >= 2 ? finite(sharpe(rets, { periods: 365 })) : null,
    sortino: rets.length >= 2 ? finite(sortino(rets, { periods: 365, convention: 'quantstats' })) : null,
    max_drawdown_pct: rets.length ? finite(-maxDrawdown(rets) * 100) : null,
    max_drawdown_usd: dd.drawdownAbs,
  };
}

/**
 * The report's USD amounts in decimal, for the columns that keep them (agent_performance avg_win, avg_loss,
 * max_drawdown): the conventions of tradeStats() and maxDrawdownUsd() — the mean PnL of the winners, the mean |PnL|
 * of the losers (positive), 0 without any; the largest fall of capital + cumulative daily PnL, the start being a
 * peak — with no JS float between the decimal PnLs and the stored amount.
 */
export function performanceAmounts(input: {
  /** Realized PnL of every closed position. */
  closedPnls: readonly DecimalLike[];
  /** The agent's PnL of each day, oldest first. */
  dailyPnls: readonly DecimalLike[];
  capital: DecimalLike;
}): { averageWin: Dec; averageLoss: Dec; maxDrawdownUsd: Dec } {
  const pnls = input.closedPnls.map((p) => dec(p));
  const mean = (xs: Dec[]) => (xs.length ? xs.reduce((sum, x) => sum.plus(x), dec(0)).div(xs.length) : dec(0));
  let equity = dec(input.capital);
  let peak = equity;
  let drawdown = dec(0);
  for (const pnl of input.dailyPnls) {
    equity = equity.plus(pnl);
    if (equity.gt(peak)) peak = equity;
    if (peak.minus(equity).gt(drawdown)) drawdown = peak.minus(equity);
  }
  return {
    averageWin: mean(pnls.filter((p) => p.gt(0))),
    averageLoss: mean(pnls.filter((p) => p.lt(0))).abs(),
    maxDrawdownUsd: drawdown,
  };
}
