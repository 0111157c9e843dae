import { bps, dec } from './money';
import { walkShock, walkStep } from './random-walk';

const TICKS = Array.from({ length: 1000 }, (_, i) => i);

describe('walkShock', () => {
  it('stays in [-1, 1) over many ticks and takes both signs', () => {
    const shocks = TICKS.map((t) => walkShock('conduit', 'ETH', t));
    expect(shocks.filter((s) => s.lt(-1) || s.gte(1))).toEqual([]);
    expect(shocks.some((s) => s.lt(0))).toBe(true);
    expect(shocks.some((s) => s.gt(0))).toBe(true);
  });

  it('is roughly centred on zero (uniform)', () => {
    const mean = TICKS.map((t) => walkShock('seed', 'BTC', t))
      .reduce((a, s) => a.plus(s), dec(0))
      .div(TICKS.length);
    expect(mean.abs().lt(0.1)).toBe(true);
  });

  it('is deterministic for the same seed, symbol and tick', () => {
    expect(walkShock('conduit', 'ETH', 17).toString()).toBe(walkShock('conduit', 'ETH', 17).toString());
    expect(walkShock('conduit', 'ETH', 0).toString()).toBe('0.6446665897965432');
  });

  it('differs across ticks', () => {
    const distinct = new Set(TICKS.map((t) => walkShock('conduit', 'ETH', t).toString()));
    expect(distinct.size).toBeGreaterThan(990);
  });

  it('differs across seeds and symbols', () => {
    const base = walkShock('conduit', 'ETH', 5).toString();
    expect(walkShock('other', 'ETH', 5).toString()).not.toBe(base);
    expect(walkShock('conduit', 'BTC', 5).toString()).not.toBe(base);
  });
});

describe('walkStep', () => {
  it('moves the price by at most stepBps', () => {
    const price = dec('1903.95');
    const maxMove = price.mul(bps(5));
    const moves = TICKS.map((t) => walkStep(price, 'conduit', 'ETH', t, 5).minus(price).abs());
    expect(moves.filter((m) => m.gt(maxMove))).toEqual([]);
    expect(moves.some((m) => m.gt(maxMove.div(2)))).toBe(true); // it does move, not just by a hair
  });

  it('is price × (1 + shock × step)', () => {
    const shock = walkShock('conduit', 'ETH', 3);
    const expected = dec('2000').mul(dec(1).plus(shock.mul('0.001')));
    expect(walkStep('2000', 'conduit', 'ETH', 3, 10).eq(expected)).toBe(true);
  });

  it('is deterministic and leaves the price unchanged with a zero step', () => {
    expect(walkStep('2000', 's', 'ETH', 9, 5).toString()).toBe(walkStep('2000', 's', 'ETH', 9, 5).toString());
    expect(walkStep('2000', 's', 'ETH', 9, 0).toString()).toBe('2000');
  });

  it('keeps a long walk positive and deterministic', () => {
    const walk = () => TICKS.reduce((p, t) => walkStep(p, 'conduit', 'SOL', t, 5), dec('150'));
    const end = walk();
    expect(end.gt(0)).toBe(true);
    expect(end.toString()).toBe(walk().toString());
  });
});
