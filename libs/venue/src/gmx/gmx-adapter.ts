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
import { pending, rejected, SubmittedOrders } from '../ostium/orders';
import { GmxChainReader } from './chain-reader';
import { GmxAdapterOptions } from './gmx-options';
import { impactBook } from './impact-book';
import { gmxApprovalTransactions, GmxApprovalOptions, GmxNetwork, GmxUserTransaction } from './onboarding';
import { GmxOrderTracker } from './order-tracker';
import { decreaseSizeUsd, GmxPlan, planDecrease, planIncrease, PlanContext } from './orders';
import { GmxMarket, positionOf, RawGmxPosition } from './settlement';
import { encodeSubaccountCancelOrder } from './subaccount';
import { chainHealth, evmProvider } from '../evm/provider';
import { EvmTxSender } from '../evm/tx-sender';
import { gmxRevertOf } from './rpc-errors';
import { GmxTickers, tickerMid } from './tickers';

export type { GmxAdapterOptions } from './gmx-options';

const DEFAULT_EXECUTION_FEE = 300_000_000_000_000n; // 0.0003 ETH

/**
 * GMX v2 (Arbitrum perps) through its contracts, with ethers v6. The user's wallet is the GMX account; the
 * deployment's agent wallet is its **subaccount** (approvalTransactions: USDC approve to GMX's Router, and
 * SubaccountRouter addSubaccount + action count + expiry). The agent sends SubaccountRouter.multicall(sendWnt(vault,
 * fee), createOrder(account, params)), paying the execution fee in ETH; GMX pulls the collateral from the account.
 *
 * Orders are asynchronous: the transaction creates the order (OrderCreated, with its key); GMX's keeper executes it
 * (OrderExecuted with PositionIncrease/PositionDecrease and PositionFeesCollected) or cancels / freezes it, later, in
 * another transaction. placeOrder and closePosition return PENDING with the transaction hash (handed to onSubmitting
 * before broadcast) and orderStatus follows the order by its events. Not executed within keeperTimeoutMs, it is
 * REJECTED and releaseOrder cancels it on chain (possible once GMX's request expiration has passed).
 *
 * Stop loss / take profit are not sent as GMX trigger orders: Conduit's position monitor closes positions at their
 * levels (a trigger order would need its own keeper fee, be left behind when the position is closed otherwise, and
 * need its own reconciliation).
 */
export class GmxAdapter implements VenueAdapter {
  readonly venue = 'GMX' as const;
  readonly mode = 'live' as const;
  readonly provider: JsonRpcProvider;
  private readonly net: GmxNetwork;
  private readonly reader: GmxChainReader;
  private readonly sender: EvmTxSender;
  private readonly tickers: GmxTickers | null;
  private readonly tracker: GmxOrderTracker;
  private readonly submitted = new SubmittedOrders();

  constructor(private readonly options: GmxAdapterOptions) {
    this.provider = evmProvider(options.rpcUrl, options.chainId, options.rpcTimeoutMs ?? 10_000);
    this.net = options.addresses;
    this.reader = new GmxChainReader(this.provider, this.net, options.logLookbackBlocks ?? 500_000, options.logChunkBlocks ?? 50_000);
    this.sender = new EvmTxSender(this.provider, options.chainId, { revertOf: gmxRevertOf });
    this.tickers = options.tickersUrl ? new GmxTickers(options.tickersUrl) : null;
    this.tracker = new GmxOrderTracker(this.reader, this.net, options);
  }

  destroy(): void {
    this.provider.destroy();
  }

  /** What the user sends once so that `agent` trades for them, with an allowance of `usdcAmount` USDC. */
  approvalTransactions(account: string, agent: string, usdcAmount: string, options?: GmxApprovalOptions): GmxUserTransaction[] {
    return gmxApprovalTransactions(this.net, account, agent, usdcAmount, options);
  }

  // ---- market data ---------------------------------------------------------------------------------------

  async markets(): Promise<MarketInfo[]> {
    const markets = await this.reader.markets(true);
    return markets.map((m) => {
      const szDecimals = Math.min(m.indexDecimals, 6);
      return {
        symbol: m.symbol,
        index: m.index,
        pair: `${m.symbol}/USD`,
        szDecimals,
        maxLeverage: this.options.maxLeverage ?? 50,
        minSize: new Dec(10).pow(-szDecimals).toFixed(),
        minNotionalUsd: this.options.minNotionalUsd ?? '10',
        active: true,
      };
    });
  }

  /** GMX's oracle mark (its tickers' mid) when a tickers URL is configured, else the price source's. */
  async markPrice(symbol: string): Promise<Decimal | null> {
    const market = await this.market(symbol);
    if (!market) return null;
    if (!this.tickers) return this.options.prices.mark(this.venue, symbol);
    const price = (await this.tickers.prices()).get(getAddress(market.indexToken));
    return price ? tickerMid(price, market.indexDecimals) : null;
  }

