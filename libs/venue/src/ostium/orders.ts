import Decimal from 'decimal.js';
import { getAddress } from 'ethers';
import { dec, toMoney } from '@conduit/domain';
import { OrderRequest, OrderResult } from '../adapter';
import { tradingInterface } from './abi';
import { MIN_OPEN_SIZE_USD, OstiumMarketDef, USDC_DECIMALS } from './constants';
import {
  assertSlippageP,
  bpsToSlippageP,
  CLOSE_ALL_PERCENTAGE,
  fromUsdc6,
  NO_BUILDER,
  RawBuilderFee,
  RawTrade,
  toBuilderFee,
  toCollateral6,
  toLeverage2,
  toPrice18,
} from './encoding';
import { lc } from './events';
import { pairPrice } from './market-units';
import { describe } from './rpc-errors';

export function pending(clientOrderId: string, venueOrderId: string): OrderResult {
  return { clientOrderId, status: 'PENDING', filledQty: '0', avgPrice: null, fee: '0', venueOrderId };
}

export function rejected(clientOrderId: string, error: string, venueOrderId: string | null = null): OrderResult {
  return { clientOrderId, status: 'REJECTED', filledQty: '0', avgPrice: null, fee: '0', venueOrderId, error };
}

/** An open as the contract takes it, or why it cannot be sent. */
export type OpenPlan = { trade: RawTrade; builder: RawBuilderFee; slippageP: number } | { error: string };

/**
 * The openTrade arguments of an order (pure): collateral = qty × reference ÷ leverage (the SDK's encodings), at least
 * Ostium's minimum position, TP/SL and the reference in pair prices, long/short on the pair.
 */
export function planOpen(
  order: OrderRequest,
  market: OstiumMarketDef,
  reference: Decimal,
  defaults: { leverage?: number; builder?: { address: string; feePercent: string } | null },
): OpenPlan {
  try {
    const leverage = toLeverage2(order.leverage ?? defaults.leverage ?? 2);
    const slippageP = bpsToSlippageP(order.maxSlippageBps);
    assertSlippageP(slippageP);
    const collateral = toCollateral6(dec(order.qty).mul(reference).mul(100).div(leverage));
    const size = fromUsdc6(collateral).mul(leverage).div(100);
    if (size.lt(MIN_OPEN_SIZE_USD))
      return { error: `position of ${toMoney(size)} USD is below Ostium's minimum of ${MIN_OPEN_SIZE_USD} USD` };
    const level = (v: string | null | undefined) => (v == null || dec(v).isZero() ? 0n : toPrice18(pairPrice(market, dec(v))));
    const trade: RawTrade = {
      collateral,
      openPrice: toPrice18(pairPrice(market, reference)),
      tp: level(order.takeProfit),
      sl: level(order.stopLoss),
      trader: getAddress(order.account.address),
      leverage,
      pairIndex: market.id,
      index: 0,
      buy: (order.side === 'BUY') !== market.inverted,
    };
    const builder = defaults.builder
      ? { builder: getAddress(defaults.builder.address), builderFee: toBuilderFee(defaults.builder.feePercent) }
      : NO_BUILDER;
    return { trade, builder, slippageP };
  } catch (err) {
    return { error: `cannot encode the order: ${describe(err)}` };
  }
}

/** Why the trader cannot fund the trade's collateral (allowance to TradingStorage, then balance), or null. */
export function collateralShortfall(trade: RawTrade, balance6: bigint, allowance6: bigint, storage: string): string | null {
  const need = fromUsdc6(trade.collateral).toFixed(USDC_DECIMALS);
  if (allowance6 < trade.collateral)
    return (
      `USDC allowance of ${trade.trader} to Ostium TradingStorage ${storage} is ` +
      `${fromUsdc6(allowance6).toFixed(USDC_DECIMALS)}, the order needs ${need}: the trader must approve it`
    );
  if (balance6 < trade.collateral)
    return `USDC balance of ${trade.trader} is ${fromUsdc6(balance6).toFixed(USDC_DECIMALS)}, the order needs ${need} of collateral`;
  return null;
}

/** closeTradeMarket of the whole trade in `slot`, bounded by the slippage from the mark; or why it cannot be sent. */
export function planClose(
  market: OstiumMarketDef,
  slot: number,
  mark: Decimal,
  maxSlippageBps: string,
): { call: string } | { error: string } {
  try {
    const slippageP = bpsToSlippageP(maxSlippageBps);
    assertSlippageP(slippageP);
    const args = [market.id, slot, CLOSE_ALL_PERCENTAGE, toPrice18(pairPrice(market, mark)), slippageP];
    return { call: tradingInterface.encodeFunctionData('closeTradeMarket', args) };
  } catch (err) {
    return { error: `cannot encode the close: ${describe(err)}` };
  }
}

/** How many submitted orders are remembered (client order id → transaction hash, close details). */
const MEMORY = 10_000;

/** The orders this process sent: their transaction by client order id, and the trade each close closes. */
export class SubmittedOrders {
  private readonly hashes = new Map<string, string>();
  private readonly closing = new Map<string, RawTrade>();

  hashOf(clientOrderId: string): string | undefined {
    return this.hashes.get(clientOrderId);
  }

  /** The trade a close transaction closes, as it was when sent. */
  closedBy(hash: string): RawTrade | undefined {
    return this.closing.get(lc(hash));
  }

  remember(clientOrderId: string, hash: string, closing?: RawTrade): void {
    this.hashes.set(clientOrderId, hash);
    if (closing) this.closing.set(lc(hash), closing);
    for (const map of [this.hashes, this.closing] as Map<string, unknown>[]) if (map.size > MEMORY) map.delete(map.keys().next().value!);
  }

  forget(clientOrderId: string): void {
    this.hashes.delete(clientOrderId);
  }
}
