/**
 * Performance metrics (issue 5) that Conduit computes for its agents (./performance): pure functions over return
 * series and closed-trade PnLs. No I/O, no clock.
 *
 * Numbers: these are ratios and statistics, so plain IEEE-754 doubles are used. Money amounts (balances, trade
 * PnLs) are stored as DECIMAL(20,8) strings elsewhere in Conduit; convert them once at the edge
 * (e.g. `dec(profit).toNumber()`) before calling anything here, and never feed a result back into a money column.
 *
 * Each function names the library convention it follows: quantstats / PerformanceAnalytics ("vetted") for the
 * return-series ratios (simple per-period returns, Sharpe with std ddof=1, Sortino over ALL observations, maximum
 * drawdown on compounded wealth from a starting peak), freqtrade for the closed-trade statistics. The other
 * conventions the shared metrics vectors cover (ffn, empyrical, freqtrade's ratios) are reference implementations
 * in the testing lib (libs/testing/src/metrics-reference), tested against the same vectors, out of the production import path.
 */
import { excess, mean, Returns, stdDev, sumOf, withoutNaN } from './metrics-math';

export type { Returns } from './metrics-math';
// The statistics below, also the reference conventions' building blocks.
export { excess, mean, stdDev, sumOf, withoutNaN } from './metrics-math';

export interface SharpeOptions {
  /** Periods per year: 252 daily (quantstats/empyrical), 365 (crypto, freqtrade), 52 weekly, 12 monthly. */
  periods: number;
  /** Per-period risk-free rate: a constant or a series of the same length as the returns. Default 0. */
  riskFree?: number | Returns;
}

/**
 * Annualised Sharpe ratio, arithmetic, **sample std (ddof=1)** — quantstats `stats.sharpe`, PerformanceAnalytics
 * `SharpeRatio.annualized(geometric=FALSE)`, empyrical `sharpe_ratio`:
 * `mean(r − rf) / std(r − rf, ddof=1) · √periods`.
 *
 * Edge cases (empyrical 0.5.5): fewer than 2 observations (NaN entries included in the count) → NaN; NaN
 * observations are skipped; zero std → ±Infinity (or NaN when the mean is 0 too).
 */
export function sharpe(returns: Returns, { periods, riskFree }: SharpeOptions): number {
  if (returns.length < 2) return NaN;
  const adj = withoutNaN(excess(returns, riskFree));
  return (mean(adj) / stdDev(adj, 1)) * Math.sqrt(periods);
}

export interface SortinoOptions extends SharpeOptions {
  /** The one convention computed here (callers may name it); empyrical's is a reference convention. */
  convention?: 'quantstats';
}

/**
 * Annualised Sortino ratio, quantstats `stats.sortino` (the "vetted" values): `mean(r − rf) / √(Σ min(r − rf, 0)² / n)
 * · √periods` with n = ALL observations. NaN inputs are not skipped: they propagate. No downside at all gives
 * +Infinity for a positive mean.
 */
export function sortino(returns: Returns, { periods, riskFree }: SortinoOptions): number {
  const r = excess(returns, riskFree);
  let down = 0;
  for (const x of r) if (x < 0 || Number.isNaN(x)) down += x * x;
  const downside = Math.sqrt(down / r.length);
  return (mean(r) / downside) * Math.sqrt(periods);
}

/**
 * Simple (non-compounded) APR from daily returns: `mean(daily return) × daysPerYear` (default 365: crypto trades
 * every day). This is an arithmetic annualisation, NOT a CAGR: +1 %/day gives 365 % here but 3678 % compounded.
 * NaN skipped; an empty series → NaN. No vector covers it.
 */
export function aprFromDailyReturns(dailyReturns: Returns, daysPerYear = 365): number {
  return mean(withoutNaN(dailyReturns)) * daysPerYear;
}

/**
 * Maximum drawdown of a return series, on compounded wealth starting at 1 where **the start counts as a peak**
 * (so a first-period loss is a drawdown): `min_t (W_t − max_{s≤t} W_s) / max_{s≤t} W_s`, a fraction ≤ 0
 * (e.g. −0.1 for −10 %). quantstats (vetted) / PerformanceAnalytics `maxDrawdown(geometric=TRUE)` / empyrical
 * `max_drawdown`. NaN returns count as 0; an empty series → NaN (empyrical); never-falling wealth → 0.
 */
export function maxDrawdown(returns: Returns): number {
  if (returns.length === 0) return NaN;
  let w = 1;
  let peak = 1;
  let worst = 0;
  for (const r of returns) {
    w *= 1 + (Number.isNaN(r) ? 0 : r);
    if (w > peak) peak = w;
    const dd = (w - peak) / peak;
    if (dd < worst) worst = dd;
  }
  return worst;
}

