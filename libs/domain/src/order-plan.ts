import { clientOrderId } from './ids';
import { dec, DecimalLike, toMoney } from './money';
import { riskLevels, RiskModel, Side, SizeModel, sizePosition } from './trading';

/** What a venue lists for a market that an order must respect. */
export interface MarketRules {
  /** Decimal places of an order size (Hyperliquid szDecimals); 8 when unknown. */
  sizeDecimals: number;
  /** Smallest notional in USD, if the venue has one. */
  minNotional: DecimalLike | null;
  /** The market's maximum leverage; 1 when unknown. */
  maxLeverage: number | null;
}

export interface OpenRequest {
  deploymentId: string;
  signalId: string;
  side: Side;
  sizeModel: SizeModel;
  riskModel: RiskModel;
  /** The venue's mark the order is sized and bounded at. */
  mark: DecimalLike;
  /** Equity a percentage size is taken of. */
  equity: DecimalLike;
  market: MarketRules;
}

/** The order that opens a position: everything the executor sends, decided before any I/O. */
export interface OpenPlan {
  clientOrderId: string;
  orderSide: 'BUY' | 'SELL';
  qty: string;
  leverage: number;
  referencePrice: string;
  /** Protective levels at the mark, sent with the order where the venue takes them (Ostium). */
  takeProfit: string | null;
  stopLoss: string | null;
}

/** The signal's leverage within [1, the market's maximum]. */
export function clampLeverage(wanted: number | string | null | undefined, marketMax: number | null | undefined): number {
  const max = Number(marketMax ?? 1) || 1;
  return Math.max(1, Math.min(Number(wanted ?? 1), max));
}

/**
 * Plans the open of one signal × deployment: size from the size model and equity (floored to the market's size
 * decimals, at least its minimum notional), leverage clamped to the market's, stop and take-profit levels at the
 * mark, and the deterministic client order id. Throws a DomainError when the size rounds to nothing or equity is short.
 */
export function planOpen(r: OpenRequest): OpenPlan {
  // The notional is the margin times the leverage the venue allows, never the signal's when the market's is lower
  // (SPOT's is 1: a 3x signal buys its margin's worth, not three times it).
  const leverage = clampLeverage(r.sizeModel.leverage, r.market.maxLeverage);
  const size = sizePosition({
    equity: r.equity,
    sizeModel: { ...r.sizeModel, leverage },
    price: r.mark,
    sizeDecimals: r.market.sizeDecimals,
    minNotional: r.market.minNotional,
  });
  const wanted = riskLevels(r.side, r.mark, r.riskModel);
  return {
    clientOrderId: clientOrderId(r.deploymentId, r.signalId, 'open'),
    orderSide: orderSide(r.side, false),
    qty: toMoney(size.qty),
    leverage,
    referencePrice: dec(r.mark).toString(),
    takeProfit: wanted.takeProfit ? toMoney(wanted.takeProfit) : null,
    stopLoss: wanted.stopLoss ? toMoney(wanted.stopLoss) : null,
  };
}

/** The order that closes a position: the opposite side, reduce-only, for its whole size. */
export function planClose(p: { deploymentId: string; signalId: string; side: Side; qty: string }) {
  return { clientOrderId: clientOrderId(p.deploymentId, p.signalId, 'close'), orderSide: orderSide(p.side, true), qty: p.qty };
}

/** BUY opens a LONG and closes a SHORT. */
export function orderSide(side: Side, closing: boolean): 'BUY' | 'SELL' {
  return (side === 'LONG') !== closing ? 'BUY' : 'SELL';
}

/** A position's stop loss, take profit and trailing state for an entry at `entry`, as money strings. */
export function positionLevels(side: Side, entry: DecimalLike, riskModel: RiskModel) {
  const levels = riskLevels(side, entry, riskModel);
  return {
    stopLoss: levels.stopLoss ? toMoney(levels.stopLoss) : null,
    takeProfit: levels.takeProfit ? toMoney(levels.takeProfit) : null,
    trailingParams: levels.trailingParams,
  };
}
