/**
 * The statistics under the performance metrics: plain IEEE-754 doubles, no I/O. Exported with the production metrics
 * (./metrics), which build on them, as do the reference conventions the tests check (libs/testing/src/metrics-reference).
 */

/** A series of simple (not log) per-period returns, e.g. 0.01 for +1 %. NaN marks a missing observation. */
export type Returns = readonly number[];

export function sumOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function withoutNaN(xs: readonly number[]): number[] {
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

/** Returns less a per-period rate: a constant or a series of the same length (RangeError otherwise); none → a copy. */
export function excess(returns: Returns, rf: number | Returns | undefined): number[] {
  if (rf === undefined) return returns.slice();
  if (typeof rf === 'number') return returns.map((r) => r - rf);
  if (rf.length !== returns.length) throw new RangeError(`risk-free series has ${rf.length} points, returns have ${returns.length}`);
  return returns.map((r, i) => r - rf[i]);
}
