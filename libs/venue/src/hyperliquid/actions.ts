import Decimal from 'decimal.js';
import { formatPrice, formatSize } from '@nktkas/hyperliquid/utils';
import { dec, Dec } from '@conduit/domain';

/**
 * The L1 actions the Hyperliquid adapter signs, built as plain objects exactly as they are hashed: key order is the
 * msgpack map order (a, b, p, s, r, t, c; type, orders, grouping, builder), numbers on the wire are decimal strings
 * without exponent or trailing zeros, hex strings are lowercase. The adapter hands these to the SDK unchanged.
 */

export type Hex = `0x${string}`;
/** Prices, sizes and bps as decimals or decimal strings, never JS numbers. */
export type DecimalText = Decimal | string;
export type Tif = 'Ioc' | 'Gtc' | 'Alo';

// Type aliases, not interfaces: an action is also a plain Record<string, unknown> for the SDK's signing functions.
export type OrderWire = {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit: { tif: Tif } };
  c?: Hex;
};

export type OrderAction = {
  type: 'order';
  orders: OrderWire[];
  grouping: 'na';
  builder?: { b: Hex; f: number };
};

export type UpdateLeverageAction = {
  type: 'updateLeverage';
  asset: number;
  isCross: boolean;
  leverage: number;
};

/** A perp market as orders address it: its asset index and its lot size. */
export interface PerpMarket {
  index: number;
  szDecimals: number;
}

/** Builder fee: the builder's address and the fee in tenths of a basis point, as Hyperliquid counts it. */
export interface BuilderFee {
  address: string;
  fee: number;
}

/** A perp price on Hyperliquid's tick: 5 significant figures and at most 6 − szDecimals decimals (truncated), integers always. */
export function wirePrice(price: DecimalText, szDecimals: number): string {
  return formatPrice(dec(price).toFixed(), szDecimals, 'perp');
}

/** A size on the market's lot: at most szDecimals decimals, truncated (a size is never rounded up). */
export function wireSize(size: DecimalText, szDecimals: number): string {
  return formatSize(dec(size).toFixed(), szDecimals);
}

/**
 * The IOC limit of a market order: reference ± slippage, then the price rule. Truncation tightens a buy's bound and
 * loosens a sell's by less than one tick.
 */
export function limitPrice(reference: DecimalText, side: 'BUY' | 'SELL', maxSlippageBps: DecimalText, szDecimals: number): string {
  const factor = new Dec(1).plus(
    dec(maxSlippageBps)
      .div(10_000)
      .mul(side === 'BUY' ? 1 : -1),
  );
  return wirePrice(dec(reference).mul(factor), szDecimals);
}

/** One order of an `order` action: limit price and size on the market's tick and lot, the cloid when there is one. */
export function orderWire(
  market: PerpMarket,
  o: { isBuy: boolean; price: DecimalText; size: DecimalText; reduceOnly: boolean; tif?: Tif; cloid?: string | null },
): OrderWire {
  return {
    a: market.index,
    b: o.isBuy,
    p: wirePrice(o.price, market.szDecimals),
    s: wireSize(o.size, market.szDecimals),
    r: o.reduceOnly,
    t: { limit: { tif: o.tif ?? 'Ioc' } },
    ...(o.cloid ? { c: o.cloid.toLowerCase() as Hex } : {}),
  };
}

/** The `order` action (grouping 'na'), with the builder fee when one is configured. */
export function orderAction(orders: OrderWire[], builder?: BuilderFee | null): OrderAction {
  return {
    type: 'order',
    orders,
    grouping: 'na',
    ...(builder ? { builder: { b: builder.address.toLowerCase() as Hex, f: builder.fee } } : {}),
  };
}

/**
 * A market order as Conduit sends it: one IOC limit order at the reference price ± the slippage bound, its size on the
 * lot, reduce-only for a close, under the deterministic cloid.
 */
export function marketOrderAction(
  market: PerpMarket,
  o: {
    side: 'BUY' | 'SELL';
    qty: DecimalText;
    reference: DecimalText;
    maxSlippageBps: DecimalText;
    reduceOnly: boolean;
    cloid?: string | null;
  },
  builder?: BuilderFee | null,
): OrderAction {
  const price = limitPrice(o.reference, o.side, o.maxSlippageBps, market.szDecimals);
  const wire = orderWire(market, { isBuy: o.side === 'BUY', price, size: o.qty, reduceOnly: o.reduceOnly, cloid: o.cloid });
  return orderAction([wire], builder);
}

/** Leverage of one asset, cross margin unless the market only allows isolated. */
export function updateLeverageAction(market: PerpMarket, leverage: number, isCross = true): UpdateLeverageAction {
  return { type: 'updateLeverage', asset: market.index, isCross, leverage };
}

/** The action's fields without `type`: what the SDK's ExchangeClient methods take (they add `type` back first). */
export function sdkParams<A extends { type: string }>(action: A): Omit<A, 'type'> {
  const { type: _type, ...params } = action;
  return params;
}
