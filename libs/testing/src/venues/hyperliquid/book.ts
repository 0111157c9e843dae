/** The local server's markets: the seeded universe, Hyperliquid's tick rule and the synthetic book around each mid. */
import Decimal from 'decimal.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the seeded market list is the universe's single source
import venueMarkets from '../../../../../migrations/data/venue-markets.json';
import { D, HlSimMarket, Level, Market, ZERO } from './types';

/** Level i of the synthetic book holds about (i + 1) × this many USD; levels are about 1 bp apart. */
const LEVEL_NOTIONAL_USD = new D(25_000);
const LEVEL_SPACING = new D('0.0001');

export function defaultMarkets(): HlSimMarket[] {
  return (
    venueMarkets as Array<{
      venue: string;
      token_symbol: string;
      market_index: number;
      max_leverage: number;
      current_price: string | null;
      metadata: { szDecimals?: number };
    }>
  )
    .filter((row) => row.venue === 'HYPERLIQUID')
    .sort((a, b) => a.market_index - b.market_index)
    .map((row, index) => {
      if (row.market_index !== index || row.current_price == null || row.metadata.szDecimals == null) {
        throw new Error(`venue-markets.json: Hyperliquid row ${row.token_symbol} cannot seed the simulator's universe`);
      }
      return { name: row.token_symbol, szDecimals: row.metadata.szDecimals, maxLeverage: row.max_leverage, mid: row.current_price };
    });
}

/** A market at its mid, with its book built. */
export function newMarket(m: HlSimMarket, depth: number): Market {
  const mid = new D(m.mid);
  const market: Market = {
    name: m.name,
    szDecimals: m.szDecimals,
    maxLeverage: m.maxLeverage,
    mid,
    prevDayPx: mid,
    funding: ZERO,
    bids: [],
    asks: [],
  };
  rebuildBook(market, depth);
  return market;
}

export function rebuildBook(market: Market, depth: number): void {
  const { bids, asks } = buildBook(market.mid, market.szDecimals, depth);
  market.bids = bids;
  market.asks = asks;
}

/** Hyperliquid's perp price rule: an integer, or at most 5 significant figures and 6 − szDecimals decimals. */
export function isValidPrice(px: Decimal, szDecimals: number): boolean {
  if (px.lte(0)) return false;
  if (px.isInteger()) return true;
  return px.decimalPlaces() <= 6 - szDecimals && px.precision() <= 5;
}

/** The smallest price step valid at this price (1 above 99,999, where integers are always allowed). */
function tickSize(px: Decimal, szDecimals: number): Decimal {
  const exponent = Math.min(0, Math.max(-(6 - szDecimals), px.e - 4));
  return new D(10).pow(exponent);
}

function roundToTick(px: Decimal, szDecimals: number, rounding: Decimal.Rounding): Decimal {
  const tick = tickSize(px, szDecimals);
  return px.div(tick).toDecimalPlaces(0, rounding).mul(tick);
}

/**
 * Levels about 1 bp apart on valid ticks, strictly outside the mid, level i holding about (i + 1) × $25k
 * (at least one lot), n = i + 1 orders.
 */
function buildBook(mid: Decimal, szDecimals: number, depth: number): { bids: Level[]; asks: Level[] } {
  const tick = tickSize(mid, szDecimals);
  const step = D.max(1, mid.mul(LEVEL_SPACING).div(tick).toDecimalPlaces(0)).mul(tick);
  const lot = new D(10).pow(-szDecimals);
  const size = (i: number, px: Decimal) =>
    D.max(
      lot,
      LEVEL_NOTIONAL_USD.mul(i + 1)
        .div(px)
        .toDecimalPlaces(szDecimals, Decimal.ROUND_DOWN),
    );
  const bid0 = roundToTick(mid, szDecimals, Decimal.ROUND_DOWN);
  const ask0 = roundToTick(mid, szDecimals, Decimal.ROUND_UP);
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < depth; i++) {
    let bidPx = roundToTick((bid0.eq(mid) ? bid0.minus(tick) : bid0).minus(step.mul(i)), szDecimals, Decimal.ROUND_DOWN);
    let askPx = roundToTick((ask0.eq(mid) ? ask0.plus(tick) : ask0).plus(step.mul(i)), szDecimals, Decimal.ROUND_UP);
    const prevBid = bids[bids.length - 1]?.px;
    const prevAsk = asks[asks.length - 1]?.px;
    if (prevBid && bidPx.gte(prevBid)) bidPx = roundToTick(prevBid.minus(tickSize(prevBid, szDecimals)), szDecimals, Decimal.ROUND_DOWN);
    if (prevAsk && askPx.lte(prevAsk)) askPx = roundToTick(prevAsk.plus(tickSize(prevAsk, szDecimals)), szDecimals, Decimal.ROUND_UP);
    if (bidPx.gt(0)) bids.push({ px: bidPx, sz: size(i, bidPx), n: i + 1 });
    asks.push({ px: askPx, sz: size(i, askPx), n: i + 1 });
  }
  return { bids, asks };
}

/** Takes liquidity level by level while the level's price is within the limit; the book itself is not consumed. */
export function sweep(levels: Level[], isBuy: boolean, limitPx: Decimal, size: Decimal): Level[] {
  const taken: Level[] = [];
  let left = size;
  for (const level of levels) {
    if (left.lte(0) || (isBuy ? level.px.gt(limitPx) : level.px.lt(limitPx))) break;
    const sz = D.min(left, level.sz);
    taken.push({ px: level.px, sz, n: level.n });
    left = left.minus(sz);
  }
  return taken;
}
