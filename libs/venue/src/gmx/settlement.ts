import Decimal from 'decimal.js';
import { Dec } from '@conduit/domain';
import { OrderSide, VenuePosition } from '../adapter';
import { GmxOrderType } from './abi';
import { explainGmxRevert } from './contracts-abi';
import { priceFromGmx } from './encoding';
import { GmxEvent } from './events';

/**
 * An order's outcome from GMX's events, in Conduit's terms (pure). Units: USD at 30 decimals, prices per unit of the
 * index token at 30 − decimals, collateral in USDC units; the results are exact decimal strings.
 */

/** A listed market as the adapter keeps it. */
export interface GmxMarket {
  symbol: string;
  index: number;
  marketToken: string;
  indexToken: string;
  indexDecimals: number;
  /** The pool's long and short tokens (open interest is kept per collateral token). */
  longToken: string;
  shortToken: string;
}

export type GmxOutcome =
  | { status: 'FILLED'; side: OrderSide; qty: string; price: string; fee: string; closedPnl: string; blockNumber: number }
  | { status: 'REJECTED'; error: string; userCancel: boolean }
  | null;

const E30 = new Dec(10).pow(30);

/** USD at 30 decimals (signed) → decimal string. */
export function usdFromGmx30(value: bigint): string {
  return new Dec(value.toString()).div(E30).toFixed();
}

/** Token units → whole tokens. */
export function tokensFrom(value: bigint, decimals: number): string {
  return new Dec(value.toString()).div(new Dec(10).pow(decimals)).toFixed();
}

/** The fee of an execution in USD: PositionFeesCollected.totalCostAmount (position + borrowing + funding…) × collateral price. */
export function feeUsd(fees: GmxEvent | undefined): string {
  if (!fees) return '0';
  const u = fees.items.uint;
  return new Dec((u.totalCostAmount ?? 0n).toString())
    .mul((u['collateralTokenPrice.min'] ?? 0n).toString())
    .div(E30)
    .toFixed();
}

/** What the events of one order (its key) say: filled, refused (cancelled or frozen), or nothing yet. */
export function outcomeOf(key: string, events: GmxEvent[], market: GmxMarket): GmxOutcome {
  const k = key.toLowerCase();
  const mine = events.filter((e) => e.topic1.toLowerCase() === k || e.items.bytes32.orderKey?.toLowerCase() === k);
  const cancelled = mine.find((e) => e.name === 'OrderCancelled');
  const frozen = mine.find((e) => e.name === 'OrderFrozen');
  const executed = mine.find((e) => e.name === 'OrderExecuted');
  if (executed) {
    const position = mine.find((e) => e.name === 'PositionIncrease' || e.name === 'PositionDecrease');
    if (!position) throw new Error(`GMX order ${key} executed without a position event`);
    const fees = mine.find((e) => e.name === 'PositionFeesCollected');
    const increase = position.name === 'PositionIncrease';
    const isLong = position.items.bool.isLong;
    const side: OrderSide = isLong === increase ? 'BUY' : 'SELL';
    return {
      status: 'FILLED',
      side,
      qty: tokensFrom(position.items.uint.sizeDeltaInTokens, market.indexDecimals),
      price: priceFromGmx(position.items.uint.executionPrice, market.indexDecimals),
      fee: feeUsd(fees),
      closedPnl: increase ? '0' : usdFromGmx30(position.items.int.basePnlUsd ?? 0n),
      blockNumber: position.blockNumber,
    };
  }
  const reasonOf = (e: GmxEvent) => e.items.string.reason || explainGmxRevert(e.items.bytes.reasonBytes ?? '0x');
  // Frozen first, then cancelled by its account (releaseOrder): the keeper's reason is the refusal's.
  if (frozen && cancelled)
    return {
      status: 'REJECTED',
      error: `GMX froze the order: ${reasonOf(frozen)}; it was cancelled on chain and its collateral refunded`,
      userCancel: false,
    };
  const refusal = cancelled ?? frozen;
  if (refusal) {
    const reason = reasonOf(refusal);
    const userCancel = reason === 'USER_INITIATED_CANCEL';
    const what = cancelled ? 'GMX cancelled the order' : 'GMX froze the order';
    return { status: 'REJECTED', error: `${what}: ${reason}`, userCancel };
  }
  return null;
}

/** Whether the order in an OrderCreated event increases a position. */
export function isIncrease(created: GmxEvent): boolean {
  return Number(created.items.uint.orderType) === GmxOrderType.MarketIncrease;
}

export interface RawGmxPosition {
  market: string;
  collateralToken: string;
  isLong: boolean;
  sizeInUsd: bigint;
  sizeInTokens: bigint;
  collateralAmount: bigint;
}

/** A GMX position in Conduit's terms: qty in tokens, entry = size USD / tokens, PnL and leverage at the mark. */
export function positionOf(market: GmxMarket, p: RawGmxPosition, mark: Decimal | null): VenuePosition {
  const qty = new Dec(tokensFrom(p.sizeInTokens, market.indexDecimals));
  const size = new Dec(usdFromGmx30(p.sizeInUsd));
  const collateral = new Dec(p.collateralAmount.toString()).div(1e6);
  const pnl = mark ? (p.isLong ? qty.mul(mark).minus(size) : size.minus(qty.mul(mark))) : null;
  return {
    symbol: market.symbol,
    side: p.isLong ? 'LONG' : 'SHORT',
    qty: qty.toFixed(),
    entryPrice: qty.gt(0) ? size.div(qty).toDecimalPlaces(12).toFixed() : null,
    unrealizedPnl: pnl ? pnl.toDecimalPlaces(6).toFixed() : null,
    leverage: collateral.gt(0) ? size.div(collateral).toDecimalPlaces(2).toNumber() : null,
  };
}
