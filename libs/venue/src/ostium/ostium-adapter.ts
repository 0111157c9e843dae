import Decimal from 'decimal.js';
import {
  encodeBytes32String,
  getAddress,
  Interface,
  isHexString,
  JsonRpcProvider,
  Log,
  Network,
  toBeHex,
  Transaction,
  TransactionReceipt,
  TransactionRequest,
  Wallet,
  ZeroAddress,
  zeroPadValue,
} from 'ethers';
import { dec, Dec, toMoney } from '@conduit/domain';
import {
  AccountState,
  FeeSchedule,
  Fill,
  MarketInfo,
  OrderBook,
  OrderRef,
  OrderRequest,
  OrderResult,
  PositionSide,
  TradingAccount,
  VenueAdapter,
  VenueHealth,
  VenuePosition,
} from '../adapter';
import { PriceSource } from '../price-source';
import {
  CALLBACKS_ABI,
  cancelReasonName,
  erc20Interface,
  explainRevert,
  OstiumOrderType,
  registryInterface,
  storageInterface,
  TRADING_ABI,
  tradingInterface,
} from './abi';
import { MIN_OPEN_SIZE_USD, OSTIUM_PAIRS, ostiumMarket, OstiumMarketDef, OstiumPair, USDC_DECIMALS } from './constants';
import {
  assertSlippageP,
  bpsToSlippageP,
  CLOSE_ALL_PERCENTAGE,
  encodeApprove,
  encodeDelegatedAction,
  encodeOpenTradeRaw,
  encodeSetDelegate,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  NO_BUILDER,
  RawBuilderFee,
  toBuilderFee,
  toCollateral6,
  toLeverage2,
  toPrice18,
  toUsdc6,
} from './encoding';

export interface OstiumAdapterOptions {
  /** Arbitrum JSON-RPC endpoint (or a local chain in tests). */
  rpcUrl: string;
  /** 42161 (Arbitrum One) or 421614 (Arbitrum Sepolia); the provider never asks the endpoint. */
  chainId: number;
  tradingAddress: string;
  storageAddress: string;
  usdcAddress: string;
  /** Where marks come from (Ostium prices are oracle prices; never hard-coded here). */
  prices: PriceSource;
  /** A market order the oracle has not filled this long after its block is reported REJECTED. Default 60 s. */
  fillTimeoutMs?: number;
  /** Leverage of an order that names none. Default 2. */
  defaultLeverage?: number;
  /** Opening fee estimate for routing, in bps of the position (fills carry the real fee). Default 10. */
  takerFeeBps?: string;
  /**
   * The contract that emits the execution events (OstiumTradingCallbacks). When unset it is read from Trading's
   * registry (`registry().getContractAddress("callbacks")`); if that fails, logs are matched by topic and checked
   * against the trader instead of by address.
   */
  callbacksAddress?: string;
  /** The pairs to trade (e.g. a list verified against the subgraph); default OSTIUM_PAIRS. */
  pairs?: readonly OstiumPair[];
  /** Builder fee, off unless given (percent, e.g. '0.05'; the SDK caps it at 0.5 %). */
  builder?: { address: string; feePercent: string } | null;
  /** Half-spread of the synthetic order book, in bps. Default 1. */
  syntheticSpreadBps?: string;
  /** Largest block range of one eth_getLogs (fills()). Default 50,000. */
  logChunkBlocks?: number;
  /** How far back fills() looks when given no start time, and the lower bound of its block estimate. Default 500,000. */
  logLookbackBlocks?: number;
  /** Shortest block time of the chain, to turn a time into a block number (Arbitrum: 250 ms). */
  minBlockTimeMs?: number;
  /** JSON-RPC request timeout. Default 10 s. */
  rpcTimeoutMs?: number;
}

/** A transaction the user signs with their own wallet (Conduit never holds the master key). */
export interface OstiumUserTransaction {
  from: string;
  to: string;
  data: string;
  value: '0';
  chainId: number;
  description: string;
}

interface RawTrade {
  collateral: bigint;
  openPrice: bigint;
  tp: bigint;
  sl: bigint;
  trader: string;
  leverage: bigint;
  pairIndex: bigint;
  index: bigint;
  buy: boolean;
}

