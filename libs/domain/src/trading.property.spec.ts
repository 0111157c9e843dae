/**
 * Property tests over a few hundred seeded random cases (no extra libraries). Each property collects
 * the failing cases, so a failure prints its counterexamples; the seed makes every run identical.
 */
import Decimal from 'decimal.js';
import { dec, Dec, toMoney } from './money';
import { fillPrice, profitShare, realizedPnl, Side, sizePosition } from './trading';

const CASES = 300;

/** mulberry32: a tiny, well-known 32-bit seeded PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random decimal strings built digit by digit, so they are exact decimals rather than float renderings. */
class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  /** A non-negative decimal with up to intDigits integer digits and exactly `scale` decimals. */
  decimal(intDigits: number, scale: number): string {
    const int = String(Number(this.digits(this.int(1, intDigits)))); // strip leading zeros
    return scale > 0 ? `${int}.${this.digits(scale)}` : int;
  }
  /** A strictly positive decimal. */
  positive(intDigits: number, scale: number): string {
    const s = this.decimal(intDigits, scale);
    return dec(s).isZero() ? `0.${'0'.repeat(Math.max(scale - 1, 0))}1` : s;
  }
  side(): Side {
    return this.next() < 0.5 ? 'LONG' : 'SHORT';
  }
}

function failuresOf<T>(cases: T[], holds: (c: T) => boolean): T[] {
  return cases.filter((c) => !holds(c));
}

describe('mulberry32 generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Gen(7);
    const b = new Gen(7);
    const c = new Gen(8);
    const seqA = Array.from({ length: 5 }, () => a.decimal(6, 8));
    expect(Array.from({ length: 5 }, () => b.decimal(6, 8))).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.decimal(6, 8))).not.toEqual(seqA);
  });
});

describe('PnL properties', () => {
  const g = new Gen(0xc0ffee);
  const trades = Array.from({ length: CASES }, () => ({
    qty: g.positive(4, 6),
    entryPrice: g.positive(6, 8),
    exitPrice: g.positive(6, 8),
    fees: g.positive(3, 8),
  }));

  it('generates rising, falling and varied trades (the properties below are not vacuous)', () => {
    expect(trades.filter((t) => dec(t.exitPrice).gt(t.entryPrice)).length).toBeGreaterThan(50);
    expect(trades.filter((t) => dec(t.exitPrice).lt(t.entryPrice)).length).toBeGreaterThan(50);
    expect(new Set(trades.map((t) => t.entryPrice)).size).toBe(CASES);
  });

  it('before fees, pnl(LONG, a→b) == −pnl(SHORT, a→b), exactly', () => {
    const bad = failuresOf(trades, ({ qty, entryPrice, exitPrice }) => {
      const long = realizedPnl({ side: 'LONG', qty, entryPrice, exitPrice });
      const short = realizedPnl({ side: 'SHORT', qty, entryPrice, exitPrice });
      return long.eq(short.neg()) && long.toFixed(20) === short.neg().toFixed(20);
    });
    expect(bad).toEqual([]);
  });

  it('a LONG gains exactly when the price rises (gross PnL sign)', () => {
    const bad = failuresOf(trades, ({ qty, entryPrice, exitPrice }) => {
      const long = realizedPnl({ side: 'LONG', qty, entryPrice, exitPrice });
      return long.cmp(0) === dec(exitPrice).cmp(entryPrice);
    });
    expect(bad).toEqual([]);
  });

  it('fees always reduce the PnL, by exactly the fee', () => {
    const bad = failuresOf(trades, ({ qty, entryPrice, exitPrice, fees }) =>
      (['LONG', 'SHORT'] as const).every((side) => {
        const gross = realizedPnl({ side, qty, entryPrice, exitPrice });
        const net = realizedPnl({ side, qty, entryPrice, exitPrice, fees });
        return net.lt(gross) && gross.minus(net).eq(fees);
      }),
    );
    expect(bad).toEqual([]);
  });
});

