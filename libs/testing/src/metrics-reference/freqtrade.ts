/**
 * freqtrade's conventions for closed trades and balance histories, as the shared metrics vectors check them — a
 * reference for the tests (Conduit's own trade statistics are the domain lib's `tradeStats`).
 *
 * Annualisation √365, no risk-free, std with ddof=0; trade-based Sharpe/Sortino/Calmar use
 * Σ(profit_abs/starting_balance)/days as the "mean"; balance-based ones use daily pct-change of the end-of-day
 * balance; sentinels instead of NaN (−100 when a denominator is 0/NaN, 0 when there is nothing to measure).
 * Dates are UTC epoch milliseconds or `Date`s; results carry epoch milliseconds.
 */
import { mean, stdDev, sumOf, tradeStats } from '@conduit/domain';

/** A point in time: a `Date` or UTC epoch milliseconds. */
export type Timestamp = Date | number;

const DAY_MS = 86_400_000;

/**
 * freqtrade `calculate_expectancy`: expectancy = winrate·average_win − loserate·average_loss (rates over ALL trades,
 * average_loss positive); expectancy_ratio = (1 + average_win/average_loss)·winrate − 1. Empty list → (0, 100);
 * no losing trade → ratio 100 (freqtrade's "no risk" sentinel). The production {@link tradeStats} computes these.
 */
export function freqtradeExpectancy(profitsAbs: readonly number[]): { expectancy: number; expectancyRatio: number } {
  const { expectancy, expectancyRatio } = tradeStats(profitsAbs);
  return { expectancy, expectancyRatio };
}

/**
 * freqtrade `calculate_sqn` (Van Tharp's System Quality Number): `√n · mean(p/sb) / std(p/sb, ddof=1)`,
 * **rounded to 4 decimals**. Empty → 0; std 0 or undefined (a single trade) → −100.
 */
export function freqtradeSqn(profitsAbs: readonly number[], startingBalance: number): number {
  if (profitsAbs.length === 0) return 0;
  const r = profitsAbs.map((p) => p / startingBalance);
  const sd = stdDev(r, 1);
  const sqn = sd !== 0 && !Number.isNaN(sd) ? Math.sqrt(r.length) * (mean(r) / sd) : -100;
  return Number(sqn.toFixed(4));
}

/**
 * freqtrade `calculate_cagr(days_passed, starting_balance, final_balance)`:
 * `(final/start)^(1/(days/365)) − 1` — 365-day years over whole days. 0 when final < 0 (leverage), start ≤ 0,
 * days ≤ 0, or the power overflows.
 */
export function freqtradeCagr(daysPassed: number, startingBalance: number, finalBalance: number): number {
  if (finalBalance < 0 || startingBalance <= 0 || daysPassed <= 0) return 0;
  const g = (finalBalance / startingBalance) ** (1 / (daysPassed / 365)) - 1;
  return Number.isFinite(g) ? g : 0;
}

/** freqtrade's `days_period = max(1, (max_date − min_date).days)`: whole days, floored, at least 1. */
export function freqtradeDaysPeriod(minDate: Timestamp, maxDate: Timestamp): number {
  return Math.max(1, Math.floor((ms(maxDate) - ms(minDate)) / DAY_MS));
}

/** freqtrade `_calculate_annualized_ratio`: mean/denominator·√365, or −100 when the denominator is 0 or NaN. */
function annualizedRatio(expectedMean: number, denominator: number, annualization = 365): number {
  return denominator !== 0 && !Number.isNaN(denominator) ? (expectedMean / denominator) * Math.sqrt(annualization) : -100;
}

export interface FreqtradePeriod {
  /** Backtest bounds: freqtrade passes min(open_date) and max(close_date) of the trades. */
  minDate: Timestamp;
  maxDate: Timestamp;
  startingBalance: number;
}

/**
 * freqtrade `calculate_sharpe` (trade-based): with r = profit_abs/starting_balance per trade,
 * `(Σ r / days_period) / std(r, ddof=0) · √365` — the "daily mean" spreads the total over calendar days while
 * the std is per trade. Empty or minDate = maxDate → 0; std 0 → −100.
 */
export function freqtradeTradeSharpe(profitsAbs: readonly number[], { minDate, maxDate, startingBalance }: FreqtradePeriod): number {
  if (profitsAbs.length === 0 || ms(minDate) === ms(maxDate)) return 0;
  const r = profitsAbs.map((p) => p / startingBalance);
  return annualizedRatio(sumOf(r) / freqtradeDaysPeriod(minDate, maxDate), stdDev(r, 0));
}

/**
 * freqtrade `calculate_sortino` (trade-based): `(Σ r / days_period) / std(losing r, ddof=0) · √365`, r =
 * profit_abs/starting_balance. Empty or minDate = maxDate → 0; no losing trade (NaN std) or a zero downside std
 * (one loser, or identical losers) → −100.
 */