  async markPrices(): Promise<Map<string, Decimal>> {
    const out = new Map<string, Decimal>();
    const tickers = this.tickers ? await this.tickers.prices() : null;
    for (const m of await this.reader.markets()) {
      const price = tickers?.get(getAddress(m.indexToken));
      const mark = tickers ? (price ? tickerMid(price, m.indexDecimals) : null) : await this.options.prices.mark(this.venue, m.symbol);
      if (mark) out.set(m.symbol, mark);
    }
    return out;
  }

  /**
   * GMX has no order book (oracle prices with a position price impact): a synthetic book whose average price for each
   * notional is GMX's execution price for an increase of that size (asks long, bids short), from the market's impact
   * factors and open interest in DataStore (impact-book.ts), so walking it measures the impact as slippage.
   */
  async orderBook(symbol: string, depth = 10): Promise<OrderBook> {
    const market = await this.market(symbol);
    const mark = market ? await this.options.prices.mark(this.venue, symbol) : null;
    if (!market || !mark) return { symbol, bids: [], asks: [], time: Date.now() };
    const now = (this.options.clock?.now() ?? new Date()).getTime();
    const state = await this.reader.impactState(market, now, this.options.impactCacheMs ?? 60_000);
    return impactBook(symbol, mark, state, depth, this.options.impactBookLevelsUsd);
  }

  feeSchedule(): FeeSchedule {
    const bps = this.options.positionFeeBps ?? '5';
    return { takerBps: bps, makerBps: bps };
  }

  health(): Promise<VenueHealth> {
    return chainHealth(this.provider, this.options.chainId);
  }

  // ---- account -------------------------------------------------------------------------------------------

  /** USDC in the wallet is free collateral; equity adds the collateral held by open positions. */
  async accountState(address: string): Promise<AccountState> {
    const [balance, positions] = await Promise.all([this.reader.usdcBalance(address), this.reader.positions(address)]);
    const locked = positions.reduce((sum, p) => sum + (p.collateralToken === this.net.usdc ? p.collateralAmount : 0n), 0n);
    const usdc = (units: bigint) => new Dec(units.toString()).div(1e6);
    return { equity: toMoney(usdc(balance + locked)), freeCollateral: toMoney(usdc(balance)) };
  }

  async openPositions(address: string): Promise<VenuePosition[]> {
    const [positions, markets] = await Promise.all([this.reader.positions(address), this.reader.markets()]);
    const out: VenuePosition[] = [];
    for (const p of positions) {
      const market = markets.find((m) => m.marketToken === p.market);
      if (!market) continue;
      out.push(positionOf(market, p, await this.options.prices.mark(this.venue, market.symbol)));
    }
    return out;
  }

  fills(address: string, sinceMs?: number): Promise<Fill[]> {
    return this.tracker.fills(address, sinceMs);
  }

  // ---- trading -------------------------------------------------------------------------------------------

  /** Leverage is chosen per order (collateral = size ÷ leverage): nothing to set. */
  async setLeverage(_account: TradingAccount, _symbol: string, _leverage: number): Promise<void> {
    return;
  }

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const cloid = order.clientOrderId;
    const again = await this.alreadySubmitted(order.account, cloid, order.symbol);
    if (again) return again;
    const market = await this.market(order.symbol);
    if (!market) return rejected(cloid, `${order.symbol} is not listed on GMX`);
    if (!order.account.signer) return rejected(cloid, 'live GMX orders need the deployment agent wallet');
    const qty = dec(order.qty);
    if (!qty.isFinite() || qty.lte(0)) return rejected(cloid, 'order size must be positive');
    const reference = order.referencePrice ? dec(order.referencePrice) : await this.markPrice(order.symbol);
    if (!reference || reference.lte(0)) return rejected(cloid, `no mark price for ${order.symbol} on GMX`);
    const account = getAddress(order.account.address);
    const ctx = this.planContext(account, market);

    if (order.reduceOnly) {
      const position = (await this.reader.positions(account)).find(
        (p) => p.market === market.marketToken && p.isLong === (order.side === 'SELL'),
      );
      if (!position) return rejected(cloid, `no ${order.side === 'SELL' ? 'long' : 'short'} ${order.symbol} position on GMX to reduce`);
      const size = decreaseSizeUsd(position, qty, market.indexDecimals);
      return this.submit(order.account, cloid, planDecrease(ctx, position, size, reference, order.maxSlippageBps), order.onSubmitting);
    }

