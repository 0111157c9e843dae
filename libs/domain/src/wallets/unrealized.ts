/**
 * A watched wallet's unrealized PnL on an asset just before one of its fills, from the fills that built the position
 * (what the analysis' adding_to_winner rule reads). The average entry follows the position fill by fill:
 *
 *   from flat, or across zero (a flip)   entry = the fill's price
 *   larger, same sign (add)              entry = (entry × |before| + price × (|after| − |before|)) / |after|
 *   smaller, same sign (reduce)          entry unchanged
 *
 * unrealized = position × (price − entry), 2 places (USD). It is '0' when there is no position before the fill, and
 * null when the history cannot tell: the fills since the position was last flat are not all there (one fill's
 * position after is not the next one's position before) or a price is missing.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';

export interface PositionFill {
  positionBefore: DecimalLike;
  positionAfter: DecimalLike;
  /** The fill's price; null when unknown. */
  price: DecimalLike | null;
}

/** `history`: the wallet's earlier fills on the asset, oldest first; `price`: the price of the fill in question. */
export function unrealizedPnlBefore(
  history: readonly PositionFill[],
  positionBefore: DecimalLike,
  price: DecimalLike | null,
): string | null {
  const position = dec(positionBefore);
  if (position.isZero()) return '0';
  if (price === null) return null;
  // The position's start: the last fill from flat or across zero; every fill after it must chain to the next.
  let expected = position;
  let start = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    const before = dec(history[i].positionBefore);
    const after = dec(history[i].positionAfter);
    if (!after.eq(expected)) return null;
    if (before.isZero() || before.isNegative() !== after.isNegative()) {
      start = i;
      break;
    }
    expected = before;
  }
  if (start < 0) return null;
  let entry: Decimal | null = null;
  for (const f of history.slice(start)) {
    if (f.price === null) return null;
    const px = dec(f.price);
    const before = dec(f.positionBefore);
    const after = dec(f.positionAfter);
    if (entry === null || before.isZero() || before.isNegative() !== after.isNegative()) entry = px;
    else if (after.abs().gt(before.abs()))
      entry = entry
        .times(before.abs())
        .plus(px.times(after.abs().minus(before.abs())))
        .div(after.abs());
  }
  return position.times(dec(price).minus(entry!)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
}