export function freqtradeTradeSortino(profitsAbs: readonly number[], { minDate, maxDate, startingBalance }: FreqtradePeriod): number {
  if (profitsAbs.length === 0 || ms(minDate) === ms(maxDate)) return 0;
  const r = profitsAbs.map((p) => p / startingBalance);
  const down = profitsAbs.filter((p) => p < 0).map((p) => p / startingBalance);
  return annualizedRatio(sumOf(r) / freqtradeDaysPeriod(minDate, maxDate), stdDev(down, 0));
}

/** A closed trade's (or balance step's) PnL with the date it is booked at (freqtrade: `close_date`). */
export interface DatedPnl {
  profit: number;
  date: Timestamp;
}

/**
 * freqtrade `calculate_calmar` (trade-based): `(Σ profit_abs / sb / days_period · 100) / relative_drawdown · √365`
 * where relative_drawdown is {@link freqtradeMaxDrawdown}(trades, { startingBalance }).relativeAccountDrawdown
 * (the drawdown with the largest currency fall). Empty or minDate = maxDate → 0; no drawdown → −100.
 */
export function freqtradeTradeCalmar(trades: readonly DatedPnl[], { minDate, maxDate, startingBalance }: FreqtradePeriod): number {
  if (trades.length === 0 || ms(minDate) === ms(maxDate)) return 0;
  const expected = (sumOf(trades.map((t) => t.profit)) / startingBalance / freqtradeDaysPeriod(minDate, maxDate)) * 100;
  return annualizedRatio(expected, freqtradeMaxDrawdown(trades, { startingBalance }).relativeAccountDrawdown);
}

/** freqtrade `DrawDownResult`. Values are cumulative PnL (not balances); dates are epoch milliseconds. */
export interface FreqtradeDrawdown {
  drawdownAbs: number;
  highDate: number;
  lowDate: number;
  /** Cumulative PnL at the peak and at the trough. */
  highValue: number;
  lowValue: number;
  /** (peak balance − trough balance)/peak balance, a positive fraction. */
  relativeAccountDrawdown: number;
  currentHighDate: number;
  currentHighValue: number;
  currentDrawdownAbs: number;
  currentRelativeAccountDrawdown: number;
}

/**
 * freqtrade `calculate_max_drawdown` (with `_calc_drawdown_series`):
 * rows are ordered by date (a **stable** sort: rows sharing a timestamp keep the caller's order — freqtrade uses
 * pandas' unstable quicksort, so its tie order is incidental; see the spec's tie note), then
 * `cumulative = cumsum(profit)`, `high = max(0, cummax(cumulative))` (the starting balance is a peak),
 * `drawdown = cumulative − high`, and the relative drawdown is `(sb + high − (sb + cumulative)) / (sb + high)` when
 * a starting balance is given, else `(high − cumulative)/high` (freqtrade's approximation; Infinity/NaN while
 * high is 0). A zero row is prepended. The chosen row is the most negative `drawdown` (`relative: false`, default)
 * or the largest relative drawdown (`relative: true`), first occurrence on ties; the high is the first maximum of
 * `high` up to it. Throws RangeError on an empty list (freqtrade: ValueError).
 */
export function freqtradeMaxDrawdown(
  trades: readonly DatedPnl[],
  { startingBalance = 0, relative = false }: { startingBalance?: number; relative?: boolean } = {},
): FreqtradeDrawdown {
  if (trades.length === 0) throw new RangeError('Trade dataframe empty.');
  const rows = trades.map((t) => ({ profit: t.profit, date: ms(t.date) })).sort((a, b) => a.date - b.date);
  const cum = [0];
  const high = [0];
  const dd = [0];
  const rel = [0];
  let c = 0;
  let h = -Infinity;
  for (const r of rows) {
    c += r.profit;
    h = Math.max(h, c);
    const hv = Math.max(0, h);
    cum.push(c);
    high.push(hv);
    dd.push(c - hv);
    rel.push(startingBalance ? (startingBalance + hv - (startingBalance + c)) / (startingBalance + hv) : (hv - c) / hv);
  }
  const dateAt = (i: number): number => rows[Math.max(i - 1, 0)].date;
  const low = relative ? argBest(rel, (a, b) => a > b) : argBest(dd, (a, b) => a < b);
  const peak = argBest(high.slice(0, low + 1), (a, b) => a > b);
  const last = cum.length - 1;
  const currentPeak = argBest(high.slice(0, last), (a, b) => a > b);
  return {
    drawdownAbs: Math.abs(dd[low]),
    highDate: dateAt(peak),
    lowDate: dateAt(low),
    highValue: cum[peak],
    lowValue: cum[low],
    relativeAccountDrawdown: rel[low],
    currentHighDate: dateAt(currentPeak),
    currentHighValue: high[last],
    currentDrawdownAbs: high[last] - cum[last],
    currentRelativeAccountDrawdown: rel[last],
  };
}

