import Decimal from 'decimal.js';
import { Dec } from '@conduit/domain';
import { BookLevel, OrderBook } from '../adapter';
import { GmxImpactState } from './impact-keys';
import { positionPriceImpactUsd, toFloat30 } from './price-impact';

/** Notionals (USD) at which the synthetic book prices GMX's impact: each level ends at one of them. */
export const IMPACT_BOOK_LEVELS_USD = ['1000', '5000', '25000', '100000', '500000', '2500000'];
/** The book's first level: this much at the mark, the price slippage is measured from. */
const REFERENCE_LEVEL_USD = '1';
const DIGITS = 18;

/**
 * GMX has no order book: its cost is the position price impact of the order's size on the pool's open interest.
 * This builds a book whose average price for each notional of `levelsUsd` is the execution price GMX gives an
 * increase of that size (asks: a long, bids: a short), from the same price-impact function the contracts use, so
 * walking it (quoteExecution) measures the impact as slippage. The first level is a dollar at the mark.
 *
 * Between two notionals the book is linear in quantity, so the slippage there is a blend of its neighbours. Impact in
 * the trader's favour (an order that rebalances the pool) is priced at the mark, never better: GMX caps it
 * (impact pool, max positive factor) and a book cannot show a price through the mark.
 */
export function impactBook(
  symbol: string,
  mark: Decimal,
  state: GmxImpactState,
  depth: number,
  levelsUsd = IMPACT_BOOK_LEVELS_USD,
): OrderBook {
  const count = Math.max(0, Math.max(1, depth) - 1);
  const notionals = levelsUsd.slice(0, count).map((usd) => new Dec(usd));
  return { symbol, asks: side(mark, state, notionals, true), bids: side(mark, state, notionals, false), time: Date.now() };
}

/** The fraction of the notional lost to impact (≥ 0) for an increase of `notionalUsd` on the long or short side. */
export function impactCostFraction(state: GmxImpactState, notionalUsd: Decimal, isLong: boolean): Decimal {
  const size = toFloat30(notionalUsd.toFixed(30, Decimal.ROUND_DOWN));
  if (size === 0n) return new Dec(0);
  const impact = positionPriceImpactUsd(state.openInterest, size, isLong, state.factors);
  if (impact >= 0n) return new Dec(0);
  return new Dec((-impact).toString()).div(new Dec(size.toString()));
}

function side(mark: Decimal, state: GmxImpactState, notionals: Decimal[], isLong: boolean): BookLevel[] {
  const reference = new Dec(REFERENCE_LEVEL_USD);
  const levels: BookLevel[] = [{ price: fmt(mark), size: fmt(reference.div(mark)) }];
  let spent = reference;
  let qty = reference.div(mark);
  let cost = new Dec(0);
  for (const notional of notionals) {
    if (notional.lte(spent)) continue;
    // the average price only gets worse with size (a running maximum of the cost keeps the levels ordered)
    cost = Dec.max(cost, impactCostFraction(state, notional, isLong));
    if (isLong && cost.gte(1)) break; // the impact would exceed the order: GMX refuses it
    // GMX's execution price: size / tokens, the tokens moved by the impact (long: fewer, short: more)
    const average = isLong ? mark.div(new Dec(1).minus(cost)) : mark.div(new Dec(1).plus(cost));
    const total = notional.div(average);
    const levelQty = total.minus(qty);
    if (levelQty.lte(0)) break;
    const levelUsd = notional.minus(spent);
    levels.push({ price: fmt(levelUsd.div(levelQty)), size: fmt(levelQty) });
    spent = notional;
    qty = total;
  }
  return levels;
}

const fmt = (d: Decimal) => d.toSignificantDigits(DIGITS, Decimal.ROUND_HALF_EVEN).toFixed();
