import { createHash } from 'crypto';
import Decimal from 'decimal.js';
import { bps, dec, DecimalLike, Dec } from './money';

/** A uniform number in [-1, 1) from (seed, symbol, tick): the same inputs give the same number in any process. */
export function walkShock(seed: string, symbol: string, tick: number): Decimal {
  const h = createHash('sha256').update(`${seed}|${symbol}|${tick}`).digest();
  const u = h.readUInt32BE(0) / 0x1_0000_0000; // [0, 1)
  return new Dec(u).mul(2).minus(1);
}

/** One step of the deterministic random walk: price × (1 + shock × step). */
export function walkStep(price: DecimalLike, seed: string, symbol: string, tick: number, stepBps: DecimalLike): Decimal {
  return dec(price).mul(new Dec(1).plus(walkShock(seed, symbol, tick).mul(bps(stepBps))));
}