describe('profit share properties', () => {
  const g = new Gen(20240601);
  const cases = Array.from({ length: CASES }, () => ({
    pnl: (g.int(0, 2) === 0 ? '-' : '') + g.decimal(7, 8),
    pct: g.int(0, 9) === 0 ? String(g.int(0, 1) * 100) : g.decimal(2, 2),
  }));

  it('generates profits and losses', () => {
    expect(cases.filter((c) => dec(c.pnl).gt(0)).length).toBeGreaterThan(50);
    expect(cases.filter((c) => dec(c.pnl).lt(0)).length).toBeGreaterThan(50);
  });

  it('is never negative and never above the PnL', () => {
    const bad = failuresOf(cases, ({ pnl, pct }) => {
      const share = profitShare(pnl, pct);
      return share.gte(0) && share.lte(Decimal.max(dec(pnl), 0));
    });
    expect(bad).toEqual([]);
  });

  it('is zero for every loss', () => {
    const losses = cases.filter((c) => dec(c.pnl).lte(0));
    expect(failuresOf(losses, ({ pnl, pct }) => profitShare(pnl, pct).isZero())).toEqual([]);
  });

  it('is pnl × pct / 100 rounded down to 8 places (less than one unit below the exact share)', () => {
    const profits = cases.filter((c) => dec(c.pnl).gt(0));
    const bad = failuresOf(profits, ({ pnl, pct }) => {
      const share = profitShare(pnl, pct);
      const exact = dec(pnl).mul(pct).div(100);
      return share.decimalPlaces() <= 8 && share.lte(exact) && exact.minus(share).lt('0.00000001');
    });
    expect(bad).toEqual([]);
  });
});

describe('toMoney properties', () => {
  const g = new Gen(42);

  it('round-trips every DECIMAL(20,8) string exactly', () => {
    const values = Array.from({ length: CASES }, () => (g.int(0, 1) ? '-' : '') + g.decimal(12, 8));
    const withoutNegativeZero = values.filter((v) => !(v.startsWith('-') && dec(v).isZero()));
    expect(failuresOf(withoutNegativeZero, (v) => toMoney(v) === v)).toEqual([]);
  });

  it('is idempotent and moves a value by at most half a unit of the 8th place', () => {
    const values = Array.from({ length: CASES }, () => g.decimal(9, g.int(9, 16)));
    const bad = failuresOf(values, (v) => {
      const m = toMoney(v);
      return toMoney(m) === m && /^\d+\.\d{8}$/.test(m) && dec(m).minus(v).abs().lte('0.000000005');
    });
    expect(bad).toEqual([]);
  });
});

describe('fillPrice properties', () => {
  const g = new Gen(99);
  const cases = Array.from({ length: CASES }, () => ({ mark: g.positive(6, 8), slip: g.decimal(2, 2), side: g.side() }));

  it('the buyer pays at least the mark, the seller receives at most the mark', () => {
    const bad = failuresOf(cases, ({ mark, slip, side }) => {
      const open = fillPrice(side, mark, slip);
      const close = fillPrice(side, mark, slip, true);
      const [buy, sell] = side === 'LONG' ? [open, close] : [close, open];
      return buy.gte(mark) && sell.lte(mark);
    });
    expect(bad).toEqual([]);
  });

  it('opening and closing fills sit symmetrically around the mark', () => {
    const bad = failuresOf(cases, ({ mark, slip, side }) =>
      fillPrice(side, mark, slip)
        .plus(fillPrice(side, mark, slip, true))
        .div(2)
        .eq(mark),
    );
    expect(bad).toEqual([]);
  });
});

describe('sizePosition properties', () => {
  const g = new Gen(1337);
  const cases = Array.from({ length: CASES }, () => ({
    equity: g.positive(6, 2),
    pct: String(g.int(1, 100)),
    leverage: g.int(1, 20),
    price: g.positive(5, 4),
    sizeDecimals: g.int(0, 6),
  }));

  it('floors: qty has at most sizeDecimals places, fits the intended notional, and one more step would not', () => {
    let sized = 0;
    const bad = failuresOf(cases, ({ equity, pct, leverage, price, sizeDecimals }) => {
      let r;
      try {
        r = sizePosition({ equity, sizeModel: { type: 'percentage', value: pct, leverage }, price, sizeDecimals });
      } catch (e: any) {
        return e.code === 'SIZE_TOO_SMALL'; // legitimately too small to trade
      }
      sized++;
      const intended = dec(equity).mul(pct).div(100).mul(leverage);
      const step = new Dec(10).pow(-sizeDecimals);
      return (
        r.qty.decimalPlaces() <= sizeDecimals &&
        r.qty.gt(0) &&
        r.notional.eq(r.qty.mul(price)) &&
        r.notional.lte(intended) &&
        r.qty.plus(step).mul(price).gt(intended)
      );
    });
    expect(bad).toEqual([]);
    expect(sized).toBeGreaterThan(CASES / 2);
  });
});