/** Index of the first element that no later element beats (pandas idxmax/idxmin; NaN never wins). */
function argBest(xs: readonly number[], better: (a: number, b: number) => boolean): number {
  let best = -1;
  xs.forEach((x, i) => {
    if (Number.isNaN(x)) return;
    if (best < 0 || better(x, xs[best])) best = i;
  });
  return Math.max(best, 0);
}

/** freqtrade `calculate_csum`: lowest and highest running total of the PnLs, plus the starting balance. */
export function freqtradeCsum(profitsAbs: readonly number[], startingBalance = 0): { min: number; max: number } {
  if (profitsAbs.length === 0) throw new RangeError('Trade dataframe empty.');
  let c = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of profitsAbs) {
    c += p;
    lo = Math.min(lo, c);
    hi = Math.max(hi, c);
  }
  return { min: lo + startingBalance, max: hi + startingBalance };
}

// ---------------------------------------------------------------------------------------------------------------
// Balance-history metrics (freqtrade `*_from_balance`)
// ---------------------------------------------------------------------------------------------------------------

/** One wallet snapshot: total account value in the quote currency at a time. */
export interface BalanceSnapshot {
  date: Timestamp;
  balance: number;
}

function prepareBalances(history: readonly BalanceSnapshot[]): { date: number; balance: number }[] {
  return history
    .map((s) => ({ date: ms(s.date), balance: s.balance }))
    .filter((s) => !Number.isNaN(s.date) && !Number.isNaN(s.balance))
    .sort((a, b) => a.date - b.date);
}

/**
 * freqtrade `_calculate_daily_returns_from_balance`: keep the LAST snapshot of each UTC calendar day
 * (`resample('1D').last().dropna()` — days without a snapshot are skipped, not filled), then pandas `pct_change`
 * (`b[i]/b[i−1] − 1`). Fewer than two days → [].
 */
export function freqtradeDailyReturnsFromBalance(history: readonly BalanceSnapshot[]): number[] {
  const byDay = new Map<number, number>();
  for (const s of prepareBalances(history)) byDay.set(Math.floor(s.date / DAY_MS), s.balance);
  const eod = [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
  return eod.slice(1).map((b, i) => b / eod[i] - 1);
}

/** freqtrade `calculate_sharpe_from_balance`: `mean(daily r) / std(daily r, ddof=0) · √365`; no daily return → 0; std 0 → −100. */
export function freqtradeSharpeFromBalance(history: readonly BalanceSnapshot[]): number {
  const r = freqtradeDailyReturnsFromBalance(history);
  if (r.length === 0) return 0;
  return annualizedRatio(mean(r), stdDev(r, 0));
}

/**
 * freqtrade `calculate_sortino_from_balance`: `mean(daily r) / std(daily r < 0, ddof=0) · √365` — the std of the
 * losing days only, around their own mean. No daily return → 0; no losing day (NaN) or zero downside std → −100.
 */
export function freqtradeSortinoFromBalance(history: readonly BalanceSnapshot[]): number {
  const r = freqtradeDailyReturnsFromBalance(history);
  if (r.length === 0) return 0;
  return annualizedRatio(
    mean(r),
    stdDev(
      r.filter((x) => x < 0),
      0,
    ),
  );
}

/**
 * freqtrade `calculate_max_drawdown_from_balance`: every snapshot (not resampled) becomes a PnL step equal to the
 * balance change, the first balance is the starting balance, then {@link freqtradeMaxDrawdown}. Values are
 * relative to the first balance (100 → 120 → 80 gives high 20, low −20). Fewer than 2 snapshots → RangeError.
 */
export function freqtradeMaxDrawdownFromBalance(
  history: readonly BalanceSnapshot[],
  { relative = false }: { relative?: boolean } = {},
): FreqtradeDrawdown {
  const w = prepareBalances(history);
  if (w.length < 2) throw new RangeError('Balance-history dataframe empty.');
  const steps = w.map((s, i) => ({ profit: i === 0 ? 0 : s.balance - w[i - 1].balance, date: s.date }));
  return freqtradeMaxDrawdown(steps, { startingBalance: w[0].balance, relative });
}

/**
 * freqtrade `calculate_calmar_from_balance`: `((final − first)/first / days_period · 100) / relative drawdown · √365`,
 * days_period = max(1, whole days between the first and last snapshot), drawdown from
 * {@link freqtradeMaxDrawdownFromBalance}. Fewer than 2 snapshots → 0; no drawdown → −100.
 */
export function freqtradeCalmarFromBalance(history: readonly BalanceSnapshot[]): number {
  const w = prepareBalances(history);
  if (w.length < 2) return 0;
  const first = w[0];
  const last = w[w.length - 1];
  const expected = ((last.balance - first.balance) / first.balance / freqtradeDaysPeriod(first.date, last.date)) * 100;
  return annualizedRatio(expected, freqtradeMaxDrawdownFromBalance(w).relativeAccountDrawdown);
}

function ms(t: Timestamp): number {
  return typeof t === 'number' ? t : t.getTime();
}