interface Initiated {
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

/** How many submitted orders are remembered in memory (client order id → transaction hash, close details). */
const MEMORY = 10_000;
/** Size of each level of the synthetic book, in USD. */
const SYNTHETIC_LEVEL_USD = '1000000';
/** Decimals of a base quantity: sizes derive from 6-decimal USDC collateral (notional / price), see markets(). */
const SZ_DECIMALS = 6;

const eventsInterface = new Interface([...TRADING_ABI, ...CALLBACKS_ABI]);
const topic = (name: string) => eventsInterface.getEvent(name)!.topicHash;
const T = {
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
const OUTCOME_TOPICS = [
  T.openTimeout,
  T.closeTimeout,
  T.openExecuted,
  T.openCanceled,
  T.closeExecuted,
  T.closeExecutedV2,
  T.closeCanceled,
  T.devFee,
  T.vaultFee,
  T.oracleFee,
  T.feesCharged,
];

const uintTopic = (v: bigint) => zeroPadValue(toBeHex(v), 32);
const addressTopic = (a: string) => zeroPadValue(getAddress(a), 32);
const lc = (a: string | null | undefined) => (a ?? '').toLowerCase();

/**
 * Ostium (Arbitrum) through its contracts, with ethers v6.
 *
 * The user's master address is the `trader`; the deployment's agent wallet is the trader's **delegate**: the user
 * signs `approvalTransactions()` once (USDC approve to TradingStorage, which pulls the collateral, and
 * Trading.setDelegate(agent)), and the agent then sends `delegatedAction(trader, openTrade|closeTradeMarket)`.
 *
 * Market orders are asynchronous: the transaction only initiates them (MarketOpenOrderInitiated /
 * MarketCloseOrderInitiatedV2 with an orderId); Ostium's oracle keeper fills or cancels them a few seconds later
 * in another transaction (MarketOpenExecuted / MarketOpenCanceled / MarketCloseExecutedV2 / MarketCloseCanceled on
 * the callbacks contract). placeOrder and closePosition therefore return PENDING with the transaction hash as the
 * venue order id, and orderStatus follows the order by that hash. The hash is handed to `onSubmitting` before the
 * transaction is broadcast, so a crash in between can be resolved by asking orderStatus.
 *
 * Symbols: FROM of FROM-USD pairs, TO of USD-TO pairs with prices inverted (see OstiumMarketDef). Sizes: Ostium
 * positions are collateral (USDC, 6 decimals) × leverage in USD; the base quantity is notional / price, reported with
 * 6 decimals (szDecimals 6), and an order's quantity only sets its collateral (qty × price / leverage). The opening
 * fee is taken from the collateral, so a fill is slightly smaller than the order (by the fee × leverage).
 */
export class OstiumAdapter implements VenueAdapter {
  readonly venue = 'OSTIUM' as const;
  readonly mode = 'live' as const;
  readonly provider: JsonRpcProvider;
  private readonly trading: string;
  private readonly storage: string;
  private readonly usdc: string;
  private readonly bySymbol = new Map<string, OstiumMarketDef>();
  private readonly byId = new Map<number, OstiumMarketDef>();
  private readonly list: OstiumMarketDef[];
  private maxTradesPerPair: number | null = null;
  private callbacks: string | null = null;
  private readonly submitted = new Map<string, string>();
  private readonly closing = new Map<string, RawTrade>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: OstiumAdapterOptions) {
    const network = Network.from(options.chainId);
    // no response cache: a nonce or receipt read 100 ms ago may be stale
    this.provider = new JsonRpcProvider(options.rpcUrl, network, { staticNetwork: network, cacheTimeout: -1 });
    if (options.rpcTimeoutMs) this.provider._getConnection().timeout = options.rpcTimeoutMs;
    this.trading = getAddress(options.tradingAddress);
    this.storage = getAddress(options.storageAddress);
    this.usdc = getAddress(options.usdcAddress);
    this.callbacks = options.callbacksAddress ? getAddress(options.callbacksAddress) : null;
    this.list = (options.pairs ?? OSTIUM_PAIRS).map(ostiumMarket);
    for (const m of this.list) {
      this.byId.set(m.id, m);
      const known = this.bySymbol.get(m.symbol);
      if (!known || (!known.active && m.active)) this.bySymbol.set(m.symbol, m);
    }
  }

  /** Stops the provider (no timers run unless a request is in flight). */
  destroy(): void {
    this.provider.destroy();
  }

  // ---- onboarding ----------------------------------------------------------------------------------------

  /**
   * What the user signs once with their own wallet so that `agent` may trade for them: USDC approve of
   * `usdcAmount` to TradingStorage (it pulls the collateral), then Trading.setDelegate(agent).
   */
  approvalTransactions(trader: string, agent: string, usdcAmount: string): OstiumUserTransaction[] {
    const from = getAddress(trader);
    const base = { from, value: '0' as const, chainId: this.options.chainId };
    return [
      {
        ...base,
        to: this.usdc,
        data: encodeApprove(this.storage, toUsdc6(usdcAmount)),
        description: `Allow Ostium (TradingStorage ${this.storage}) to use ${usdcAmount} USDC as collateral`,
      },
      {
        ...base,
        to: this.trading,
        data: encodeSetDelegate(agent),
        description: `Let the agent wallet ${getAddress(agent)} open and close Ostium trades for ${from}`,
      },
    ];
  }

  /** The trader's delegate on Ostium (zero address when none). */
  async delegateOf(trader: string): Promise<string> {
    return (await this.view(tradingInterface, this.trading, 'delegations', [getAddress(trader)]))[0] as string;
  }

  /** USDC the trader has allowed TradingStorage to pull. */
  async allowance(trader: string): Promise<string> {
    const [a] = await this.view(erc20Interface, this.usdc, 'allowance', [getAddress(trader), this.storage]);
    return fromUsdc6(a).toFixed();
  }

  // ---- market data ---------------------------------------------------------------------------------------

  async markets(): Promise<MarketInfo[]> {
    return this.list.map((m) => ({
      symbol: m.symbol,
      index: m.id,
      pair: m.pair,
      szDecimals: SZ_DECIMALS,
      maxLeverage: m.maxLeverage,
      minSize: new Dec(10).pow(-SZ_DECIMALS).toFixed(),
      minNotionalUsd: MIN_OPEN_SIZE_USD,
      active: m.active,
    }));
  }

  async markPrice(symbol: string): Promise<Decimal | null> {
    if (!this.bySymbol.has(symbol)) return null;
    return this.options.prices.mark(this.venue, symbol);
  }

  async markPrices(): Promise<Map<string, Decimal>> {
    const active = this.list.filter((m) => m.active);
    const marks = await Promise.all(active.map((m) => this.options.prices.mark(this.venue, m.symbol)));
    const out = new Map<string, Decimal>();
    active.forEach((m, i) => {
      if (marks[i]) out.set(m.symbol, marks[i]!);
    });
    return out;
  }

  /**
   * Ostium has no order book: trades execute at the oracle price (plus the pair's spread/price impact). This is a
   * synthetic deep book around the mark (± syntheticSpreadBps per level, $1M a level) so that routing sees
   * negligible depth impact.
   */
  async orderBook(symbol: string, depth = 10): Promise<OrderBook> {
    const mark = await this.markPrice(symbol);
    if (!mark) return { symbol, bids: [], asks: [], time: Date.now() };
    const step = dec(this.options.syntheticSpreadBps ?? '1').div(10_000);
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

  feeSchedule(): FeeSchedule {
    const bps = this.options.takerFeeBps ?? '10';
    return { takerBps: bps, makerBps: bps };
  }

  async health(): Promise<VenueHealth> {
    const started = Date.now();
    try {
      const [block, chainId] = await Promise.all([this.provider.send('eth_blockNumber', []), this.provider.send('eth_chainId', [])]);
      const latencyMs = Date.now() - started;
      if (Number(chainId) !== this.options.chainId)
        return { ok: false, latencyMs, detail: `RPC is on chain ${Number(chainId)}, expected ${this.options.chainId}` };
      return { ok: true, latencyMs, detail: `block ${Number(block)}` };
    } catch (err) {
      return { ok: false, latencyMs: Date.now() - started, detail: describe(err) };
    }
  }

  // ---- account -------------------------------------------------------------------------------------------

  /** USDC in the wallet is free collateral; equity adds the collateral locked in open trades. */
  async accountState(address: string): Promise<AccountState> {
    const [balance, trades] = await Promise.all([this.usdcBalance(address), this.rawTrades(address)]);
    const locked = trades.reduce((sum, { trade }) => sum.plus(fromUsdc6(trade.collateral)), new Dec(0));
    return { equity: toMoney(balance.plus(locked)), freeCollateral: toMoney(balance) };
  }

  async openPositions(address: string): Promise<VenuePosition[]> {
    const trades = await this.rawTrades(address);
    const marks = new Map<string, Decimal | null>();
    await Promise.all(
      [...new Set(trades.map((t) => t.market.symbol))].map(async (s) => marks.set(s, await this.options.prices.mark(this.venue, s))),
    );
    return trades.map(({ market, trade }) => {
      const openPrice = fromPrice18(trade.openPrice);
      const notional = fromUsdc6(trade.collateral).mul(fromLeverage2(trade.leverage));
      const mark = marks.get(market.symbol);
      let pnl: string | null = null;
      if (mark && mark.gt(0)) {
        const now = pairPrice(market, mark);
        const move = now
          .minus(openPrice)
          .div(openPrice)
          .mul(trade.buy ? 1 : -1);
        pnl = toMoney(Decimal.min(notional.mul(move), fromUsdc6(trade.collateral).mul(9)));
      }
      return {
        symbol: market.symbol,
        side: sideOf(market, trade.buy),
        qty: toMoney(baseQty(market, notional, openPrice)),
        entryPrice: toMoney(symbolPrice(market, openPrice)),
        unrealizedPnl: pnl,
        leverage: fromLeverage2(trade.leverage).toNumber(),
        slot: Number(trade.index),
      };
    });
  }

  /** Executed opens and closes of the trader since `sinceMs` (default: the last logLookbackBlocks blocks). */
  async fills(address: string, sinceMs?: number): Promise<Fill[]> {
    const trader = getAddress(address);
    const latest = await this.provider.getBlockNumber();
    const from = await this.blockAtOrBefore(latest, sinceMs);
    const traderTopic = addressTopic(trader);
    const [opens, closes] = await Promise.all([
      this.logsInRange({ address: this.trading, topics: [T.openInitiated, null, traderTopic] }, from, latest),
      this.logsInRange({ address: this.trading, topics: [[T.closeInitiated, T.closeInitiatedV2], null, null, traderTopic] }, from, latest),
    ]);
    const initiated = [...opens, ...closes].map((l) => this.initiatedFromLog(l)).filter((i): i is Initiated => i !== null);
    if (!initiated.length) return [];
    const outcomes = await this.outcomeLogs(
      initiated.map((i) => i.orderId),
      from,
      latest,
    );
    const times = new Map<number, number>();
    const fills: Fill[] = [];
    for (const order of initiated) {
      const settled = await this.settlement(order, outcomes.get(order.orderId) ?? []).catch(() => null);
      if (!settled || settled.status !== 'FILLED') continue;
      if (!times.has(settled.blockNumber))
        times.set(settled.blockNumber, ((await this.provider.getBlock(settled.blockNumber))?.timestamp ?? 0) * 1000);
      const time = times.get(settled.blockNumber)!;
      if (sinceMs != null && time < sinceMs) continue;
      fills.push({
        symbol: settled.market.symbol,
        side: settled.side,
        qty: settled.filledQty,
        price: settled.avgPrice,
        fee: settled.fee,
        closedPnl: settled.closedPnl,
        time,
        clientOrderId: null,
        venueOrderId: order.txHash,
      });
    }
    return fills.sort((a, b) => a.time - b.time);
  }

  // ---- trading -------------------------------------------------------------------------------------------

  /** Leverage is chosen per trade on Ostium: nothing to set. */
  async setLeverage(_account: TradingAccount, _symbol: string, _leverage: number): Promise<void> {
    return;
  }

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const cloid = order.clientOrderId;
    const again = await this.alreadySubmitted(order.account, cloid, order.symbol);
    if (again) return again;

    const market = this.bySymbol.get(order.symbol);
    if (!market) return rejected(cloid, `${order.symbol} is not listed on Ostium`);
    if (!market.active) return rejected(cloid, `${order.symbol} is not traded on Ostium: ${market.inactiveReason}`);
    if (order.reduceOnly) return rejected(cloid, 'Ostium closes a trade by its slot: use closePosition, not a reduce-only order');
    if (!order.account.signer) return rejected(cloid, 'live Ostium orders need the deployment agent wallet');
    const qty = dec(order.qty);
    if (!qty.isFinite() || qty.lte(0)) return rejected(cloid, 'order size must be positive');
    const reference = order.referencePrice ? dec(order.referencePrice) : await this.markPrice(order.symbol);
    if (!reference || reference.lte(0)) return rejected(cloid, `no mark price for ${order.symbol} on Ostium`);

    let trade: Parameters<typeof encodeOpenTradeRaw>[0];
    let slippageP: number;
    let builder: RawBuilderFee;
    try {
      const leverage = toLeverage2(order.leverage ?? this.options.defaultLeverage ?? 2);
      slippageP = bpsToSlippageP(order.maxSlippageBps);
      assertSlippageP(slippageP);
      const collateral = toCollateral6(qty.mul(reference).mul(100).div(leverage));
      const size = fromUsdc6(collateral).mul(leverage).div(100);
      if (size.lt(MIN_OPEN_SIZE_USD))
        return rejected(cloid, `position of ${toMoney(size)} USD is below Ostium's minimum of ${MIN_OPEN_SIZE_USD} USD`);
      const level = (v: string | null | undefined) => (v == null || dec(v).isZero() ? 0n : toPrice18(pairPrice(market, dec(v))));
      trade = {
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
      builder = this.options.builder
        ? { builder: getAddress(this.options.builder.address), builderFee: toBuilderFee(this.options.builder.feePercent) }
        : NO_BUILDER;
    } catch (err) {
      return rejected(cloid, `cannot encode the order: ${describe(err)}`);
    }

    const [balance, allowance] = await Promise.all([
      this.view(erc20Interface, this.usdc, 'balanceOf', [trade.trader]).then((r) => r[0] as bigint),
      this.view(erc20Interface, this.usdc, 'allowance', [trade.trader, this.storage]).then((r) => r[0] as bigint),
    ]);
    const need = fromUsdc6(trade.collateral).toFixed(USDC_DECIMALS);
    if (allowance < trade.collateral)
      return rejected(
        cloid,
        `USDC allowance of ${trade.trader} to Ostium TradingStorage ${this.storage} is ` +
          `${fromUsdc6(allowance).toFixed(USDC_DECIMALS)}, the order needs ${need}: the trader must approve it`,
      );
    if (balance < trade.collateral)
      return rejected(
        cloid,
        `USDC balance of ${trade.trader} is ${fromUsdc6(balance).toFixed(USDC_DECIMALS)}, the order needs ${need} of collateral`,
      );

    const data = encodeDelegatedAction(trade.trader, encodeOpenTradeRaw(trade, builder, OstiumOrderType.MARKET, slippageP));
    return this.submit(order.account, cloid, data, order.onSubmitting);
  }

  async closePosition(
    account: TradingAccount,
    symbol: string,
    clientOrderId: string,
    maxSlippageBps: string,
    slot?: number,
  ): Promise<OrderResult> {
    const again = await this.alreadySubmitted(account, clientOrderId, symbol);
    if (again) return again;
    const market = this.bySymbol.get(symbol);
    if (!market) return rejected(clientOrderId, `${symbol} is not listed on Ostium`);
    if (!account.signer) return rejected(clientOrderId, 'live Ostium orders need the deployment agent wallet');
    const trader = getAddress(account.address);
    let index = slot;
    if (index === undefined) {
      const open = (await this.rawTrades(trader)).filter((t) => t.market.id === market.id);
      if (!open.length) return rejected(clientOrderId, `no open ${symbol} trade on Ostium`);
      if (open.length > 1)
        return rejected(
          clientOrderId,
          `${open.length} open ${symbol} trades on Ostium (slots ${open.map((t) => t.trade.index).join(', ')}): say which slot to close`,
        );
      index = Number(open[0].trade.index);
    }
    const trade = await this.openTrade(trader, market.id, index);
    if (!trade) return rejected(clientOrderId, `no open ${symbol} trade on Ostium at slot ${index}`);
    const mark = await this.markPrice(symbol);
    if (!mark || mark.lte(0)) return rejected(clientOrderId, `no mark price for ${symbol} on Ostium`);
    let inner: string;
    try {
      const slippageP = bpsToSlippageP(maxSlippageBps);
      assertSlippageP(slippageP);
      inner = tradingInterface.encodeFunctionData('closeTradeMarket', [
        market.id,
        index,
        CLOSE_ALL_PERCENTAGE,
        toPrice18(pairPrice(market, mark)),
        slippageP,
      ]);
    } catch (err) {
      return rejected(clientOrderId, `cannot encode the close: ${describe(err)}`);
    }
    return this.submit(account, clientOrderId, encodeDelegatedAction(trader, inner), undefined, trade);
  }

  async orderStatus(_account: TradingAccount, ref: OrderRef): Promise<OrderResult | null> {
    const cloid = ref.clientOrderId;
    const hash = ref.venueOrderId ?? this.submitted.get(cloid) ?? null;
    if (!hash || !isHexString(hash, 32)) return null;
    const receipt = await this.provider.getTransactionReceipt(hash);
    if (!receipt) {
      const tx = await this.provider.getTransaction(hash);
      return tx ? pending(cloid, hash) : null;
    }
    if (lc(receipt.to) !== lc(this.trading)) return rejected(cloid, `transaction ${hash} is not an Ostium Trading transaction`, hash);
    if (receipt.status !== 1) return rejected(cloid, `Ostium reverted the transaction: ${await this.minedRevertReason(receipt)}`, hash);
    const initiated = receipt.logs.map((l) => this.initiatedFromLog(l)).find((i): i is Initiated => i !== null);
    if (!initiated) return rejected(cloid, `transaction ${hash} initiated no Ostium market order`, hash);

    const outcomes = await this.outcomeLogs([initiated.orderId], initiated.blockNumber, 'latest');
    const settled = await this.settlement(initiated, outcomes.get(initiated.orderId) ?? []);
    if (settled?.status === 'FILLED')
      return {
        clientOrderId: cloid,
        status: 'FILLED',
        filledQty: settled.filledQty,
        avgPrice: settled.avgPrice,
        fee: settled.fee,
        venueOrderId: hash,
        slot: settled.slot,
      };
    if (settled?.status === 'REJECTED') return rejected(cloid, settled.error, hash);

    const timeout = this.options.fillTimeoutMs ?? 60_000;
    const block = await this.provider.getBlock(receipt.blockNumber);
    // block timestamps are whole seconds: count from the end of that second, never early
    if (block && Date.now() - (block.timestamp + 1) * 1000 > timeout)
      return rejected(
        cloid,
        `oracle did not fill within ${timeout} ms (Ostium order ${initiated.orderId} is still pending; its trader may time ` +
          `it out on chain)`,
        hash,
      );
    return pending(cloid, hash);
  }

  /**
   * Takes back a market order the oracle never filled (Trading.openTradeMarketTimeout / closeTradeMarketTimeout,
   * sent by the agent as the trader's delegate): an open's collateral is refunded, a close is dropped (the trade stays
   * open). Allowed once the contract's marketOrdersTimeout (blocks) has passed; it reverts if the order was settled
   * meanwhile. Returns the timeout transaction as a PENDING order (its hash), or REJECTED with the revert reason.
   */
  /** Claims the timeout of an order the oracle did not fill, so it can no longer be filled (the refusal is final). */
  async releaseOrder(account: TradingAccount, ref: OrderRef): Promise<void> {
    if (!ref.venueOrderId) return;
    await this.cancelTimedOutOrder(account, ref.venueOrderId, ref.clientOrderId);
  }

  async cancelTimedOutOrder(
    account: TradingAccount,
    venueOrderId: string,
    clientOrderId = `timeout-${venueOrderId}`,
  ): Promise<OrderResult> {
    if (!account.signer) return rejected(clientOrderId, 'live Ostium orders need the deployment agent wallet');
    const receipt = isHexString(venueOrderId, 32) ? await this.provider.getTransactionReceipt(venueOrderId) : null;
    const initiated = receipt?.logs.map((l) => this.initiatedFromLog(l)).find((i): i is Initiated => i !== null);
    if (!initiated) return rejected(clientOrderId, `transaction ${venueOrderId} initiated no Ostium market order`);
    const call = initiated.open
      ? tradingInterface.encodeFunctionData('openTradeMarketTimeout', [initiated.orderId])
      : tradingInterface.encodeFunctionData('closeTradeMarketTimeout', [initiated.orderId, false]);
    return this.submit(account, clientOrderId, encodeDelegatedAction(initiated.trader, call));
  }

  // ---- internals: sending --------------------------------------------------------------------------------

  /**
   * Simulates, signs locally with the agent key, hands the hash to onSubmitting, then broadcasts. One transaction at a
   * time per agent wallet, so nonces do not collide.
   */
  private submit(
    account: TradingAccount,
    cloid: string,
    data: string,
    onSubmitting?: (id: string) => Promise<void>,
    closing?: RawTrade,
  ): Promise<OrderResult> {
    const signer = account.signer!;
    const agent = getAddress(signer.address);
    return this.serialize(agent, async () => {
      let gas: bigint;
      try {
        gas = await this.provider.estimateGas({ from: agent, to: this.trading, data });
      } catch (err) {
        const revert = revertOf(err);
        if (revert !== null) return rejected(cloid, `Ostium would revert the order: ${revert}`);
        throw err; // transport failure: nothing was sent
      }
      const [nonce, fees] = await Promise.all([this.provider.getTransactionCount(agent, 'pending'), this.provider.getFeeData()]);
      const tx: TransactionRequest = {
        chainId: this.options.chainId,
        to: this.trading,
        data,
        value: 0n,
        nonce,
        gasLimit: (gas * 12n) / 10n,
        ...(fees.maxFeePerGas != null
          ? { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n }
          : { type: 0, gasPrice: fees.gasPrice ?? undefined }),
      };
      const raw = await signer.use(async (privateKey) => {
        const wallet = new Wallet(privateKey);
        if (wallet.address !== agent) throw new Error('the agent key does not match the agent address');
        return wallet.signTransaction(tx);
      });
      const hash = Transaction.from(raw).hash!;
      await onSubmitting?.(hash); // if the caller cannot store the hash, nothing is sent
      this.remember(cloid, hash, closing);
      try {
        await this.provider.send('eth_sendRawTransaction', [raw]);
      } catch (err) {
        const rpc = rpcErrorOf(err);
        // A JSON-RPC error is an answer: the node refused the transaction (unless it already has it, e.g. a retried
        // request). Anything else (timeout, reset socket) leaves it unknown: report PENDING; orderStatus by the hash
        // tells whether it landed (null if it never did).
        if (rpc && !/already known/i.test(rpc.message ?? '') && !(await this.provider.getTransaction(hash).catch(() => null))) {
          this.submitted.delete(cloid);
          return rejected(cloid, `the node refused the transaction: ${rpc.message ?? describe(err)}`, hash);
        }
      }
      return pending(cloid, hash);
    });
  }

  /** An order this process already sent under the client order id: its status, instead of a second transaction. */
  private async alreadySubmitted(account: TradingAccount, cloid: string, symbol: string): Promise<OrderResult | null> {
    const hash = this.submitted.get(cloid);
    if (!hash) return null;
    const status = await this.orderStatus(account, { clientOrderId: cloid, venueOrderId: hash, symbol });
    if (!status) this.submitted.delete(cloid); // never reached the chain: send it afresh
    return status;
  }

  private remember(cloid: string, hash: string, closing?: RawTrade): void {
    this.submitted.set(cloid, hash);
    if (closing) this.closing.set(lc(hash), closing);
    for (const map of [this.submitted, this.closing] as Map<string, unknown>[]) if (map.size > MEMORY) map.delete(map.keys().next().value!);
  }

  private serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  // ---- internals: reading --------------------------------------------------------------------------------

  private async view(iface: Interface, to: string, fn: string, args: unknown[], blockTag?: number): Promise<any[]> {
    const data = iface.encodeFunctionData(fn, args);
    const out = await this.provider.call({ to, data, ...(blockTag !== undefined ? { blockTag } : {}) });
    return iface.decodeFunctionResult(fn, out) as unknown as any[];
  }

  private async usdcBalance(address: string): Promise<Decimal> {
    const [b] = await this.view(erc20Interface, this.usdc, 'balanceOf', [getAddress(address)]);
    return fromUsdc6(b);
  }

  private async openTrade(trader: string, pairIndex: number, index: number, blockTag?: number): Promise<RawTrade | null> {
    const r = await this.view(storageInterface, this.storage, 'openTrades', [trader, pairIndex, index], blockTag);
    const trade: RawTrade = {
      collateral: r[0],
      openPrice: r[1],
      tp: r[2],
      sl: r[3],
      trader: r[4],
      leverage: r[5],
      pairIndex: r[6],
      index: r[7],
      buy: r[8],
    };
    return trade.collateral > 0n && trade.leverage > 0n ? trade : null;
  }

  /** Every open trade of the trader on the active pairs: openTradesCount per pair, then the slots of those with some. */
  private async rawTrades(address: string): Promise<{ market: OstiumMarketDef; trade: RawTrade }[]> {
    const trader = getAddress(address);
    if (this.maxTradesPerPair === null)
      this.maxTradesPerPair = Number((await this.view(storageInterface, this.storage, 'maxTradesPerPair', []))[0]);
    const max = this.maxTradesPerPair;
    const active = this.list.filter((m) => m.active);
    const counts = await Promise.all(
      active.map((m) => this.view(storageInterface, this.storage, 'openTradesCount', [trader, m.id]).then((r) => Number(r[0]))),
    );
    const withTrades = active.filter((_, i) => counts[i] > 0);
    const slots = await Promise.all(
      withTrades.map((m) => Promise.all(Array.from({ length: max }, (_, i) => this.openTrade(trader, m.id, i)))),
    );
    return withTrades.flatMap((market, i) => slots[i].filter((t): t is RawTrade => t !== null).map((trade) => ({ market, trade })));
  }

  private marketOf(pairIndex: number): OstiumMarketDef {
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

  private initiatedFromLog(log: Log): Initiated | null {
    if (lc(log.address) !== lc(this.trading)) return null;
    if (![T.openInitiated, T.closeInitiated, T.closeInitiatedV2].includes(log.topics[0])) return null;
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

  /** The callbacks contract, from the options or Trading's registry; null if it cannot be found. */
  private async callbacksAddress(): Promise<string | null> {
    if (this.callbacks) return this.callbacks;
    try {
      const [registry] = await this.view(tradingInterface, this.trading, 'registry', []);
      const [address] = await this.view(registryInterface, registry, 'getContractAddress', [encodeBytes32String('callbacks')]);
      if (address && address !== ZeroAddress) this.callbacks = getAddress(address);
    } catch {
      // not discoverable: match by topics and check the trader
    }
    return this.callbacks;
  }

  /** Settlement events of the orders, by orderId (topic 1), from `from` on. */
  private async outcomeLogs(orderIds: bigint[], from: number, to: number | 'latest'): Promise<Map<bigint, Log[]>> {
    const callbacks = await this.callbacksAddress();
    const filter = { address: callbacks ? [this.trading, callbacks] : undefined, topics: [OUTCOME_TOPICS, orderIds.map(uintTopic)] };
    const logs =
      to === 'latest'
        ? await this.provider.getLogs({ ...filter, fromBlock: from, toBlock: 'latest' })
        : await this.logsInRange(filter, from, to);
    const byOrder = new Map<bigint, Log[]>();
    // Without the callbacks address, settlement() only trusts events that match the order's trader or tradeId.
    for (const log of logs) {
      const id = BigInt(log.topics[1]);
      byOrder.set(id, [...(byOrder.get(id) ?? []), log]);
    }
    return byOrder;
  }

  private async settlement(
    order: Initiated,
    logs: Log[],
  ): Promise<
    | {
        status: 'FILLED';
        market: OstiumMarketDef;
        side: 'BUY' | 'SELL';
        filledQty: string;
        avgPrice: string;
        fee: string;
        closedPnl: string;
        slot: number;
        blockNumber: number;
      }
    | { status: 'REJECTED'; error: string }
    | null
  > {
    const market = this.marketOf(order.pairIndex);
    const events = logs
      .map((log) => ({ log, parsed: eventsInterface.parseLog({ topics: [...log.topics], data: log.data }) }))
      .filter((e) => e.parsed !== null);
    const named = (name: string) => events.filter((e) => e.parsed!.name === name);
    const sameTrader = (e: { parsed: any }) => lc(e.parsed.args.trader) === lc(order.trader);
    if (order.open) {
      const executed = named('MarketOpenExecuted').find((e) => lc(e.parsed!.args.t.trader) === lc(order.trader));
      if (executed) {
        const t = executed.parsed!.args.t;
        const price = fromPrice18(t.openPrice);
        const notional = fromUsdc6(t.collateral).mul(fromLeverage2(t.leverage));
        const fee = [...named('DevFeeCharged'), ...named('VaultOpeningFeeCharged')]
          .filter(sameTrader)
          .reduce((sum, e) => sum.plus(fromUsdc6(e.parsed!.args.amount)), new Dec(0));
        return {
          status: 'FILLED',
          market,
          side: sideOf(market, t.buy) === 'LONG' ? 'BUY' : 'SELL',
          filledQty: toMoney(baseQty(market, notional, price)),
          avgPrice: toMoney(symbolPrice(market, price)),
          fee: toMoney(fee),
          closedPnl: '0',
          slot: Number(t.index),
          blockNumber: executed.log.blockNumber,
        };
      }
      const canceled = named('MarketOpenCanceled').find(sameTrader);
      if (canceled) {
        const oracleFee = named('OracleFeeCharged')
          .filter(sameTrader)
          .reduce((sum, e) => sum.plus(fromUsdc6(e.parsed!.args.amount)), new Dec(0));
        const kept = oracleFee.gt(0) ? ` (oracle fee ${toMoney(oracleFee)} USDC kept)` : '';
        return {
          status: 'REJECTED',
          error: `Ostium canceled the market open: ${cancelReasonName(canceled.parsed!.args.cancelReason)}; collateral refunded${kept}`,
        };
      }
      if (named('MarketOpenTimeoutExecutedV2').length)
        return { status: 'REJECTED', error: 'the market open timed out on Ostium and its collateral was refunded' };
      return null;
    }
    const executed = [...named('MarketCloseExecutedV2'), ...named('MarketCloseExecuted')].find(
      (e) => e.parsed!.args.tradeId === order.tradeId,
    );
    if (executed) {
      const a = executed.parsed!.args;
      const trade = await this.closedTrade(order);
      // a fill we cannot size is not a verdict: fail the read (the caller asks again) rather than guess
      if (!trade)
        throw new Error(
          `Ostium close ${order.orderId} executed, but the closed trade cannot be read (no historical state, opening event out of range)`,
        );
      const percentage =
        executed.parsed!.name === 'MarketCloseExecutedV2' ? dec(a.percentageClosed.toString()) : dec(order.closePercentage);
      const collateral = fromUsdc6(trade.collateral).mul(percentage).div(CLOSE_ALL_PERCENTAGE);
      const price = fromPrice18(a.price);
      const fees = named('FeesCharged')
        .filter((e) => e.parsed!.args.tradeId === order.tradeId)
        .reduce(
          (sum, e) => sum.plus(fromUsdc6(e.parsed!.args.rolloverFees)).plus(dec(e.parsed!.args.fundingFees.toString()).div(1e6)),
          new Dec(0),
        );
      return {
        status: 'FILLED',
        market,
        side: sideOf(market, trade.buy) === 'LONG' ? 'SELL' : 'BUY',
        filledQty: toMoney(baseQty(market, collateral.mul(fromLeverage2(trade.leverage)), fromPrice18(trade.openPrice))),
        avgPrice: toMoney(symbolPrice(market, price)),
        fee: toMoney(fees),
        closedPnl: toMoney(collateral.mul(dec(a.percentProfit.toString())).div(100e6)),
        slot: Number(trade.index),
        blockNumber: executed.log.blockNumber,
      };
    }
    const canceled = named('MarketCloseCanceled').find(sameTrader);
    if (canceled)
      return {
        status: 'REJECTED',
        error: `Ostium canceled the market close: ${cancelReasonName(canceled.parsed!.args.cancelReason)}; the trade stays open`,
      };
    if (named('MarketCloseTimeoutExecutedV2').length)
      return { status: 'REJECTED', error: 'the market close timed out on Ostium; the trade stays open' };
    return null;
  }

  /**
   * The trade a close order closed: remembered when this process sent it; else read at the block before the close
   * (the slot from the transaction's calldata); else found by its opening execution (tradeId = opening orderId).
   */
  private async closedTrade(order: Initiated): Promise<RawTrade | null> {
    const cached = this.closing.get(lc(order.txHash));
    if (cached) return cached;
    try {
      const tx = await this.provider.getTransaction(order.txHash);
      if (tx) {
        let call = tx.data;
        if (call.slice(0, 10) === tradingInterface.getFunction('delegatedAction')!.selector)
          call = tradingInterface.decodeFunctionData('delegatedAction', call)[1];
        const args = tradingInterface.decodeFunctionData('closeTradeMarket', call);
        const trade = await this.openTrade(order.trader, Number(args[0]), Number(args[1]), order.blockNumber - 1);
        if (trade) return trade;
      }
    } catch {
      // no historical state on this node: try the opening event
    }
    const lookback = this.options.logLookbackBlocks ?? 500_000;
    const logs = await this.logsInRange(
      { address: (await this.callbacksAddress()) ?? undefined, topics: [T.openExecuted, uintTopic(order.tradeId)] },
      Math.max(0, order.blockNumber - lookback),
      order.blockNumber,
    );
    for (const log of logs) {
      const t = eventsInterface.parseLog({ topics: [...log.topics], data: log.data })?.args.t;
      if (t && lc(t.trader) === lc(order.trader))
        return {
          collateral: t.collateral,
          openPrice: t.openPrice,
          tp: t.tp,
          sl: t.sl,
          trader: t.trader,
          leverage: t.leverage,
          pairIndex: t.pairIndex,
          index: t.index,
          buy: t.buy,
        };
    }
    return null;
  }

  /** Replays a reverted transaction at the block before it to read the revert data. */
  private async minedRevertReason(receipt: TransactionReceipt): Promise<string> {
    const tx = await this.provider.getTransaction(receipt.hash);
    if (!tx) return 'reverted (transaction not found)';
    try {
      await this.provider.call({ from: tx.from, to: tx.to, data: tx.data, blockTag: Math.max(0, receipt.blockNumber - 1) });
      return receipt.gasUsed >= tx.gasLimit ? 'out of gas' : 'reverted (the replay succeeds: the state it depended on changed)';
    } catch (err) {
      return revertOf(err) ?? `reverted (${describe(err)})`;
    }
  }

  private async logsInRange(
    filter: { address?: string | string[]; topics: (string | string[] | null)[] },
    from: number,
    to: number,
  ): Promise<Log[]> {
    const chunk = Math.max(1, this.options.logChunkBlocks ?? 50_000);
    const out: Log[] = [];
    for (let start = from; start <= to; start += chunk)
      out.push(...(await this.provider.getLogs({ ...filter, fromBlock: start, toBlock: Math.min(to, start + chunk - 1) })));
    return out;
  }

  /** A block at or before `sinceMs` (estimated with the chain's shortest block time), or the lookback start. */
  private async blockAtOrBefore(latest: number, sinceMs?: number): Promise<number> {
    const lookback = this.options.logLookbackBlocks ?? 500_000;
    if (sinceMs == null) return Math.max(0, latest - lookback);
    const head = await this.provider.getBlock(latest);
    const ageMs = Math.max(0, (head?.timestamp ?? 0) * 1000 - sinceMs);
    return Math.max(0, latest - Math.ceil(ageMs / (this.options.minBlockTimeMs ?? 250)) - 1);
  }
}

// ---- pure helpers ----------------------------------------------------------------------------------------

/** A price in Conduit's terms (USD per symbol) → the pair's price. */
function pairPrice(m: OstiumMarketDef, price: Decimal): Decimal {
  return m.inverted ? new Dec(1).div(price) : price;
}

/** A pair price → USD per symbol. */
function symbolPrice(m: OstiumMarketDef, price: Decimal): Decimal {
  return m.inverted ? new Dec(1).div(price) : price;
}

/** Base quantity of the symbol for a USD notional at a pair price. */
function baseQty(m: OstiumMarketDef, notionalUsd: Decimal, price: Decimal): Decimal {
  return (m.inverted ? notionalUsd.mul(price) : notionalUsd.div(price)).toDecimalPlaces(SZ_DECIMALS, Decimal.ROUND_DOWN);
}

function sideOf(m: OstiumMarketDef, buy: boolean): PositionSide {
  return buy !== m.inverted ? 'LONG' : 'SHORT';
}

function pending(clientOrderId: string, venueOrderId: string): OrderResult {
  return { clientOrderId, status: 'PENDING', filledQty: '0', avgPrice: null, fee: '0', venueOrderId };
}

function rejected(clientOrderId: string, error: string, venueOrderId: string | null = null): OrderResult {
  return { clientOrderId, status: 'REJECTED', filledQty: '0', avgPrice: null, fee: '0', venueOrderId, error };
}

/** The JSON-RPC error object of a failed request, when the node answered with one. */
function rpcErrorOf(err: unknown): { code: number; message?: string; data?: string } | null {
  const e = err as { info?: { error?: unknown }; error?: unknown };
  for (const inner of [e?.info?.error, e?.error]) {
    if (inner && typeof inner === 'object' && typeof (inner as { code?: unknown }).code === 'number')
      return inner as { code: number; message?: string; data?: string };
  }
  return null;
}

/** The revert of a failed eth_call / eth_estimateGas in words, or null when the failure was not a revert. */
function revertOf(err: unknown): string | null {
  const e = err as { code?: string; data?: unknown };
  const rpc = rpcErrorOf(err);
  if (e?.code !== 'CALL_EXCEPTION' && rpc?.code !== 3) return null;
  const data = typeof e.data === 'string' && e.data !== '0x' ? e.data : typeof rpc?.data === 'string' ? rpc.data : null;
  if (data && data !== '0x') return explainRevert(data);
  return rpc?.message ?? 'reverted without a reason';
}

function describe(err: unknown): string {
  const rpc = rpcErrorOf(err);
  if (rpc?.message) return rpc.message;
  const e = err as { shortMessage?: string; message?: string };
  return e?.shortMessage ?? e?.message ?? String(err);
}