    const leverage = order.leverage ?? this.options.defaultLeverage ?? 2;
    const maxLeverage = this.options.maxLeverage ?? 50;
    if (!(leverage >= 1 && leverage <= maxLeverage)) return rejected(cloid, `leverage must be in [1, ${maxLeverage}], got ${leverage}`);
    const minNotional = dec(this.options.minNotionalUsd ?? '10');
    if (qty.mul(reference).lt(minNotional)) return rejected(cloid, `order notional below GMX's minimum of ${minNotional.toFixed()} USD`);
    const side = order.side === 'BUY' ? 'LONG' : 'SHORT';
    const plan = planIncrease(ctx, side, qty, reference, leverage, order.maxSlippageBps);
    if ('error' in plan) return rejected(cloid, plan.error);
    const [balance, allowance] = await Promise.all([this.reader.usdcBalance(account), this.reader.usdcAllowance(account)]);
    const need = toMoney(new Dec(plan.collateral6.toString()).div(1e6));
    if (balance < plan.collateral6) return rejected(cloid, `the account holds less USDC than the ${need} USDC collateral`);
    if (allowance < plan.collateral6)
      return rejected(cloid, `the account allows GMX's Router less USDC than the ${need} USDC collateral: approve it first`);
    return this.submit(order.account, cloid, plan, order.onSubmitting);
  }

  /** A MarketDecrease of the whole position (size = its sizeInUsd; its collateral comes back with the PnL). */
  async closePosition(account: TradingAccount, symbol: string, clientOrderId: string, maxSlippageBps: string): Promise<OrderResult> {
    const again = await this.alreadySubmitted(account, clientOrderId, symbol);
    if (again) return again;
    const market = await this.market(symbol);
    if (!market) return rejected(clientOrderId, `${symbol} is not listed on GMX`);
    if (!account.signer) return rejected(clientOrderId, 'live GMX orders need the deployment agent wallet');
    const owner = getAddress(account.address);
    const open = (await this.reader.positions(owner)).filter((p) => p.market === market.marketToken);
    if (!open.length) return rejected(clientOrderId, `no open ${symbol} position on GMX`);
    if (open.length > 1) return rejected(clientOrderId, `both a long and a short ${symbol} position are open on GMX`);
    const mark = await this.markPrice(symbol);
    if (!mark || mark.lte(0)) return rejected(clientOrderId, `no mark price for ${symbol} on GMX`);
    const position: RawGmxPosition = open[0];
    const plan = planDecrease(this.planContext(owner, market), position, position.sizeInUsd, mark, maxSlippageBps);
    return this.submit(account, clientOrderId, plan);
  }

  async orderStatus(_account: TradingAccount, ref: OrderRef): Promise<OrderResult | null> {
    const hash = ref.venueOrderId ?? this.submitted.hashOf(ref.clientOrderId) ?? null;
    if (!hash || !isHexString(hash, 32)) return null;
    return this.tracker.status(ref.clientOrderId, hash);
  }

  /**
   * Cancels an order the keeper did not execute (SubaccountRouter.cancelOrder, collateral refunded), so it can no
   * longer be executed; waits for the cancel to be mined. Nothing to do when GMX no longer holds the order. Throws when
   * GMX refuses the cancel (before its request expiration: RequestNotYetCancellable) — ask again later.
   */
  async releaseOrder(account: TradingAccount, ref: OrderRef): Promise<void> {
    const hash = ref.venueOrderId ?? this.submitted.hashOf(ref.clientOrderId);
    if (!hash || !isHexString(hash, 32) || !account.signer) return;
    const created = await this.tracker.createdBy(hash);
    if (!created || !(await this.reader.orderExists(created.key))) return;
    const cancel = encodeSubaccountCancelOrder(created.key);
    const sent = await this.sender.send(account.signer, { to: this.net.subaccountRouter, data: cancel.data });
    if (sent.status === 'reverted') throw new Error(`GMX will not cancel order ${created.key} yet: ${sent.reason}`);
    if (sent.status === 'refused') throw new Error(`the node refused the cancel of GMX order ${created.key}: ${sent.reason}`);
    const receipt = await this.provider.waitForTransaction(sent.hash, 1, this.options.keeperTimeoutMs ?? 60_000);
    if (!receipt || receipt.status !== 1) throw new Error(`the cancel of GMX order ${created.key} did not go through (${sent.hash})`);
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private async market(symbol: string): Promise<GmxMarket | undefined> {
    return (await this.reader.markets()).find((m) => m.symbol === symbol);
  }

  private planContext(account: string, market: GmxMarket): PlanContext {
    const executionFee = this.options.executionFeeWei ?? DEFAULT_EXECUTION_FEE;
    return { net: this.net, account, market, executionFee, referralCode: this.options.referralCode };
  }

  /** Sends through the agent's sender; the hash goes to onSubmitting and to memory before it is broadcast. */
  private async submit(
    account: TradingAccount,
    cloid: string,
    plan: GmxPlan,
    onSubmitting?: (id: string) => Promise<void>,
  ): Promise<OrderResult> {
    if ('error' in plan) return rejected(cloid, plan.error);
    const { data, value } = plan.call;
    const sent = await this.sender.send(account.signer!, { to: this.net.subaccountRouter, data, value }, async (hash) => {
      await onSubmitting?.(hash); // if the caller cannot store the hash, nothing is sent
      this.submitted.remember(cloid, hash);
    });
    if (sent.status === 'reverted') return rejected(cloid, `GMX would revert the order: ${sent.reason}`);
    if (sent.status === 'refused') {
      this.submitted.forget(cloid);
      return rejected(cloid, `the node refused the transaction: ${sent.reason}`, sent.hash);
    }
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
