import Decimal from 'decimal.js';
import { getAddress, Interface, Log, toBeHex, zeroPadValue } from 'ethers';
import { dec, Dec, toMoney } from '@conduit/domain';
import { CALLBACKS_ABI, cancelReasonName, TRADING_ABI, tradingInterface } from './abi';
import { CLOSE_ALL_PERCENTAGE, fromUsdc6, RawTrade } from './encoding';

/**
 * Ostium's market-order events, decoded: pure functions over logs and calldata. An order is initiated on Trading
 * (MarketOpenOrderInitiated / MarketCloseOrderInitiated(V2), with its orderId) and settled later by the oracle keeper
 * on the callbacks contract, in events keyed by orderId (or tradeId, the opening orderId) in topic 1.
 */

export const eventsInterface = new Interface([...TRADING_ABI, ...CALLBACKS_ABI]);
const topic = (name: string) => eventsInterface.getEvent(name)!.topicHash;
export const TOPICS = {
  openInitiated: topic('MarketOpenOrderInitiated'),
  closeInitiated: topic('MarketCloseOrderInitiated'),
  closeInitiatedV2: topic('MarketCloseOrderInitiatedV2'),
  openTimeout: topic('MarketOpenTimeoutExecutedV2'),
  closeTimeout: topic('MarketCloseTimeoutExecutedV2'),
  openExecuted: topic('MarketOpenExecuted'),
  openCanceled: topic('MarketOpenCanceled'),
  closeExecuted: topic('MarketCloseExecuted'),
  closeExecutedV2: topic('MarketCloseExecutedV2'),
  closeCanceled: topic('MarketCloseCanceled'),
  devFee: topic('DevFeeCharged'),
  vaultFee: topic('VaultOpeningFeeCharged'),
  oracleFee: topic('OracleFeeCharged'),
  feesCharged: topic('FeesCharged'),
};
/** Every event keyed by orderId (or tradeId = opening orderId) in topic 1 that settles an order. */
export const OUTCOME_TOPICS = [
  TOPICS.openTimeout,
  TOPICS.closeTimeout,
  TOPICS.openExecuted,
  TOPICS.openCanceled,
  TOPICS.closeExecuted,
  TOPICS.closeExecutedV2,
  TOPICS.closeCanceled,
  TOPICS.devFee,
  TOPICS.vaultFee,
  TOPICS.oracleFee,
  TOPICS.feesCharged,
];

export const uintTopic = (v: bigint) => zeroPadValue(toBeHex(v), 32);
export const addressTopic = (a: string) => zeroPadValue(getAddress(a), 32);
export const lc = (a: string | null | undefined) => (a ?? '').toLowerCase();

/** A market order as its initiating event tells it. */
export interface Initiated {
  open: boolean;
  orderId: bigint;
  trader: string;
  pairIndex: number;
  /** The trade being closed (its opening orderId); the order itself for an open. */
  tradeId: bigint;
  closePercentage: number;
  txHash: string;
  blockNumber: number;
}

/** The order a Trading log initiates, or null for any other log. */
export function initiatedFromLog(log: Log, trading: string): Initiated | null {
  if (lc(log.address) !== lc(trading)) return null;
  if (![TOPICS.openInitiated, TOPICS.closeInitiated, TOPICS.closeInitiatedV2].includes(log.topics[0])) return null;
  const parsed = eventsInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return null;
  const open = parsed.name === 'MarketOpenOrderInitiated';
  return {
    open,
    orderId: parsed.args.orderId,
    trader: getAddress(parsed.args.trader),
    pairIndex: Number(parsed.args.pairIndex),
    tradeId: open ? parsed.args.orderId : parsed.args.tradeId,
    closePercentage: parsed.name === 'MarketCloseOrderInitiatedV2' ? Number(parsed.args.closePercentage) : CLOSE_ALL_PERCENTAGE,
    txHash: log.transactionHash,
    blockNumber: log.blockNumber,
  };
}

/** IOstiumTradingStorage.Trade as ethers decodes it (openTrades' result, an event's tuple) → RawTrade. */
export function rawTradeOf(t: {
  collateral: bigint;
  openPrice: bigint;
  tp: bigint;
  sl: bigint;
  trader: string;
  leverage: bigint;
  pairIndex: bigint;
  index: bigint;
  buy: boolean;
}): RawTrade {
  return {
    collateral: t.collateral,
    openPrice: t.openPrice,
    tp: t.tp,
    sl: t.sl,
    trader: t.trader,
    leverage: Number(t.leverage),
    pairIndex: Number(t.pairIndex),
    index: Number(t.index),
    buy: t.buy,
  };
}

