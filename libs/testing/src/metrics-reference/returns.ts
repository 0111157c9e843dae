/**
 * Reference conventions for return series (quantstats / PerformanceAnalytics "vetted", ffn, empyrical 0.5.5) that the
 * shared metrics vectors check and Conduit's own figures do not use: a reference for the tests only.
 *
 * - **quantstats / PerformanceAnalytics**: CAGR = Π(1+r)^(periods/n) − 1; Calmar = CAGR/|MDD|; Gaussian VaR/ES (./gaussian).
 * - **ffn**: CAGR and Calmar use calendar time, years = calendar days / 365.25.
 * - **empyrical 0.5.5**: periods daily 252, weekly 52, monthly 12 ({@link ANNUALIZATION_FACTORS}); NaN observations
 *   are skipped by means/std/products but still counted by `len()` (e.g. the years of `annual_return`);
 *   Sortino = mean(r−req)·ann / (√mean(min(r−req,0)²)·√ann); zero denominators give ±Infinity or NaN (IEEE).
 */
import { excess, maxDrawdown, mean, Returns, stdDev, withoutNaN } from '@conduit/domain';

/** empyrical's `ANNUALIZATION_FACTORS` (empyrical/periods.py): periods per year for each return frequency. */
export const ANNUALIZATION_FACTORS = { daily: 252, weekly: 52, monthly: 12, quarterly: 4, yearly: 1 } as const;
export type ReturnPeriod = keyof typeof ANNUALIZATION_FACTORS;

/**
 * empyrical 0.5.5 `sortino_ratio` over `downside_risk`: `mean(r−req)·periods / (√mean(min(r−req,0)²) · √periods)`,
 * `requiredReturn` per period (constant or same-length series). NaN observations are skipped; fewer than 2
 * observations → NaN. On clean (NaN-free, n ≥ 2) data it equals the domain lib's (quantstats) `sortino` up to rounding.
 */
export function sortinoEmpyrical(
  returns: Returns,
  { periods, requiredReturn }: { periods: number; requiredReturn?: number | Returns },
): number {
  if (returns.length < 2) return NaN;
  const adj = excess(returns, requiredReturn);
  return (mean(withoutNaN(adj)) * periods) / downsideRisk(returns, { periods, requiredReturn });
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
