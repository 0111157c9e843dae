import Decimal from 'decimal.js';
import { getAddress, isHexString, JsonRpcProvider } from 'ethers';
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
  TradingAccount,
  VenueAdapter,
  VenueHealth,
  VenuePosition,
} from '../adapter';
import { OstiumAdapterOptions } from './adapter-options';
import { OstiumOrderType, tradingInterface } from './abi';
import { OstiumChainReader } from './chain-reader';
import { MIN_OPEN_SIZE_USD, OSTIUM_PAIRS } from './constants';
import { encodeDelegatedAction, encodeOpenTradeRaw, fromUsdc6, RawTrade } from './encoding';
import { OstiumMarkets, syntheticBook, SZ_DECIMALS } from './market-units';
import { approvalTransactions, OstiumUserTransaction } from './onboarding';
import { collateralShortfall, pending, planClose, planOpen, rejected, SubmittedOrders } from './orders';
import { revertOf } from './rpc-errors';
import { OstiumOrderTracker } from './order-tracker';
import { positionOf } from './settlement';
import { chainHealth, evmProvider } from '../evm/provider';
import { EvmTxSender } from '../evm/tx-sender';

export type { OstiumAdapterOptions } from './adapter-options';

/**
 * Ostium (Arbitrum) through its contracts, with ethers v6: a composition of the onboarding transactions
 * (onboarding.ts), the chain reads (chain-reader.ts), the agent's transaction sender with its nonce lock
 * (tx-sender.ts), the order arguments (orders.ts), the following of orders by their events (order-tracker.ts over
 * events.ts and settlement.ts) and the venue's money math (pricing.ts).
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
  private readonly marketTable: OstiumMarkets;
  private readonly reader: OstiumChainReader;
  private readonly sender: EvmTxSender;
  private readonly submitted = new SubmittedOrders();
  private readonly tracker: OstiumOrderTracker;

  constructor(private readonly options: OstiumAdapterOptions) {
    this.provider = evmProvider(options.rpcUrl, options.chainId, options.rpcTimeoutMs);
    this.trading = getAddress(options.tradingAddress);
    this.storage = getAddress(options.storageAddress);
    this.usdc = getAddress(options.usdcAddress);
    this.marketTable = new OstiumMarkets(options.pairs ?? OSTIUM_PAIRS);
    this.reader = new OstiumChainReader(this.provider, { ...options, trading: this.trading, storage: this.storage, usdc: this.usdc });
    this.sender = new EvmTxSender(this.provider, options.chainId, { revertOf });
    this.tracker = new OstiumOrderTracker(this.reader, this.marketTable, this.submitted, this.trading, options);
  }

  /** Stops the provider (no timers run unless a request is in flight). */
  destroy(): void {
    this.provider.destroy();
  }

  // ---- onboarding ----------------------------------------------------------------------------------------

  /** What the user signs once so that `agent` may trade for them, with an allowance of `usdcAmount` USDC. */
  approvalTransactions(trader: string, agent: string, usdcAmount: string): OstiumUserTransaction[] {
    const network = { chainId: this.options.chainId, trading: this.trading, tradingStorage: this.storage, usdc: this.usdc };
    return approvalTransactions(network, trader, agent, usdcAmount);
  }

  /** The trader's delegate on Ostium (zero address when none). */
  delegateOf(trader: string): Promise<string> {
    return this.reader.delegateOf(trader);
  }

  /** USDC the trader has allowed TradingStorage to pull. */
  async allowance(trader: string): Promise<string> {
    return fromUsdc6(await this.reader.allowance6(trader)).toFixed();
  }

  // ---- market data ---------------------------------------------------------------------------------------

  async markets(): Promise<MarketInfo[]> {
    return this.marketTable.list.map((m) => ({
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
    if (!this.marketTable.symbol(symbol)) return null;
    return this.options.prices.mark(this.venue, symbol);
  }

  async markPrices(): Promise<Map<string, Decimal>> {
    const active = this.marketTable.active;
    const marks = await Promise.all(active.map((m) => this.options.prices.mark(this.venue, m.symbol)));
    const out = new Map<string, Decimal>();
    active.forEach((m, i) => {
      if (marks[i]) out.set(m.symbol, marks[i]!);
    });
    return out;
  }

  /** Ostium has no order book (oracle prices): a synthetic deep book around the mark, see syntheticBook. */
  async orderBook(symbol: string, depth = 10): Promise<OrderBook> {
    const mark = await this.markPrice(symbol);
    if (!mark) return { symbol, bids: [], asks: [], time: Date.now() };
    return syntheticBook(symbol, mark, depth, this.options.syntheticSpreadBps ?? '1');
  }

  feeSchedule(): FeeSchedule {
    const bps = this.options.takerFeeBps ?? '10';
    return { takerBps: bps, makerBps: bps };
  }

  health(): Promise<VenueHealth> {
    return chainHealth(this.provider, this.options.chainId);
  }

  // ---- account -------------------------------------------------------------------------------------------

  /** USDC in the wallet is free collateral; equity adds the collateral locked in open trades. */
  async accountState(address: string): Promise<AccountState> {
    const [balance, trades] = await Promise.all([
      this.reader.usdcBalance6(address),
      this.reader.openTrades(address, this.marketTable.active),
    ]);
    const locked = trades.reduce((sum, { trade }) => sum.plus(fromUsdc6(trade.collateral)), new Dec(0));
    return { equity: toMoney(fromUsdc6(balance).plus(locked)), freeCollateral: toMoney(fromUsdc6(balance)) };
  }

  async openPositions(address: string): Promise<VenuePosition[]> {
    const trades = await this.reader.openTrades(address, this.marketTable.active);
    const marks = new Map<string, Decimal | null>();
    await Promise.all(
      [...new Set(trades.map((t) => t.market.symbol))].map(async (s) => marks.set(s, await this.options.prices.mark(this.venue, s))),
    );
    return trades.map(({ market, trade }) => positionOf(market, trade, marks.get(market.symbol) ?? null));
  }

  /** Executed opens and closes of the trader since `sinceMs` (default: the last logLookbackBlocks blocks). */
  fills(address: string, sinceMs?: number): Promise<Fill[]> {
    return this.tracker.fills(address, sinceMs);
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

    const market = this.marketTable.symbol(order.symbol);
    if (!market) return rejected(cloid, `${order.symbol} is not listed on Ostium`);
    if (!market.active) return rejected(cloid, `${order.symbol} is not traded on Ostium: ${market.inactiveReason}`);
    if (order.reduceOnly) return rejected(cloid, 'Ostium closes a trade by its slot: use closePosition, not a reduce-only order');
    if (!order.account.signer) return rejected(cloid, 'live Ostium orders need the deployment agent wallet');
    const qty = dec(order.qty);
    if (!qty.isFinite() || qty.lte(0)) return rejected(cloid, 'order size must be positive');
    const reference = order.referencePrice ? dec(order.referencePrice) : await this.markPrice(order.symbol);
    if (!reference || reference.lte(0)) return rejected(cloid, `no mark price for ${order.symbol} on Ostium`);

    const plan = planOpen(order, market, reference, { leverage: this.options.defaultLeverage, builder: this.options.builder });
    if ('error' in plan) return rejected(cloid, plan.error);
    const { trade } = plan;
    const [balance, allowance] = await Promise.all([this.reader.usdcBalance6(trade.trader), this.reader.allowance6(trade.trader)]);
    const shortfall = collateralShortfall(trade, balance, allowance, this.storage);
    if (shortfall) return rejected(cloid, shortfall);

    const call = encodeOpenTradeRaw(trade, plan.builder, OstiumOrderType.MARKET, plan.slippageP);
    return this.submit(order.account, cloid, encodeDelegatedAction(trade.trader, call), order.onSubmitting);
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
    const market = this.marketTable.symbol(symbol);
    if (!market) return rejected(clientOrderId, `${symbol} is not listed on Ostium`);
    if (!account.signer) return rejected(clientOrderId, 'live Ostium orders need the deployment agent wallet');
    const trader = getAddress(account.address);
    let index = slot;
    if (index === undefined) {
      const open = (await this.reader.openTrades(trader, this.marketTable.active)).filter((t) => t.market.id === market.id);
      if (!open.length) return rejected(clientOrderId, `no open ${symbol} trade on Ostium`);
      if (open.length > 1)
        return rejected(
          clientOrderId,
          `${open.length} open ${symbol} trades on Ostium (slots ${open.map((t) => t.trade.index).join(', ')}): say which slot to close`,
        );
      index = open[0].trade.index;
    }
    const trade = await this.reader.openTrade(trader, market.id, index);
    if (!trade) return rejected(clientOrderId, `no open ${symbol} trade on Ostium at slot ${index}`);
    const mark = await this.markPrice(symbol);
    if (!mark || mark.lte(0)) return rejected(clientOrderId, `no mark price for ${symbol} on Ostium`);
    const plan = planClose(market, index, mark, maxSlippageBps);
    if ('error' in plan) return rejected(clientOrderId, plan.error);
    return this.submit(account, clientOrderId, encodeDelegatedAction(trader, plan.call), undefined, trade);
  }

  async orderStatus(_account: TradingAccount, ref: OrderRef): Promise<OrderResult | null> {
    const hash = ref.venueOrderId ?? this.submitted.hashOf(ref.clientOrderId) ?? null;
    if (!hash || !isHexString(hash, 32)) return null;
    return this.tracker.status(ref.clientOrderId, hash);
  }

  /** Claims the timeout of an order the oracle did not fill, so it can no longer be filled (the refusal is final). */
  async releaseOrder(account: TradingAccount, ref: OrderRef): Promise<void> {
    if (!ref.venueOrderId) return;
    await this.cancelTimedOutOrder(account, ref.venueOrderId, ref.clientOrderId);
  }

  /**
   * Takes back a market order the oracle never filled (Trading.openTradeMarketTimeout / closeTradeMarketTimeout,
   * sent by the agent as the trader's delegate): an open's collateral is refunded, a close is dropped (the trade stays
   * open). Allowed once the contract's marketOrdersTimeout (blocks) has passed; it reverts if the order was settled
   * meanwhile. Returns the timeout transaction as a PENDING order (its hash), or REJECTED with the revert reason.
   */
  async cancelTimedOutOrder(
    account: TradingAccount,
    venueOrderId: string,
    clientOrderId = `timeout-${venueOrderId}`,
  ): Promise<OrderResult> {
    if (!account.signer) return rejected(clientOrderId, 'live Ostium orders need the deployment agent wallet');
    const initiated = isHexString(venueOrderId, 32) ? await this.tracker.initiatedBy(venueOrderId) : null;
    if (!initiated) return rejected(clientOrderId, `transaction ${venueOrderId} initiated no Ostium market order`);
    const call = initiated.open
      ? tradingInterface.encodeFunctionData('openTradeMarketTimeout', [initiated.orderId])
      : tradingInterface.encodeFunctionData('closeTradeMarketTimeout', [initiated.orderId, false]);
    return this.submit(account, clientOrderId, encodeDelegatedAction(initiated.trader, call));
  }

  // ---- internals -----------------------------------------------------------------------------------------

  /** Sends through the agent's sender; the hash goes to onSubmitting and to memory before it is broadcast. */
  private async submit(
    account: TradingAccount,
    cloid: string,
    data: string,
    onSubmitting?: (id: string) => Promise<void>,
    closing?: RawTrade,
  ): Promise<OrderResult> {
    const sent = await this.sender.send(account.signer!, { to: this.trading, data }, async (hash) => {
      await onSubmitting?.(hash); // if the caller cannot store the hash, nothing is sent
      this.submitted.remember(cloid, hash, closing);
    });
    if (sent.status === 'reverted') return rejected(cloid, `Ostium would revert the order: ${sent.reason}`);
    if (sent.status === 'refused') {
      this.submitted.forget(cloid);
      return rejected(cloid, `the node refused the transaction: ${sent.reason}`, sent.hash);
    }
    // sent, or unknown (a transport failure): orderStatus by the hash tells whether it landed (null if it never did)
    return pending(cloid, sent.hash);
  }

  /** An order this process already sent under the client order id: its status, instead of a second transaction. */
  private async alreadySubmitted(account: TradingAccount, cloid: string, symbol: string): Promise<OrderResult | null> {
    const hash = this.submitted.hashOf(cloid);
    if (!hash) return null;
    const status = await this.orderStatus(account, { clientOrderId: cloid, venueOrderId: hash, symbol });
    if (!status) this.submitted.forget(cloid); // never reached the chain: send it afresh
    return status;
  }
}
