/**
 * Performance metrics (issue 5): pure functions over return series and closed-trade PnLs. No I/O, no clock.
 *
 * Numbers: these are ratios and statistics, so plain IEEE-754 doubles are used. Money amounts (balances, trade
 * PnLs) are stored as DECIMAL(20,8) strings elsewhere in Conduit; convert them once at the edge
 * (e.g. `dec(profit).toNumber()`) before calling anything here, and never feed a result back into a money column.
 *
 * Every function names the library convention it reproduces. They differ, and the differences are real:
 *
 * - **quantstats / PerformanceAnalytics ("vetted")**: simple per-period returns, no risk-free;
 *   Sharpe = mean/std(ddof=1)·√periods; Sortino = mean/√(Σmin(r,0)²/n)·√periods with n = ALL observations;
 *   CAGR = Π(1+r)^(periods/n) − 1; max drawdown on compounded wealth starting at 1 (the start is a peak), negative;
 *   Calmar = CAGR/|MDD|.
 * - **ffn**: same Sharpe/Sortino/MDD; CAGR and Calmar use calendar time, years = calendar days / 365.25.
 * - **empyrical 0.5.5**: periods daily 252, weekly 52, monthly 12 ({@link ANNUALIZATION_FACTORS}); NaN observations
 *   are skipped by means/std/products but still counted by `len()` (e.g. the years of `annual_return`);
 *   Sortino = mean(r−req)·ann / (√mean(min(r−req,0)²)·√ann); zero denominators give ±Infinity or NaN (IEEE).
 * - **freqtrade**: annualisation √365, no risk-free, std with ddof=0; trade-based Sharpe/Sortino/Calmar use
 *   Σ(profit_abs/starting_balance)/days as the "mean"; balance-based ones use daily pct-change of the end-of-day
 *   balance; sentinels instead of NaN (-100 when a denominator is 0/NaN, 0 when there is nothing to measure).
 *
 * Dates are UTC epoch milliseconds or `Date`s; results carry epoch milliseconds.
 */

/** A series of simple (not log) per-period returns, e.g. 0.01 for +1 %. NaN marks a missing observation. */
export type Returns = readonly number[];

/** A point in time: a `Date` or UTC epoch milliseconds. */
export type Timestamp = Date | number;

/** empyrical's `ANNUALIZATION_FACTORS` (empyrical/periods.py): periods per year for each return frequency. */
export const ANNUALIZATION_FACTORS = { daily: 252, weekly: 52, monthly: 12, quarterly: 4, yearly: 1 } as const;
export type ReturnPeriod = keyof typeof ANNUALIZATION_FACTORS;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Basic statistics
// ---------------------------------------------------------------------------------------------------------------

function sumOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function withoutNaN(xs: readonly number[]): number[] {
  return xs.filter((x) => !Number.isNaN(x));
}

/** Arithmetic mean; NaN for an empty list (numpy/pandas). NaN values propagate — filter them first if needed. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : sumOf(xs) / xs.length;
}

/**
 * Standard deviation with `ddof` delta degrees of freedom: √(Σ(x−x̄)²/(n−ddof)). ddof=1 is the sample std
 * (pandas `.std()`, R `sd`), ddof=0 the population std (`np.std`). NaN when n−ddof ≤ 0 (numpy/pandas).
 * When every value is identical the result is exactly 0, as in exact arithmetic (a two-pass sum could otherwise
 * leave ~1e-18 of rounding noise and turn an "infinite" Sharpe into a huge finite one).
 */
export function stdDev(xs: readonly number[], ddof: number): number {
  const n = xs.length;
  if (n - ddof <= 0) return NaN;
  if (xs.every((x) => x === xs[0])) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (n - ddof));
}

