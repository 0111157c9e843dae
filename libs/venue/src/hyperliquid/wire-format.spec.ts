import Decimal from 'decimal.js';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { readVectors } from '../../../testing/src/vectors';
/* eslint-enable @nx/enforce-module-boundaries */
import { limitPrice, wirePrice, wireSize } from './actions';

/**
 * Hyperliquid's number rules (hyperliquid_signing.json: price_size_rules, float_to_wire_cases) against our own formatting
 * (wirePrice, wireSize, limitPrice of ./actions.ts), which every order the adapter sends goes through. Perp markets
 * only: the adapter trades no spot.
 */
const VECTORS = readVectors('hyperliquid_signing.json');
const RULES = VECTORS.price_size_rules;
const CASES = RULES.nktkas_formatPrice_formatSize_cases;
const UNIVERSE: { name: string; szDecimals: number }[] = readVectors('hyperliquid_api/pysdk_info_cassettes.json').cassettes.test_get_info[0]
  .response_body.universe;
const throws = (expected: string) => expected.startsWith('throws');

describe('price and size rules (nktkas cases) against wirePrice / wireSize', () => {
  const perpPrices = (CASES.formatPrice as any[]).filter((c) => c.market === 'perp');

  it('has 13 perp price cases (and 2 spot ones, not ours) and 6 size cases', () => {
    expect(perpPrices).toHaveLength(13);
    expect(CASES.formatPrice.length - perpPrices.length).toBe(2);
    expect(CASES.formatSize).toHaveLength(6);
  });

  it.each(perpPrices.map((c): [string, number, string] => [c.input, c.szDecimals, c.expected]))(
    'wirePrice(%j, %d) → %s',
    (input, szDecimals, expected) => {
      if (throws(expected)) expect(() => wirePrice(input, szDecimals)).toThrow();
      else expect(wirePrice(input, szDecimals)).toBe(expected);
    },
  );

  it.each((CASES.formatSize as any[]).map((c): [string, number, string] => [c.input, c.szDecimals, c.expected]))(
    'wireSize(%j, %d) → %s',
    (input, szDecimals, expected) => {
      if (throws(expected)) expect(() => wireSize(input, szDecimals)).toThrow();
      else expect(wireSize(input, szDecimals)).toBe(expected);
    },
  );

  it('the minimum price and size of each reference perp format to themselves', () => {
    const perps = CASES.reference_min_price_and_size.perps as any[];
    expect(perps).toHaveLength(6);
    for (const r of perps) {
      expect(wirePrice(r.minPrice, r.szDecimals)).toBe(r.minPrice);
      expect(wireSize(r.minSize, r.szDecimals)).toBe(r.minSize);
    }
  });
});

describe('float_to_wire cases against wirePrice / wireSize', () => {
  const cases = VECTORS.float_to_wire_cases.cases as { x: number; wire: string }[];

  it.each(cases.map((c): [number, string] => [c.x, c.wire]))('%d is written %s', (x, wire) => {
    // The recorded value is a JSON number; Conduit holds it as a decimal (and in other spellings: 100.00000000).
    for (const value of [String(x), new Decimal(String(x)), new Decimal(String(x)).toFixed(8)]) {
      expect(wirePrice(value, 0)).toBe(wire);
      expect(wireSize(value, 5)).toBe(wire);
    }
  });
});

describe('market order limits (slippage examples) against limitPrice', () => {
  const [ccxt, python] = RULES.market_order_slippage_examples as { src: string; cases: any[] }[];

  it('CCXT (5% default slippage, then the tick) on perps of the recorded meta', () => {
    // "SOL buy", "BTC buy", "SOL sell 3.34 @100 stopLoss": the coin first, the side named; HYPE and spot PURR are not in that meta.
    const known = ccxt.cases.filter((c) => UNIVERSE.some((u) => u.name === c.what.split(' ')[0]));
    expect(known).toHaveLength(9);
    for (const c of known) {
      const szDecimals = UNIVERSE.find((u) => u.name === c.what.split(' ')[0])!.szDecimals;
      const side = /\bsell\b/.test(c.what) ? 'SELL' : 'BUY';
      expect(limitPrice(String(c.px), side, '500', szDecimals)).toBe(c.wire);
    }
  });

  it('the python SDK (mocked mids): integral limits, whatever the lot size', () => {
    expect(python.cases).toHaveLength(5);
    for (const c of python.cases) {
      const bps = new Decimal(String(c.slippage)).mul(10_000);
      for (let szDecimals = 0; szDecimals <= 5; szDecimals++)
        expect(limitPrice(String(c.mid ?? c.px), c.is_buy ? 'BUY' : 'SELL', bps, szDecimals)).toBe(String(c.expected));
    }
  });

  it('truncation keeps a buy inside its bound; a sell may pass it by less than one tick', () => {
    // ETH (szDecimals 4): 1903.95 × 1.005 = 1913.46975 → 1913.4 (5 significant figures); × 0.995 = 1894.43025 → 1894.4
    expect(limitPrice('1903.95', 'BUY', '50', 4)).toBe('1913.4');
    expect(limitPrice('1903.95', 'SELL', '50', 4)).toBe('1894.4');
    // BTC (szDecimals 5): 30135 × 1.005 = 30285.675 → the integer part already has 5 figures → 30285
    expect(limitPrice('30135', 'BUY', '50', 5)).toBe('30285');
  });
});
