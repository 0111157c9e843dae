import {
  applyExponentFactor,
  applyImpactFactor,
  executionPriceForDecrease,
  executionPriceForIncrease,
  FLOAT_PRECISION,
  positionPriceImpactUsd,
  PositionImpactFactors,
  toFloat30,
} from './price-impact';

const usd = (v: string) => toFloat30(v);
// exponent 2, 1e-9 per USD against the trader, 5e-10 per USD in favour (hand-checked below)
const factors: PositionImpactFactors = { positiveFactor: usd('0.0000000005'), negativeFactor: usd('0.000000001'), exponent: usd('2') };

describe('GMX position price impact (PositionPricingUtils / PricingUtils)', () => {
  it('applyExponentFactor: 0 below one USD, identity for exponent 1, exact integer powers', () => {
    expect(applyExponentFactor(usd('0.999999'), usd('2'))).toBe(0n);
    expect(applyExponentFactor(usd('1234.5'), usd('1'))).toBe(usd('1234.5'));
    expect(applyExponentFactor(usd('1000'), usd('2'))).toBe(usd('1000000'));
    // floatToWei truncates to 18 decimals before the power
    expect(applyExponentFactor(usd('1.5'), usd('3'))).toBe(usd('3.375'));
    expect(applyExponentFactor(usd('10000'), usd('1.5'))).toBe(usd('1000000'));
  });

  it('applyImpactFactor is diff^exponent × factor, rounded down', () => {
    expect(applyImpactFactor(usd('1000'), factors.negativeFactor, factors.exponent)).toBe(usd('0.001'));
    expect(applyImpactFactor(usd('3'), 1n, usd('1'))).toBe(3n); // 3e30 × 1 / 1e30
    expect(applyImpactFactor(usd('3'), 1n, usd('2'))).toBe(9n);
    expect(applyImpactFactor(usd('0.5'), factors.negativeFactor, factors.exponent)).toBe(0n);
  });

  it('same side, imbalance grows: negative factor', () => {
    // |1000 − 0| → |2000 − 0|: 1000² × 1e-9 − 2000² × 1e-9 = 0.001 − 0.004
    expect(positionPriceImpactUsd({ long: usd('1000'), short: 0n }, usd('1000'), true, factors)).toBe(-usd('0.003'));
    // balanced book, a $1M long: −(10^12 × 1e-9) = −$1000 (10 bps)
    expect(positionPriceImpactUsd({ long: usd('5000000'), short: usd('5000000') }, usd('1000000'), true, factors)).toBe(-usd('1000'));
  });

  it('same side, imbalance shrinks: positive factor', () => {
    // |2000 − 0| → |2000 − 1000|: 2000² × 5e-10 − 1000² × 5e-10 = 0.002 − 0.0005
    expect(positionPriceImpactUsd({ long: usd('2000'), short: 0n }, usd('1000'), false, factors)).toBe(usd('0.0015'));
    // closing a long that made the imbalance shrinks it too
    expect(positionPriceImpactUsd({ long: usd('2000'), short: 0n }, -usd('1000'), true, factors)).toBe(usd('0.0015'));
  });

  it('crossover: the positive part with the positive factor, the negative part with the negative one', () => {
    // long 1000 / short 0 → a 3000 short leaves short ahead by 2000: 1000² × 5e-10 − 2000² × 1e-9 = 0.0005 − 0.004
    expect(positionPriceImpactUsd({ long: usd('1000'), short: 0n }, usd('3000'), false, factors)).toBe(-usd('0.0035'));
    // a 1100 short: 0.0005 − 100² × 1e-9 = 0.0005 − 0.00001
    expect(positionPriceImpactUsd({ long: usd('1000'), short: 0n }, usd('1100'), false, factors)).toBe(usd('0.00049'));
  });

  it('balanced at the start counts as long ≤ short: a long increase crosses over', () => {
    // 0 ≤ 0 is true, 1000 ≤ 0 is false: crossover with 0 positive part
    expect(positionPriceImpactUsd({ long: 0n, short: 0n }, usd('1000'), true, factors)).toBe(-usd('0.001'));
  });

  it('a decrease beyond the open interest is refused as the contract reverts', () => {
    expect(() => positionPriceImpactUsd({ long: usd('10'), short: 0n }, -usd('11'), true, factors)).toThrow(
      /UsdDeltaExceedsLongOpenInterest/,
    );
  });

  it('execution price of an increase follows the impact in tokens (the contract comment: $2000, $5000 size, −$1000)', () => {
    const price = 2000n * 10n ** 12n; // $2000 per 1e18 units
    const long = executionPriceForIncrease(price, usd('5000'), -usd('1000'), true);
    expect(long).toEqual({ executionPrice: 2500n * 10n ** 12n, sizeDeltaInTokens: 2n * 10n ** 18n, priceImpactAmount: -(5n * 10n ** 17n) });
    const short = executionPriceForIncrease(price, usd('5000'), -usd('1000'), false);
    expect(short.sizeDeltaInTokens).toBe(3n * 10n ** 18n);
    expect(short.executionPrice).toBe(usd('5000') / (3n * 10n ** 18n));
    expect(executionPriceForIncrease(price, usd('5000'), 0n, true).executionPrice).toBe(price);
  });

  it('execution price of a decrease moves by size × impact / tokens / sizeDelta', () => {
    const price = 2000n * 10n ** 12n;
    // a 1 ETH long bought at 2000 ($2000 size), closed with −$2 impact: 2000 − 2 = 1998
    expect(executionPriceForDecrease(price, usd('2000'), 10n ** 18n, usd('2000'), -usd('2'), true)).toBe(1998n * 10n ** 12n);
    // a short: the impact raises the price it buys back at
    expect(executionPriceForDecrease(price, usd('2000'), 10n ** 18n, usd('2000'), -usd('2'), false)).toBe(2002n * 10n ** 12n);
  });

  it('toFloat30 reads decimal strings exactly', () => {
    expect(toFloat30('2')).toBe(2n * FLOAT_PRECISION);
    expect(toFloat30('0.000000001')).toBe(10n ** 21n);
    expect(() => toFloat30('1e-9')).toThrow();
  });
});