function excess(returns: Returns, rf: number | Returns | undefined): number[] {
  if (rf === undefined) return returns.slice();
  if (typeof rf === 'number') return returns.map((r) => r - rf);
  if (rf.length !== returns.length) throw new RangeError(`risk-free series has ${rf.length} points, returns have ${returns.length}`);
  return returns.map((r, i) => r - rf[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// Return-series ratios
// ---------------------------------------------------------------------------------------------------------------

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
 * freqtrade's Sharpe is a different convention: see {@link freqtradeTradeSharpe} / {@link freqtradeSharpeFromBalance}.
 */
export function sharpe(returns: Returns, { periods, riskFree }: SharpeOptions): number {
  if (returns.length < 2) return NaN;
  const adj = withoutNaN(excess(returns, riskFree));
  return (mean(adj) / stdDev(adj, 1)) * Math.sqrt(periods);
}

export interface SortinoOptions extends SharpeOptions {
  /**
   * - `'quantstats'`: `mean(r) / √(Σ min(r,0)² / n) · √periods`, n = ALL observations (quantstats `stats.sortino`,
   *   the "vetted" values). NaN inputs are not skipped: they propagate.
   * - `'empyrical'`: `mean(r−req)·periods / (√mean(min(r−req,0)²) · √periods)` (empyrical 0.5.5 `sortino_ratio`
   *   over `downside_risk`); NaN observations are skipped; fewer than 2 observations → NaN.
   *
   * On clean (NaN-free, n ≥ 2) data both equal the same value up to rounding; they differ on NaN handling and
   * short series. freqtrade's Sortino (std ddof=0 of the losing returns only) is {@link freqtradeSortinoFromBalance}.
   */
  convention: 'quantstats' | 'empyrical';
}

/**
 * Annualised Sortino ratio, downside deviation around 0 (or around `riskFree`, which empyrical calls
 * `required_return`: a per-period minimum acceptable return, constant or same-length series). See
 * {@link SortinoOptions.convention}. No downside at all gives +Infinity for a positive mean (both libraries).
 */
export function sortino(returns: Returns, { periods, riskFree, convention }: SortinoOptions): number {
  if (convention === 'quantstats') {
    const r = excess(returns, riskFree);
    let down = 0;
    for (const x of r) if (x < 0 || Number.isNaN(x)) down += x * x;
    const downside = Math.sqrt(down / r.length);
    return (mean(r) / downside) * Math.sqrt(periods);
  }
  if (returns.length < 2) return NaN;
  const adj = excess(returns, riskFree);
  return (mean(withoutNaN(adj)) * periods) / downsideRisk(returns, { periods, requiredReturn: riskFree });
}

/**
 * empyrical `downside_risk`: annualised downside deviation below `requiredReturn` (per period, constant or series):
 * `√mean(min(r − req, 0)²) · √periods`, NaN observations skipped. Empty series → NaN; a single observation is fine.
 */
export function downsideRisk(
  returns: Returns,
  { periods, requiredReturn }: { periods: number; requiredReturn?: number | Returns },
): number {
  if (returns.length < 1) return NaN;
  const sq = withoutNaN(excess(returns, requiredReturn)).map((x) => Math.min(x, 0) ** 2);
  return Math.sqrt(mean(sq)) * Math.sqrt(periods);
}

/**
 * Annualised volatility: sample std (ddof=1) · √periods — quantstats `stats.volatility`, PerformanceAnalytics
 * `StdDev.annualized`, empyrical `annual_volatility` (alpha=2). NaN skipped; fewer than 2 observations → NaN;
 * a constant series → exactly 0.
 */
export function annualVolatility(returns: Returns, periods: number): number {
  if (returns.length < 2) return NaN;
  return stdDev(withoutNaN(returns), 1) * Math.sqrt(periods);
}

/**
 * Simple (non-compounded) APR from daily returns: `mean(daily return) × daysPerYear` (default 365: crypto trades
 * every day). This is an arithmetic annualisation, NOT a CAGR: +1 %/day gives 365 % here but 3678 % compounded.
 * Use it only to display a "rate" next to {@link cagr}. NaN skipped; an empty series → NaN. No vector covers it.
 */
export function aprFromDailyReturns(dailyReturns: Returns, daysPerYear = 365): number {
  return mean(withoutNaN(dailyReturns)) * daysPerYear;
}

/**
 * empyrical `cum_returns`: cumulative compounded returns, NaN treated as a 0 return. With `startingValue` 0 the
 * result is the cumulative return (Π(1+r) − 1); otherwise the wealth path `startingValue · Π(1+r)`.
 */
export function cumReturns(returns: Returns, startingValue = 0): number[] {
  const out: number[] = [];
  let w = 1;
  for (const r of returns) {
    w *= 1 + (Number.isNaN(r) ? 0 : r);
    out.push(startingValue === 0 ? w - 1 : w * startingValue);
  }
  return out;
}

/** Total compounded return Π(1+r) − 1 (empyrical `cum_returns_final`, NaN as 0). Empty → NaN. */
export function totalReturn(returns: Returns): number {
  if (returns.length === 0) return NaN;
  let w = 1;
  for (const r of returns) if (!Number.isNaN(r)) w *= 1 + r;
  return w - 1;
}

/**
 * Compound annual growth rate by observation count ("geometric" annual return): `Π(1+r)^(periods/n) − 1`, where
 * n counts every observation including NaN ones (which compound as 0) — quantstats `stats.cagr`,
 * PerformanceAnalytics `Return.annualized(geometric=TRUE)`, empyrical `annual_return`/`cagr`. Empty → NaN.
 * For calendar-time CAGR (ffn) use {@link cagrCalendar}; for freqtrade's, {@link freqtradeCagr}.
 */
export function cagr(returns: Returns, periods: number): number {
  if (returns.length === 0) return NaN;
  return (1 + totalReturn(returns)) ** (periods / returns.length) - 1;
}

/**
 * Calendar-time CAGR (ffn `calc_cagr`): `(final wealth)^(1/years) − 1`, years = `calendarDays / daysPerYear`
 * (ffn: 365.25), where `calendarDays` runs from the date of the starting price (one period before the first
 * return) to the date of the last return. Empty → NaN.
 */
export function cagrCalendar(returns: Returns, calendarDays: number, daysPerYear = 365.25): number {
  if (returns.length === 0) return NaN;
  return (1 + totalReturn(returns)) ** (daysPerYear / calendarDays) - 1;
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
 * freqtrade's own result shape (cumulative-profit values, dates, current drawdown) is {@link freqtradeMaxDrawdown}.
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
 * Calmar ratio by observation count: {@link cagr} / |{@link maxDrawdown}| (quantstats `stats.calmar`,
 * PerformanceAnalytics `CalmarRatio`, empyrical `calmar_ratio`). Edge cases (empyrical): no drawdown (MDD ≥ 0,
 * including a single positive return) or an empty series → NaN; an infinite quotient → NaN.
 */
export function calmar(returns: Returns, { periods }: { periods: number }): number {
  return calmarOf(cagr(returns, periods), maxDrawdown(returns));
}

/** ffn's Calmar: calendar-time {@link cagrCalendar} (365.25-day years) / |{@link maxDrawdown}|; edge cases as {@link calmar}. */
export function calmarCalendar(
  returns: Returns,
  { calendarDays, daysPerYear = 365.25 }: { calendarDays: number; daysPerYear?: number },
): number {
  return calmarOf(cagrCalendar(returns, calendarDays, daysPerYear), maxDrawdown(returns));
}

function calmarOf(growth: number, mdd: number): number {
  if (!(mdd < 0)) return NaN;
  const c = growth / Math.abs(mdd);
  return Number.isFinite(c) || Number.isNaN(c) ? c : NaN;
}

/**
 * Omega ratio (empyrical `omega_ratio`, quantstats `stats.omega`; PerformanceAnalytics `Omega(method='simple')`):
 * `Σ max(r − rf − τ, 0) / Σ max(τ + rf − r, 0)`, where the threshold τ converts the ANNUAL `requiredReturn` to
 * per period: τ = (1 + requiredReturn)^(1/annualization) − 1 (τ = requiredReturn when annualization is 1).
 * `riskFree` is per period (constant or series). NaN observations are skipped. NaN when: fewer than 2
 * observations, requiredReturn ≤ −1, or nothing falls below the threshold. With rf = τ = 0 this equals
 * quantstats' `profit_factor` on returns and freqtrade's {@link profitFactor}, except 0 losses → NaN here.
 */
export function omegaRatio(
  returns: Returns,
  {
    riskFree = 0,
    requiredReturn = 0,
    annualization = ANNUALIZATION_FACTORS.daily,
  }: { riskFree?: number | Returns; requiredReturn?: number; annualization?: number } = {},
): number {
  if (returns.length < 2) return NaN;
  let tau: number;
  if (annualization === 1) tau = requiredReturn;
  else if (requiredReturn <= -1) return NaN;
  else tau = (1 + requiredReturn) ** (1 / annualization) - 1;
  let numer = 0;
  let denom = 0;
  for (const x of excess(returns, riskFree)) {
    const d = x - tau;
    if (d > 0) numer += d;
    else if (d < 0) denom -= d;
  }
  return denom > 0 ? numer / denom : NaN;
}

/**
 * empyrical `stability_of_timeseries`: R² of an ordinary least-squares fit of the cumulative log return
 * (Σ log1p(r)) against time index, NaN observations dropped first. Fewer than 2 observations → NaN.
 */
export function stabilityOfTimeseries(returns: Returns): number {
  if (returns.length < 2) return NaN;
  const clean = withoutNaN(returns);
  let acc = 0;
  const y = clean.map((r) => (acc += Math.log1p(r)));
  const x = y.map((_, i) => i);
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < y.length; i++) {
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const r = sxx === 0 || syy === 0 ? 0 : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  return r * r;
}

/**
 * numpy `percentile(xs, q)` with the default 'linear' method (q in [0, 100]); NaN for an empty list.
 */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const a = [...xs].sort((p, r) => p - r);
  const h = ((a.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, a.length - 1);
  const t = h - lo;
  const d = a[hi] - a[lo];
  // numpy's _lerp: a + t·d, computed from the upper end when t ≥ 0.5
  return t >= 0.5 ? a[hi] - d * (1 - t) : a[lo] + d * t;
}

/** empyrical `tail_ratio`: |95th percentile| / |5th percentile| of the returns, NaN dropped; empty → NaN. */
export function tailRatio(returns: Returns): number {
  const clean = withoutNaN(returns);
  if (clean.length === 0) return NaN;
  return Math.abs(percentile(clean, 95)) / Math.abs(percentile(clean, 5));
}

/**
 * Adjusted Fisher–Pearson skewness G1 = √(n(n−1))/(n−2) · m3/m2^1.5 (population moments m_k) — pandas `.skew()`,
 * Excel SKEW, PerformanceAnalytics `skewness(method='fisher')`, the quantstats vetted value. NaN below 3
 * observations; 0 for a constant series (pandas).
 */
export function skewness(returns: Returns): number {
  const n = returns.length;
  if (n < 3) return NaN;
  const m = mean(returns);
  let m2 = 0;
  let m3 = 0;
  for (const r of returns) {
    const d = r - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  if (m2 === 0) return 0;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / m2 ** 1.5;
}

/**
 * Sample excess kurtosis G2 = (n−1)/((n−2)(n−3)) · ((n+1)·g2 + 6), g2 = m4/m2² − 3 — pandas `.kurt()`, Excel KURT,
 * PerformanceAnalytics `kurtosis(method='sample_excess')`, the quantstats vetted value. NaN below 4
 * observations; 0 for a constant series (pandas).
 */
export function excessKurtosis(returns: Returns): number {
  const n = returns.length;
  if (n < 4) return NaN;
  const m = mean(returns);
  let m2 = 0;
  let m4 = 0;
  for (const r of returns) {
    const d2 = (r - m) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  if (m2 === 0) return 0;
  const g2 = m4 / (m2 * m2) - 3;
  return ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * g2 + 6);
}

// ---------------------------------------------------------------------------------------------------------------
// Gaussian (parametric) tail risk
// ---------------------------------------------------------------------------------------------------------------

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0: a positive-term series for erf below 2.5, Lentz's continued fraction above (rel. err ~1e-15). */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), all terms positive
    let term = x;
    let s = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      s += term;
      if (term < s * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * s;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return z < 0 ? 0.5 * erfcNonNegative(-z / SQRT2) : 1 - 0.5 * erfcNonNegative(z / SQRT2);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile Φ⁻¹(p) (scipy `norm.ppf`), p in (0, 1): a rational first guess refined by Halley steps. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the starting point
  const tail = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(tail));
  let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  if (p < 0.5) z = -z;
  for (let i = 0; i < 4; i++) {
    const e = (normalCdf(z) - p) / normalPdf(z);
    z -= e / (1 + (z * e) / 2);
  }
  return z;
}

/**
 * Parametric (Gaussian) value at risk of one period's return: `mean + Φ⁻¹(1 − confidence) · std(ddof=1)`, a
 * negative return for a losing tail (quantstats `stats.value_at_risk`; the vetted `var_95`). Fewer than 2
 * observations → NaN.
 */
export function valueAtRisk(returns: Returns, { confidence = 0.95 }: { confidence?: number } = {}): number {
  return mean(returns) + normalQuantile(1 - confidence) * stdDev(returns, 1);
}

/**
 * Parametric (Gaussian) expected shortfall / CVaR: `mean − std(ddof=1) · φ(z)/(1 − confidence)` with
 * z = Φ⁻¹(1 − confidence) — the vetted `es_95` (PerformanceAnalytics `ES(method='gaussian')`). Note that
 * quantstats' own `conditional_value_at_risk` is historical, not this.
 */
export function expectedShortfall(returns: Returns, { confidence = 0.95 }: { confidence?: number } = {}): number {
  const z = normalQuantile(1 - confidence);
  return mean(returns) - (stdDev(returns, 1) * normalPdf(z)) / (1 - confidence);
}

// ---------------------------------------------------------------------------------------------------------------
// Closed-trade statistics (freqtrade conventions)
// ---------------------------------------------------------------------------------------------------------------

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
  /** {@link freqtradeExpectancy}: winRate·averageWin − lossRate·averageLoss. */
  expectancy: number;
  /** {@link freqtradeExpectancy}: (1 + averageWin/averageLoss)·winRate − 1; 100 when there is no loser. */
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
  const { expectancy, expectancyRatio } = freqtradeExpectancy(pnls);
  return {
    trades: n,
    wins: winners.length,
    losses: losers.length,
    draws: n - winners.length - losers.length,
    winRate: n ? winners.length / n : 0,
    lossRate: n ? losers.length / n : 0,
    averageWin: winners.length ? grossProfit / winners.length : 0,
    averageLoss: losers.length ? grossLoss / losers.length : 0,
    grossProfit,
    grossLoss,
    profitFactor: profitFactor(pnls),
    expectancy,
    expectancyRatio,
  };
}

/**
 * freqtrade `calculate_expectancy`: expectancy = winrate·average_win − loserate·average_loss (rates over ALL trades,
 * average_loss positive); expectancy_ratio = (1 + average_win/average_loss)·winrate − 1. Empty list → (0, 100);
 * no losing trade → ratio 100 (freqtrade's "no risk" sentinel).
 */
export function freqtradeExpectancy(profitsAbs: readonly number[]): { expectancy: number; expectancyRatio: number } {
  if (profitsAbs.length === 0) return { expectancy: 0, expectancyRatio: 100 };
  const winners = profitsAbs.filter((p) => p > 0);
  const losers = profitsAbs.filter((p) => p < 0);
  const averageWin = winners.length ? sumOf(winners) / winners.length : 0;
  const averageLoss = losers.length ? Math.abs(sumOf(losers)) / losers.length : 0;
  const winrate = winners.length / profitsAbs.length;
  const loserate = losers.length / profitsAbs.length;
  const expectancy = winrate * averageWin - loserate * averageLoss;
  const expectancyRatio = averageLoss > 0 ? (1 + averageWin / averageLoss) * winrate - 1 : 100;
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
