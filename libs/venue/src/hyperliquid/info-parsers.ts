import Decimal from 'decimal.js';
import type { InfoClient } from '@nktkas/hyperliquid';
import { dec, Dec, toMoney } from '@conduit/domain';
import type { AccountState, Fill, MarketInfo, MarketStats, OrderBook, VenuePosition } from '../adapter';

/**
 * Hyperliquid's /info answers as Conduit reads them (pure functions; the adapter does the requests). Checked against
 * recorded answers of the live API (hyperliquid_api/*.json): prices, sizes and money stay decimal strings; integers
 * that some recordings spell as strings (CCXT's fixtures: szDecimals "5", oid "6463065738", time, leverage) are read
 * either way.
 */

type Answer<M extends keyof InfoClient> = InfoClient[M] extends (...args: any[]) => Promise<infer R> ? R : never;

/** Hyperliquid's minimum order value in USD. */
const MIN_ORDER_USD = '10';

export interface PerpListing {
  index: number;
  szDecimals: number;
  maxLeverage: number;
  delisted: boolean;
  /** Isolated margin only (onlyIsolated, marginMode strictIsolated / noCross): its leverage is set with isCross false. */
  isolatedOnly: boolean;
}

/** The perp universe of `meta`, in asset-index order. */
export function parseUniverse(meta: Answer<'meta'>): { byName: Map<string, PerpListing>; list: MarketInfo[] } {
  const byName = new Map<string, PerpListing>();
  const list: MarketInfo[] = [];
  meta.universe.forEach((u, index) => {
    const szDecimals = Number(u.szDecimals);
    const maxLeverage = Number(u.maxLeverage);
    const delisted = u.isDelisted === true;
    const isolatedOnly = u.onlyIsolated === true || u.marginMode === 'strictIsolated' || u.marginMode === 'noCross';
    byName.set(u.name, { index, szDecimals, maxLeverage, delisted, isolatedOnly });
    list.push({
      symbol: u.name,
      index,
      pair: `${u.name}-USD`,
      szDecimals,
      maxLeverage,
      minSize: new Dec(10).pow(-szDecimals).toFixed(),
      minNotionalUsd: MIN_ORDER_USD,
      active: !delisted,
    });
  });
  return { byName, list };
}

/** Mids of the listed perps (allMids also names spot pairs, "@107", and HIP-3 coins). */
export function parseMids(mids: Answer<'allMids'>, listed: (coin: string) => boolean): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const [coin, px] of Object.entries(mids)) if (listed(coin)) out.set(coin, dec(px as string));
  return out;
}

/**
 * Funding (the hourly rate) and open interest (base units) of each perp of a metaAndAssetCtxs answer, whose contexts
 * are in the order of its own universe; the USD open interest is that size at the context's mark.
 */
export function parseAssetContexts([meta, contexts]: Answer<'metaAndAssetCtxs'>): MarketStats[] {
  return meta.universe.slice(0, contexts.length).map((u, i) => {
    const ctx = contexts[i];
    const mark = ctx.markPx ?? null;
    return {
      symbol: u.name,
      fundingRate: ctx.funding,
      openInterest: ctx.openInterest,
      mark,
      openInterestUsd: mark === null ? null : dec(ctx.openInterest).mul(mark).toFixed(),
    };
  });
}

export function parseBook(symbol: string, book: Answer<'l2Book'>, depth: number): OrderBook {
  if (!book) return { symbol, bids: [], asks: [], time: Date.now() };
  const side = (levels: readonly { px: string; sz: string }[]) => levels.slice(0, depth).map((l) => ({ price: l.px, size: l.sz }));
  return { symbol, bids: side(book.levels[0]), asks: side(book.levels[1]), time: Number(book.time) };
}

export function parseAccountState(state: Answer<'clearinghouseState'>): AccountState {
  return { equity: toMoney(state.marginSummary.accountValue), freeCollateral: toMoney(state.withdrawable) };
}

/** Non-zero positions; szi is signed (negative = short). */
export function parsePositions(state: Answer<'clearinghouseState'>): VenuePosition[] {
  return state.assetPositions
    .map(({ position: p }) => ({ p, szi: dec(p.szi) }))
    .filter(({ szi }) => !szi.isZero())
    .map(({ p, szi }) => ({
      symbol: p.coin,
      side: szi.isNeg() ? 'SHORT' : 'LONG',
      qty: toMoney(szi.abs()),
      entryPrice: p.entryPx ?? null,
      unrealizedPnl: p.unrealizedPnl ?? null,
      leverage: p.leverage?.value != null ? Number(p.leverage.value) : null,
    }));
}

type UserFill = Answer<'userFills'>[number];

/**
 * A coin of the first perp dex: spot fills name "@<index>" or "PURR/USDC", HIP-3 dexes "<dex>:<coin>"; the fills feed
 * carries all of them.
 */
export function isPerpCoin(coin: string): boolean {
  return !/[:/@]/.test(coin);
}

/**
 * The account's perp fills (spot and HIP-3 fills left out). A fill the liquidation engine made carries `liquidation`
 * ({liquidatedUser, markPx, method: market | backstop}, as recorded in CCXT's userFills fixture).
 */
export function parseFills(fills: readonly UserFill[]): Fill[] {
  return fills
    .filter((f) => isPerpCoin(f.coin))
    .map((f) => ({
      symbol: f.coin,
      side: f.side === 'B' ? 'BUY' : 'SELL',
      qty: f.sz,
      price: f.px,
      fee: f.fee,
      closedPnl: f.closedPnl,
      time: Number(f.time),
      clientOrderId: f.cloid ?? null,
      venueOrderId: String(f.oid),
      liquidation: f.liquidation
        ? {
            liquidatedUser: f.liquidation.liquidatedUser?.toLowerCase() ?? null,
            markPrice: f.liquidation.markPx,
            method: f.liquidation.method,
          }
        : null,
    }));
}

/** Size, notional and fees of one order's fills. */
export function orderFills(fills: readonly UserFill[], oid: number | string): { qty: Decimal; notional: Decimal; fee: Decimal } {
  let qty = new Dec(0);
  let notional = new Dec(0);
  let fee = new Dec(0);
  for (const f of fills) {
    if (String(f.oid) !== String(oid)) continue;
    qty = qty.plus(f.sz);
    notional = notional.plus(dec(f.sz).mul(f.px));
    fee = fee.plus(f.fee);
  }
  return { qty, notional, fee };
}

/** What an order executed by its own account (orderStatus): original size less the size left. */
export function executedSize(order: { origSz: string; sz: string }): Decimal {
  return dec(order.origSz).minus(order.sz);
}
