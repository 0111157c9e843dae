import Decimal from 'decimal.js';
import { dec, Dec } from '@conduit/domain';
import { PositionSide } from '../adapter';
import { acceptablePrice, GmxRouterCall, parseExactUnits, priceToGmx, usdToGmx30 } from './encoding';
import { GmxNetwork } from './onboarding';
import { GmxMarket, RawGmxPosition } from './settlement';
import { encodeSubaccountDecreaseOrder, encodeSubaccountIncreaseOrder } from './subaccount';

/** An order's calldata and what it will cost the account, or why it cannot be sent (pure). */
export type GmxPlan = { call: GmxRouterCall; collateral6: bigint; sizeUsd: string } | { error: string };

export interface PlanContext {
  net: GmxNetwork;
  account: string;
  market: GmxMarket;
  executionFee: bigint;
  referralCode?: string;
}

/** Whole basis points from a decimal string, rounded down (a tighter bound than asked, never a looser one). */
export function wholeBps(bps: string): number | null {
  const d = dec(bps);
  if (!d.isFinite() || d.lt(0) || d.gte(10_000)) return null;
  return d.floor().toNumber();
}

/** A price as GMX takes it: USD per whole token at 30 − decimals places, truncated to what the unit holds. */
export function gmxPrice(price: Decimal, market: GmxMarket): bigint {
  return priceToGmx(price.toDecimalPlaces(30 - market.indexDecimals, Decimal.ROUND_DOWN).toFixed(), market.indexDecimals);
}

/**
 * MarketIncrease for `qty` at `reference`: size = qty × reference USD (30 decimals), collateral = size ÷ leverage USDC
 * rounded up to USDC's 6 decimals (so the leverage is never above the one asked), acceptable price the
 * reference widened by the slippage against the trader.
 */
export function planIncrease(
  ctx: PlanContext,
  side: PositionSide,
  qty: Decimal,
  reference: Decimal,
  leverage: number,
  slippageBps: string,
): GmxPlan {
  const bps = wholeBps(slippageBps);
  if (bps === null) return { error: `slippage must be in [0, 10000) bps, got ${slippageBps}` };
  const size = qty.mul(reference).toDecimalPlaces(30, Decimal.ROUND_DOWN);
  const collateral = size.div(leverage).toDecimalPlaces(6, Decimal.ROUND_UP);
  if (collateral.lte(0)) return { error: 'order too small: no collateral' };
  const collateral6 = parseExactUnits(collateral.toFixed(), 6, 'collateral');
  const call = encodeSubaccountIncreaseOrder(ctx.account, {
    orderVault: ctx.net.orderVault,
    receiver: ctx.account,
    market: ctx.market.marketToken,
    collateralToken: ctx.net.usdc,
    sizeDeltaUsd: usdToGmx30(size.toFixed()),
    acceptablePrice: acceptablePrice(gmxPrice(reference, ctx.market), side, bps, true),
    executionFee: ctx.executionFee,
    isLong: side === 'LONG',
    collateralAmount: collateral6,
    referralCode: ctx.referralCode,
  });
  return { call, collateral6, sizeUsd: size.toFixed() };
}

/** MarketDecrease of `sizeUsd30` of the position (all of it on a close): collateral stays with the position unless closed. */
export function planDecrease(ctx: PlanContext, position: RawGmxPosition, sizeUsd30: bigint, mark: Decimal, slippageBps: string): GmxPlan {
  const bps = wholeBps(slippageBps);
  if (bps === null) return { error: `slippage must be in [0, 10000) bps, got ${slippageBps}` };
  const side: PositionSide = position.isLong ? 'LONG' : 'SHORT';
  const call = encodeSubaccountDecreaseOrder(ctx.account, {
    orderVault: ctx.net.orderVault,
    receiver: ctx.account,
    market: ctx.market.marketToken,
    collateralToken: position.collateralToken,
    sizeDeltaUsd: sizeUsd30,
    acceptablePrice: acceptablePrice(gmxPrice(mark, ctx.market), side, bps, false),
    executionFee: ctx.executionFee,
    isLong: position.isLong,
    referralCode: ctx.referralCode,
  });
  return { call, collateral6: 0n, sizeUsd: new Dec(sizeUsd30.toString()).div(new Dec(10).pow(30)).toFixed() };
}

/**
 * The USD size (30 decimals) of a decrease that reduces `position` by `qty` tokens. GMX sizes a position in USD at its
 * entry, so the share of the position's sizeInUsd, never qty × today's price (which, the price having moved against a
 * short's entry or a long's, would decrease only part of it). A quantity within one unit of the 8 places Conduit
 * keeps of the position's tokens is the whole position (its sizeInUsd, nothing left open).
 */
export function decreaseSizeUsd(position: RawGmxPosition, qty: Decimal, indexDecimals: number): bigint {
  const units = BigInt(qty.mul(new Dec(10).pow(indexDecimals)).toFixed(0, Decimal.ROUND_DOWN));
  const slack = indexDecimals > 8 ? 10n ** BigInt(indexDecimals - 8) : 0n;
  if (units + slack >= position.sizeInTokens) return position.sizeInUsd;
  return (position.sizeInUsd * units) / position.sizeInTokens;
}
