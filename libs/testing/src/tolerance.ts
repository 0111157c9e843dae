/**
 * Floating-point comparisons for statistics checked against reference vectors (never for money: money is compared
 * exactly with toEqualDecimal). A tolerance names the assertion the reference's own tests make.
 */

export interface Tol {
  rel?: number;
  abs?: number;
}

/** quantstats tests/test_reference_values.py: pytest.approx(rel=1e-9, abs=1e-12). Also our default elsewhere. */
export const STRICT: Tol = { rel: 1e-9, abs: 1e-12 };
/** pytest.approx() defaults, which freqtrade's tests use for its truncated literals (e.g. 44.5078669). */
export const PYTEST_APPROX: Tol = { rel: 1e-6, abs: 1e-12 };
/** numpy assert_almost_equal(decimal=d): |actual − desired| < 1.5·10^−d. */
export const numpyDecimal = (d: number): Tol => ({ abs: 1.5 * 10 ** -d });
/** A literal quoted to d decimals: within half a unit of its last digit. */
export const halfUnitOf = (literal: string): Tol => ({ abs: 0.5 * 10 ** -(literal.split('.')[1]?.length ?? 0) });

/** actual ≈ expected within max(abs, rel·max(|actual|, |expected|)); a non-finite expected must match exactly. */
export function expectClose(actual: number, expected: number, tol: Tol): void {
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected); // Object.is: NaN matches NaN, ±Infinity must match exactly
    return;
  }
  const diff = Math.abs(actual - expected);
  const bound = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.max(Math.abs(actual), Math.abs(expected)));
  expect({ actual, expected, withinTolerance: diff <= bound }).toEqual({ actual, expected, withinTolerance: true });
}

/** A JSON number of a vectors file, with the strings 'NaN' / 'Infinity' / '-Infinity' used for non-finite values. */
export function vectorNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  throw new Error(`not a number in the vectors: ${JSON.stringify(x)}`);
}
