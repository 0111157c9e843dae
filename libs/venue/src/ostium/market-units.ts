import Decimal from 'decimal.js';
import { dec, Dec } from '@conduit/domain';
import { OrderBook, PositionSide } from '../adapter';
import { ostiumMarket, OstiumMarketDef } from './constants';

/** Decimals of a base quantity: sizes derive from 6-decimal USDC collateral (notional / price). */
export const SZ_DECIMALS = 6;

/** A price in Conduit's terms (USD per symbol) → the pair's price. */
export function pairPrice(m: OstiumMarketDef, price: Decimal): Decimal {
  return m.inverted ? new Dec(1).div(price) : price;
}

/** A pair price → USD per symbol (inverting is its own inverse). */
export const symbolPrice = pairPrice;

/** Base quantity of the symbol for a USD notional at a pair price. */
export function baseQty(m: OstiumMarketDef, notionalUsd: Decimal, price: Decimal): Decimal {
  return (m.inverted ? notionalUsd.mul(price) : notionalUsd.div(price)).toDecimalPlaces(SZ_DECIMALS, Decimal.ROUND_DOWN);
}

/** A long on the pair is a long on the symbol, unless the pair is inverted (LONG JPY = SHORT USD-JPY). */
export function sideOf(m: OstiumMarketDef, buy: boolean): PositionSide {
  return buy !== m.inverted ? 'LONG' : 'SHORT';
}

/** The markets of a pair list, by pairIndex and by symbol (an active pair wins a symbol over an inactive one). */
export class OstiumMarkets {
  readonly list: OstiumMarketDef[];
  private readonly byId = new Map<number, OstiumMarketDef>();
  private readonly bySymbol = new Map<string, OstiumMarketDef>();

  constructor(pairs: readonly Parameters<typeof ostiumMarket>[0][]) {
    this.list = pairs.map(ostiumMarket);
    for (const m of this.list) {
      this.byId.set(m.id, m);
      const known = this.bySymbol.get(m.symbol);
      if (!known || (!known.active && m.active)) this.bySymbol.set(m.symbol, m);
    }
  }

  get active(): OstiumMarketDef[] {
    return this.list.filter((m) => m.active);
  }

  symbol(symbol: string): OstiumMarketDef | undefined {
    return this.bySymbol.get(symbol);
  }

  /** The market of a pairIndex; a placeholder when the list does not have it (a pair added on chain since). */
  pair(pairIndex: number): OstiumMarketDef {
    return (
      this.byId.get(pairIndex) ??
      ostiumMarket({
        id: pairIndex,
        pair: `PAIR${pairIndex}-USD`,
        from: `PAIR${pairIndex}`,
        to: 'USD',
        category: 'crypto',
        maxLeverage: 1,
        source: 'third-party-1',
      })
    );
  }
}

/** Size of each level of the synthetic book, in USD. */
const SYNTHETIC_LEVEL_USD = '1000000';

/**
 * Ostium has no order book: trades execute at the oracle price (plus the pair's spread/price impact). This is a
 * synthetic deep book around the mark (± spreadBps per level, $1M a level) so that routing sees negligible depth impact.
 */
export function syntheticBook(symbol: string, mark: Decimal, depth: number, spreadBps: string): OrderBook {
  const step = dec(spreadBps).div(10_000);
  const level = (i: number, sign: 1 | -1) => {
    const price = mark.mul(new Dec(1).plus(step.mul(i + 1).mul(sign)));
    return {
      price: price.toDecimalPlaces(8).toFixed(),
      size: dec(SYNTHETIC_LEVEL_USD).div(price).toDecimalPlaces(SZ_DECIMALS, Decimal.ROUND_DOWN).toFixed(),
    };
  };
  const n = Math.max(1, depth);
  return {
    symbol,
    bids: Array.from({ length: n }, (_, i) => level(i, -1)),
    asks: Array.from({ length: n }, (_, i) => level(i, 1)),
    time: Date.now(),
  };
}
