/**
 * A wallet's trading style (seed 003's `wallet_scores.archetype`), from its closed positions' holding times, its
 * leverage and its size. The first rule that holds wins:
 *
 *   1. whale          equity ≥ $5,000,000, or median position notional ≥ $1,000,000 (size alone decides)
 *   2. unknown        fewer than 3 closed positions (MIN_POSITIONS): too little to call a style
 *   3. high-leverage  median leverage ≥ 15×
 *   4. scalper        median holding time < 1 hour
 *   5. swing          median holding time < 3 days
 *   6. position       otherwise (held 3 days or more)
 *
 * Medians, not means: one forgotten position held for months must not turn a scalper into a position trader.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';

export const ARCHETYPES = ['scalper', 'swing', 'position', 'whale', 'high-leverage', 'unknown'] as const;
export type Archetype = (typeof ARCHETYPES)[number];

const HOUR_MS = 3_600_000;
export const ARCHETYPE_THRESHOLDS = {
  whaleEquityUsd: new Dec(5_000_000),
  whaleNotionalUsd: new Dec(1_000_000),
  minPositions: 3,
  highLeverage: new Dec(15),
  scalperMaxHoldMs: HOUR_MS,
  swingMaxHoldMs: 72 * HOUR_MS,
} as const;

/** One closed position of the wallet. */
export interface HeldPosition {
  /** How long it was open, in milliseconds. */
  holdingMs: number;
  /** Its largest notional (USD). */
  notionalUsd: DecimalLike;
  /** Its leverage (notional / equity, or the venue's setting). */
  leverage: DecimalLike;
}

export interface ArchetypeInput {
  equityUsd: DecimalLike;
  positions: readonly HeldPosition[];
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function medianOf(xs: readonly Decimal[]): Decimal {
  if (xs.length === 0) throw new RangeError('median of nothing');
  const sorted = [...xs].sort((a, b) => a.comparedTo(b));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).div(2);
}

export function archetype(input: ArchetypeInput, t = ARCHETYPE_THRESHOLDS): Archetype {
  const { positions } = input;
  if (dec(input.equityUsd).gte(t.whaleEquityUsd)) return 'whale';
  if (positions.length > 0 && medianOf(positions.map((p) => dec(p.notionalUsd).abs())).gte(t.whaleNotionalUsd)) return 'whale';
  if (positions.length < t.minPositions) return 'unknown';
  if (medianOf(positions.map((p) => dec(p.leverage))).gte(t.highLeverage)) return 'high-leverage';
  const hold = medianOf(positions.map((p) => new Dec(p.holdingMs)));
  if (hold.lt(t.scalperMaxHoldMs)) return 'scalper';
  if (hold.lt(t.swingMaxHoldMs)) return 'swing';
  return 'position';
}
