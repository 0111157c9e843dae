import { aprFromDailyReturns, profitFactor, sharpe, sortino, stdDev, tradeStats } from './metrics';

/**
 * The metrics Conduit computes: the documented behaviour the vectors do not cover. Their values are checked against
 * ../shared/vectors/metrics.json beside the reference conventions, in the testing lib (libs/testing/src/metrics-reference:
 * quantstats and ffn, empyrical, freqtrade), which a domain spec cannot import without a cycle between the libs.
 */
describe('edge cases and conventions not covered by the vectors (documented behaviour)', () => {
  it('sharpe and sortino need two observations; zero dispersion gives IEEE ±Infinity/NaN, not 0', () => {
    expect(sharpe([], { periods: 252 })).toBeNaN();
    expect(sharpe([0.01], { periods: 252 })).toBeNaN();
    expect(sharpe([0.01, 0.01], { periods: 252 })).toBe(Infinity);
    expect(sharpe([0, 0], { periods: 252 })).toBeNaN();
    expect(sortino([0.01, 0.02], { periods: 252 })).toBe(Infinity);
    expect(sortino([], { periods: 252 })).toBeNaN();
  });

  it('aprFromDailyReturns is simple annualisation: mean daily return × 365', () => {
    expect(aprFromDailyReturns([0.001, 0.003, -0.001])).toBeCloseTo(0.365, 12); // a ratio, not money
    expect(aprFromDailyReturns([0.01, NaN], 360)).toBeCloseTo(3.6, 12);
    expect(aprFromDailyReturns([])).toBeNaN();
  });

  it('stdDev is exactly 0 for a constant series and NaN when n ≤ ddof', () => {
    expect(stdDev(Array<number>(1000).fill(0.01), 1)).toBe(0);
    expect(stdDev([1], 1)).toBeNaN();
    expect(stdDev([], 0)).toBeNaN();
  });

  it('profit factor is 0 without a losing trade (freqtrade), not Infinity', () => {
    expect(profitFactor([1, 2, 0])).toBe(0);
    expect(profitFactor([])).toBe(0);
    expect(tradeStats([])).toMatchObject({ trades: 0, winRate: 0, profitFactor: 0, expectancy: 0, expectancyRatio: 100 });
  });
});