/** The (pairIndex, slot) a closeTradeMarket transaction closes, from its calldata (possibly inside delegatedAction). */
export function closedSlotOf(calldata: string): { pairIndex: number; index: number } {
  let call = calldata;
  if (call.slice(0, 10) === tradingInterface.getFunction('delegatedAction')!.selector)
    call = tradingInterface.decodeFunctionData('delegatedAction', call)[1];
  const args = tradingInterface.decodeFunctionData('closeTradeMarket', call);
  return { pairIndex: Number(args[0]), index: Number(args[1]) };
}

/** How the oracle settled an order, as its events say. */
export type Outcome =
  | { kind: 'opened'; trade: RawTrade; fee: Decimal; blockNumber: number }
  | { kind: 'closed'; price: bigint; percentProfit: bigint; percentageClosed: Decimal; fees: Decimal; blockNumber: number }
  | { kind: 'rejected'; error: string };

/**
 * The outcome of `order` in `logs` (its settlement events, by orderId), or null while it is pending. Events of
 * another trader or trade are ignored, so logs matched by topic only (no callbacks address) are safe.
 */
export function decodeOutcome(order: Initiated, logs: Log[]): Outcome | null {
  const events = logs.flatMap((log) => {
    const parsed = eventsInterface.parseLog({ topics: [...log.topics], data: log.data });
    return parsed ? [{ log, parsed }] : [];
  });
  const named = (...names: string[]) => events.filter((e) => names.includes(e.parsed.name));
  const sameTrader = (e: (typeof events)[number]) => lc(e.parsed.args.trader) === lc(order.trader);
  const sum = (list: typeof events, amount: (e: (typeof events)[number]) => Decimal) =>
    list.reduce((total, e) => total.plus(amount(e)), new Dec(0));
  if (order.open) {
    const executed = named('MarketOpenExecuted').find((e) => lc(e.parsed.args.t.trader) === lc(order.trader));
    if (executed) {
      const fee = sum(named('DevFeeCharged', 'VaultOpeningFeeCharged').filter(sameTrader), (e) => fromUsdc6(e.parsed.args.amount));
      return { kind: 'opened', trade: rawTradeOf(executed.parsed.args.t), fee, blockNumber: executed.log.blockNumber };
    }
    const canceled = named('MarketOpenCanceled').find(sameTrader);
    if (canceled) {
      const oracleFee = sum(named('OracleFeeCharged').filter(sameTrader), (e) => fromUsdc6(e.parsed.args.amount));
      const kept = oracleFee.gt(0) ? ` (oracle fee ${toMoney(oracleFee)} USDC kept)` : '';
      const reason = cancelReasonName(canceled.parsed.args.cancelReason);
      return { kind: 'rejected', error: `Ostium canceled the market open: ${reason}; collateral refunded${kept}` };
    }
    if (named('MarketOpenTimeoutExecutedV2').length)
      return { kind: 'rejected', error: 'the market open timed out on Ostium and its collateral was refunded' };
    return null;
  }
  const executed = named('MarketCloseExecutedV2', 'MarketCloseExecuted').find((e) => e.parsed.args.tradeId === order.tradeId);
  if (executed) {
    const a = executed.parsed.args;
    const fees = sum(
      named('FeesCharged').filter((e) => e.parsed.args.tradeId === order.tradeId),
      (e) => fromUsdc6(e.parsed.args.rolloverFees).plus(fromUsdc6(e.parsed.args.fundingFees)),
    );
    return {
      kind: 'closed',
      price: a.price,
      percentProfit: a.percentProfit,
      percentageClosed: executed.parsed.name === 'MarketCloseExecutedV2' ? dec(a.percentageClosed.toString()) : dec(order.closePercentage),
      fees,
      blockNumber: executed.log.blockNumber,
    };
  }
  const canceled = named('MarketCloseCanceled').find(sameTrader);
  if (canceled)
    return {
      kind: 'rejected',
      error: `Ostium canceled the market close: ${cancelReasonName(canceled.parsed.args.cancelReason)}; the trade stays open`,
    };
  if (named('MarketCloseTimeoutExecutedV2').length)
    return { kind: 'rejected', error: 'the market close timed out on Ostium; the trade stays open' };
  return null;
}