export interface EquityDrawdown {
  /** Largest peak-to-trough fall in account currency (≥ 0). */
  drawdownAbs: number;
  /** The same fall relative to its peak, (peak − trough) / peak, a positive fraction (freqtrade's sign). */
  drawdownRelative: number;
  /** Index of the peak and of the trough in the equity curve. */
  peakIndex: number;
  troughIndex: number;
}

/**
 * Maximum drawdown of an equity curve in account currency (USD for Conduit accounts), the first point being a peak.
 * `by: 'abs'` (default) picks the largest currency fall, `by: 'relative'` the largest fall relative to its peak —
 * freqtrade's `relative=False/True` on a balance curve (the two can pick different episodes: 1000→500 is −50 %
 * but −500, 11000→10000 is −9.1 % but −1000). Ties keep the earliest episode. Empty curve → RangeError.
 */
export function maxDrawdownUsd(equityCurve: readonly number[], { by = 'abs' }: { by?: 'abs' | 'relative' } = {}): EquityDrawdown {
  if (equityCurve.length === 0) throw new RangeError('empty equity curve');
  let peakIdx = 0;
  let best: EquityDrawdown = { drawdownAbs: 0, drawdownRelative: 0, peakIndex: 0, troughIndex: 0 };
  equityCurve.forEach((v, i) => {
    if (v > equityCurve[peakIdx]) peakIdx = i;
    const peak = equityCurve[peakIdx];
    const abs = peak - v;
    const rel = abs / peak;
    const better = by === 'abs' ? abs > best.drawdownAbs : rel > best.drawdownRelative;
    if (better) best = { drawdownAbs: abs, drawdownRelative: rel, peakIndex: peakIdx, troughIndex: i };
  });
  return best;
}

/**
 * Profit factor (freqtrade `optimize_reports`): `Σ winning PnL / |Σ losing PnL|`, **0 when there is no losing
 * trade** (not Infinity), 0 for an empty list. Zero-PnL trades count for neither side. On a return series this is
 * quantstats' `profit_factor` (= simple Omega at 0).
 */
export function profitFactor(pnls: readonly number[]): number {
  let win = 0;
  let loss = 0;
  for (const p of pnls) {
    if (p > 0) win += p;
    else if (p < 0) loss += p;
  }
  return loss ? win / Math.abs(loss) : 0;
}

export interface TradeStats {
  trades: number;
  /** PnL > 0, PnL < 0, PnL = 0. */
  wins: number;
  losses: number;
  draws: number;
  /** wins / trades and losses / trades — draws stay in the denominator (freqtrade); 0 for no trades. */
  winRate: number;
  lossRate: number;
  /** Mean PnL of the winners; 0 without winners. */
  averageWin: number;
  /** Mean |PnL| of the losers as a POSITIVE number (freqtrade `average_loss`); 0 without losers. */
  averageLoss: number;
  grossProfit: number;
  /** |Σ losing PnL|, positive. */
  grossLoss: number;
  /** {@link profitFactor}. */
  profitFactor: number;
  /** freqtrade `calculate_expectancy`: winRate·averageWin − lossRate·averageLoss; 0 for no trades. */
  expectancy: number;
  /** freqtrade `calculate_expectancy`: (1 + averageWin/averageLoss)·winRate − 1; 100 (its "no risk" sentinel) without a loser. */
  expectancyRatio: number;
}

/**
 * Win rate, average win/loss, profit factor and expectancy of closed trades' PnLs (profit in account currency, or
 * profit ratios — the function does not care), with freqtrade's conventions throughout.
 */
export function tradeStats(pnls: readonly number[]): TradeStats {
  const winners = pnls.filter((p) => p > 0);
  const losers = pnls.filter((p) => p < 0);
  const n = pnls.length;
  const grossProfit = sumOf(winners);
  const grossLoss = Math.abs(sumOf(losers));
  const winRate = n ? winners.length / n : 0;
  const lossRate = n ? losers.length / n : 0;
  const averageWin = winners.length ? grossProfit / winners.length : 0;
  const averageLoss = losers.length ? grossLoss / losers.length : 0;
  return {
    trades: n,
    wins: winners.length,
    losses: losers.length,
    draws: n - winners.length - losers.length,
    winRate,
    lossRate,
    averageWin,
    averageLoss,
    grossProfit,
    grossLoss,
    profitFactor: profitFactor(pnls),
    expectancy: winRate * averageWin - lossRate * averageLoss,
    expectancyRatio: averageLoss > 0 ? (1 + averageWin / averageLoss) * winRate - 1 : 100,
  };
}
