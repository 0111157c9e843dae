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
import { pending, rejected } from '../ostium/orders';
import { scanStart } from '../evm/logs';
import { chainHealth, evmProvider } from '../evm/provider';
import { SpotAdapterOptions } from './adapter-options';
import { SpotChainReader } from './chain-reader';
import { encodeBuy, encodeSell, minimumOut, toTokenUnits } from './encoding';
import {
  bookLevels,
  boundOut,
  DEFAULT_ALIASES,
  filledOf,
  marketsOf,
  poolPrice,
  SpotMarket,
  spotSizeDecimals,
  units,
  USDC_DECIMALS,
} from './markets';
import { SpotNetwork } from './networks';
import { spotApprovalTransactions, SpotUserTransaction } from './onboarding';
import { SpotToken } from './token-list';
import { SpotTradeRunner } from './trade-runner';
import { SpotTxSender } from './tx-sender';

export type { SpotAdapterOptions } from './adapter-options';

const DEFAULT_FEES = [500, 3000, 10000];
const DEFAULT_LEVELS = ['1000', '5000', '25000', '100000', '500000'];

/**
 * SPOT: Uniswap v3 swaps on Arbitrum through SwapRouter02, long only at leverage 1, quoted in USDC.
 *
 * Agent model: the user's wallet holds the funds and approves the deployment's agent wallet once per token
 * (approvalTransactions: ERC-20 approve(agent, cap) on USDC and on each token it may sell). A trade is, under the agent's
 * lock: approve(router) by the agent once per token; transferFrom(user → agent) of the trade's input (only what the agent
 * does not already hold, so a retried trade never pulls twice); then exactInputSingle with recipient = the user and
 * amountOutMinimum = the larger of QuoterV2's quote × (1 − slippage) and the output at reference × (1 ± slippage), fee
 * excluded (both rounded up; an order whose quote is already beyond the reference bound is rejected unsent). The
 * swap's hash goes to onSubmitting before it is broadcast and the order is PENDING; orderStatus reads the mined swap
 * (FILLED: a buy's quantity is the tokens received) or its revert (REJECTED with the reason), and refunds to the user
 * what the agent holds after a failed swap.
 *
 * Marks come from the best pool's slot0 (the price a swap starts from), the price source only when no pool answers.
 * The order book is synthetic: levels between quotes of increasing sizes, fee taken out, so that the book-walking cost
 * model charges the pool's price impact and feeSchedule (the pools' fee tier) the fee. Positions are the user's wallet
 * balances of the listed tokens; closePosition sells what this agent bought and has not sold (from the token's Transfer
 * logs), at most the wallet balance.
 */
export class SpotAdapter implements VenueAdapter {
  readonly venue = 'SPOT' as const;
  readonly mode = 'live' as const;
  readonly provider: JsonRpcProvider;
  private readonly network: SpotNetwork;
  private readonly reader: SpotChainReader;
  private readonly runner: SpotTradeRunner;
  private readonly fees: number[];
  private marketList: SpotMarket[] | null = null;
  private readonly bestFee = new Map<string, { fee: number; at: number }>();
  /** Swaps this process sent, by client order id: the hash and when it was broadcast. */
  private readonly submitted = new Map<string, { hash: string; at: number }>();

  constructor(private readonly options: SpotAdapterOptions) {
    this.provider = evmProvider(options.rpcUrl, options.chainId, options.rpcTimeoutMs);
    this.network = { ...options.network, usdc: getAddress(options.network.usdc) };
    this.fees = options.feeTiers ?? DEFAULT_FEES;
    this.reader = new SpotChainReader(this.provider, this.network);
    const sender = new SpotTxSender(this.provider, options.chainId, {
      intervalMs: options.receiptPollMs ?? 250,
      timeoutMs: options.receiptTimeoutMs ?? 60_000,
    });
    this.runner = new SpotTradeRunner(this.reader, sender, this.network.swapRouter02);
    if (options.tokens) this.marketList = marketsOf(options.tokens, this.network.usdc, options.symbolAliases ?? DEFAULT_ALIASES);
  }

  destroy(): void {
    this.provider.destroy();
  }

  /** What the user signs once (USDC allowance to the agent and one per token it may sell). */
  approvalTransactions(user: string, agent: string, tokens: (SpotToken & { cap: string })[], usdcCap: string): SpotUserTransaction[] {
    return spotApprovalTransactions(this.network, user, agent, tokens, usdcCap);
  }

  // ---- market data ----------------------------------------------------------------------------------------------

  private async marketTable(): Promise<SpotMarket[]> {
    if (this.options.tokenSource) {
      const tokens = await this.options.tokenSource();
      this.marketList = marketsOf(tokens, this.network.usdc, this.options.symbolAliases ?? DEFAULT_ALIASES);
    }
    return this.marketList ?? [];
  }

  private async market(symbol: string): Promise<SpotMarket | null> {
    const list = this.marketList && !this.options.tokenSource ? this.marketList : await this.marketTable();
    return list.find((m) => m.symbol === symbol) ?? null;
  }

  /** The fee tier of the token's best USDC pool for a probe-sized buy (cached poolCacheMs); null when none quotes. */
  private async poolFee(m: SpotMarket): Promise<number | null> {
    const cached = this.bestFee.get(m.symbol);
    if (cached && this.now() - cached.at < (this.options.poolCacheMs ?? 60_000)) return cached.fee;
    const probe = toTokenUnits(this.options.probeUsd ?? '1000', USDC_DECIMALS);
    const best = await this.reader.bestQuote(this.network.usdc, m.token.address, probe, this.fees);
    if (!best) return null;
    this.bestFee.set(m.symbol, { fee: best.fee, at: this.now() });
    return best.fee;
  }

  async markets(): Promise<MarketInfo[]> {
    const list = await this.marketTable();
    const fees = await Promise.all(list.map((m) => this.poolFee(m).catch(() => null)));
    return list.map((m, i) => ({
      symbol: m.symbol,
      index: i,
      pair: `${m.token.symbol}/USDC`,
      szDecimals: m.szDecimals,
      maxLeverage: 1,
      minSize: new Dec(10).pow(-m.szDecimals).toFixed(),
      minNotionalUsd: null,
      active: fees[i] !== null,
    }));
  }

  /** The best pool's price (slot0), else the price source's mark. */
  async markPrice(symbol: string): Promise<Decimal | null> {
    const m = await this.market(symbol);
    if (!m) return null;
    const fee = await this.poolFee(m).catch(() => null);
    const pool = fee === null ? null : await this.reader.poolAddress(m.token.address, this.network.usdc, fee);
    if (pool) return poolPrice(await this.reader.sqrtPriceX96(pool), m.token, this.network.usdc);
    return this.options.prices.mark(this.venue, symbol);
  }

  async markPrices(): Promise<Map<string, Decimal>> {
    const list = await this.marketTable();
    const marks = await Promise.all(list.map((m) => this.markPrice(m.symbol).catch(() => null)));
    const out = new Map<string, Decimal>();
    list.forEach((m, i) => marks[i] && out.set(m.symbol, marks[i]!));
    return out;
  }

  /** A synthetic book from the best pool's quotes at bookLevelsUsd (asks: buys of that USDC; bids: sells of its worth). */
  async orderBook(symbol: string, depth = 5): Promise<OrderBook> {
    const time = Date.now();
    const m = await this.market(symbol);
    const fee = m ? await this.poolFee(m) : null;
    const mark = m ? await this.markPrice(symbol) : null;
    if (!m || fee === null || !mark) return { symbol, bids: [], asks: [], time };
    const levels = (this.options.bookLevelsUsd ?? DEFAULT_LEVELS).slice(0, depth);
    const [asks, bids] = await Promise.all([
      Promise.all(
        levels.map(async (usd) => {
          const input = toTokenUnits(usd, USDC_DECIMALS);
          return { input, output: (await this.reader.quote(this.network.usdc, m.token.address, input, fee)) ?? 0n };
        }),
      ),
      Promise.all(
        levels.map(async (usd) => {
          const input = toTokenUnits(dec(usd).div(mark).toDecimalPlaces(m.token.decimals, Decimal.ROUND_DOWN).toFixed(), m.token.decimals);
          return { input, output: (await this.reader.quote(m.token.address, this.network.usdc, input, fee)) ?? 0n };
        }),
      ),
    ]);
    return { symbol, asks: bookLevels(asks, 'ask', m.token, fee), bids: bookLevels(bids, 'bid', m.token, fee), time };
  }

  /** The pools' fee tier in bps (the highest among the tokens' best pools once known; 30 bps before). */
  feeSchedule(): FeeSchedule {
    const fees = [...this.bestFee.values()].map((f) => f.fee);
    const bps = new Dec(fees.length ? Math.max(...fees) : 3000).div(100).toFixed();
    return { takerBps: bps, makerBps: bps };
  }

  health(): Promise<VenueHealth> {
    return chainHealth(this.provider, this.options.chainId);
  }

  // ---- account ----------------------------------------------------------------------------------------------------

  /** Equity: the wallet's USDC plus its listed tokens at their marks; free collateral: its USDC. */
  async accountState(address: string): Promise<AccountState> {
    const usdc = units(await this.reader.balanceOf(this.network.usdc, address), USDC_DECIMALS);
    const positions = await this.openPositions(address);
    const marks = await Promise.all(positions.map((p) => this.markPrice(p.symbol).catch(() => null)));
    const held = positions.reduce((sum, p, i) => sum.plus(marks[i] ? dec(p.qty).mul(marks[i]!) : 0), new Dec(0));
    return { equity: toMoney(usdc.plus(held)), freeCollateral: toMoney(usdc) };
  }

  /** The wallet's balances of the listed tokens, each a LONG at leverage 1 (a spot wallet has no entry price). */
  async openPositions(address: string): Promise<VenuePosition[]> {
    const list = await this.marketTable();
    const balances = await Promise.all(list.map((m) => this.reader.balanceOf(m.token.address, address)));
    return list.flatMap((m, i) =>
      balances[i] > 0n
        ? [
            {
              symbol: m.symbol,
              side: 'LONG' as const,
              qty: units(balances[i], m.token.decimals).toFixed(),
              entryPrice: null,
              unrealizedPnl: null,
              leverage: 1,
            },
          ]
        : [],
    );
  }

  /**
   * Swaps through SwapRouter02 that paid the wallet a listed token or USDC for one (since fromBlock; sinceMs filters by
   * block time): BUY/SELL of the token at USDC ÷ tokens, fee as orderStatus. Whoever sent them (the user's own swaps
   * through the router too); spot has no realized PnL of its own (closedPnl 0).
   */
  async fills(address: string, sinceMs?: number): Promise<Fill[]> {
    const list = await this.marketTable();
    const swaps = await this.reader.swapsTo(address, await this.scanFrom(), this.options.logChunkBlocks ?? 50_000);
    return swaps.flatMap((swap) => {
      if (sinceMs != null && swap.timeMs < sinceMs) return [];
      const tokens = [swap.tokenIn, swap.tokenOut].map((t) => t.toLowerCase());
      if (!tokens.includes(this.network.usdc.toLowerCase())) return [];
      const m = list.find((x) => tokens.includes(x.token.address.toLowerCase()));
      if (!m) return [];
      const r = filledOf('', swap, m.token);
      const side = swap.tokenOut.toLowerCase() === m.token.address.toLowerCase() ? ('BUY' as const) : ('SELL' as const);
      return [
        {
          symbol: m.symbol,
          side,
          qty: r.filledQty,
          price: r.avgPrice!,
          fee: r.fee,
          closedPnl: '0',
          time: swap.timeMs,
          clientOrderId: null,
          venueOrderId: swap.hash,
        },
      ];
    });
  }

  async setLeverage(_account: TradingAccount, symbol: string, leverage: number): Promise<void> {
    if (leverage !== 1) throw new Error(`SPOT ${symbol} trades without leverage (1×), not ${leverage}×`);
  }

  // ---- trading ----------------------------------------------------------------------------------------------------

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const cloid = order.clientOrderId;
    const again = await this.alreadySubmitted(order.account, cloid, order.symbol);
    if (again) return again;
    if (order.leverage !== undefined && order.leverage !== 1)
      return rejected(cloid, `SPOT trades without leverage: ${order.leverage}× refused (spot holdings are 1×)`);
    if (order.side === 'SELL' && !order.reduceOnly)
      return rejected(cloid, 'SPOT is long only: a SELL must be reduce-only (it sells tokens the user holds; no shorts)');
    if (order.side === 'BUY' && order.reduceOnly) return rejected(cloid, 'SPOT has no short positions to reduce with a BUY');
    const m = await this.market(order.symbol);
    if (!m) return rejected(cloid, `${order.symbol} is not in the SPOT token registry`);
    if (!order.account.signer) return rejected(cloid, 'live SPOT orders need the deployment agent wallet');
    const qty = dec(order.qty);
    if (!qty.isFinite() || qty.lte(0)) return rejected(cloid, 'order size must be positive');
    const bps = Math.floor(Number(order.maxSlippageBps));
    if (!Number.isFinite(bps) || bps < 0 || bps >= 10_000)
      return rejected(cloid, `slippage ${order.maxSlippageBps} bps is not in [0, 10000)`);

    const buy = order.side === 'BUY';
    const reference = order.referencePrice ? dec(order.referencePrice) : await this.markPrice(order.symbol);
    if (!reference || reference.lte(0)) return rejected(cloid, `no price for ${order.symbol} on SPOT`);
    const amountIn = buy
      ? toTokenUnits(qty.mul(reference).toDecimalPlaces(USDC_DECIMALS, Decimal.ROUND_DOWN).toFixed(), USDC_DECIMALS)
      : toTokenUnits(qty.toDecimalPlaces(m.token.decimals, Decimal.ROUND_DOWN).toFixed(), m.token.decimals);
    if (amountIn <= 0n) return rejected(cloid, 'order too small: nothing to swap');
    const [tokenIn, tokenOut] = buy ? [this.network.usdc, m.token.address] : [m.token.address, this.network.usdc];
    const best = await this.reader.bestQuote(tokenIn, tokenOut, amountIn, this.fees);
    if (!best) return rejected(cloid, `no Uniswap v3 pool quotes ${m.token.symbol}/USDC`);
    const bound = boundOut(buy, amountIn, best.fee, reference, bps, m.token.decimals);
    if (best.amountOut < bound)
      return rejected(cloid, `the pool's price for this size is beyond ${reference.toFixed()} ± ${bps} bps (fee excluded): not sent`);
    const quoted = minimumOut(best.amountOut, bps);
    const swap = {
      base: m.token.address,
      quote: this.network.usdc,
      recipient: getAddress(order.account.address),
      fee: best.fee,
      amountIn,
      amountOutMinimum: quoted > bound ? quoted : bound,
    };
    const data = buy ? encodeBuy(swap).data : encodeSell(swap).data;
    const result = await this.runner.run(order.account, cloid, tokenIn, amountIn, data, async (hash) => {
      await order.onSubmitting?.(hash); // if the caller cannot store the hash, nothing is sent
      this.submitted.set(cloid, { hash, at: this.now() });
    });
    if (result.status === 'REJECTED') this.submitted.delete(cloid); // refused or never sent: a retry may send afresh
    return result;
  }

  /**
   * Sells what this agent bought of the token for the user and has not sold (Transfer logs since fromBlock), at most
   * the wallet's balance — the position's quantity, never the rest of the user's wallet.
   */
  async closePosition(account: TradingAccount, symbol: string, clientOrderId: string, maxSlippageBps: string): Promise<OrderResult> {
    const again = await this.alreadySubmitted(account, clientOrderId, symbol);
    if (again) return again;
    const m = await this.market(symbol);
    if (!m) return rejected(clientOrderId, `${symbol} is not in the SPOT token registry`);
    if (!account.signer) return rejected(clientOrderId, 'live SPOT orders need the deployment agent wallet');
    const [balance, held] = await Promise.all([
      this.reader.balanceOf(m.token.address, account.address),
      this.reader.agentHolding(
        account.address,
        account.signer.address,
        m.token.address,
        await this.scanFrom(),
        this.options.logChunkBlocks ?? 50_000,
      ),
    ]);
    const left = balance < held ? balance : held;
    // whole szDecimals units, as the buys were counted (filledOf): the dust below stays in the user's wallet
    const step = 10n ** BigInt(m.token.decimals - spotSizeDecimals(m.token));
    const qty = left - (left % step);
    if (qty <= 0n) return rejected(clientOrderId, `no SPOT ${symbol} bought by this agent is left in the wallet`);
    const order: OrderRequest = {
      clientOrderId,
      account,
      symbol,
      side: 'SELL',
      qty: units(qty, m.token.decimals).toFixed(),
      reduceOnly: true,
      maxSlippageBps,
    };
    return this.placeOrder(order);
  }

  private scanFrom(): Promise<number> {
    return scanStart(this.provider, this.options.fromBlock, this.options.logLookbackBlocks ?? 2_000_000);
  }

  async orderStatus(account: TradingAccount, ref: OrderRef): Promise<OrderResult | null> {
    const mine = this.submitted.get(ref.clientOrderId);
    const hash = ref.venueOrderId ?? mine?.hash ?? null;
    if (!hash || !isHexString(hash, 32)) return null;
    const cloid = ref.clientOrderId;
    const receipt = await this.provider.getTransactionReceipt(hash);
    if (!receipt) {
      // a node shows a pending transaction by its hash; one this process just sent may not be visible yet (or held)
      const tx = await this.provider.getTransaction(hash);
      const recent = mine?.hash === hash && this.now() - mine.at < (this.options.receiptTimeoutMs ?? 60_000);
      return tx || recent ? pending(cloid, hash) : null;
    }
    const tx = await this.provider.getTransaction(hash);
    if (!tx) return pending(cloid, hash);
    if (receipt.status !== 1) {
      const reason = await this.reader.minedRevertReason(tx, receipt);
      await this.runner.refundAfter(account, tx.data).catch(() => undefined); // asked again on the next look-up if it fails
      return rejected(cloid, `the swap reverted: ${reason}`, hash);
    }
    const swap = this.reader.swapOf(tx, receipt);
    if (typeof swap === 'string') return rejected(cloid, swap, hash);
    const m = (await this.marketTable()).find((x) =>
      [swap.tokenIn, swap.tokenOut].some((t) => t.toLowerCase() === x.token.address.toLowerCase()),
    );
    if (!m) return rejected(cloid, `the swap's token is not in the SPOT token registry`, hash);
    return filledOf(cloid, swap, m.token);
  }

  // ---- internals ----------------------------------------------------------------------------------------------------

  private now(): number {
    return this.options.clock ? this.options.clock.now().getTime() : Date.now();
  }

  private async alreadySubmitted(account: TradingAccount, cloid: string, symbol: string): Promise<OrderResult | null> {
    const mine = this.submitted.get(cloid);
    if (!mine) return null;
    const status = await this.orderStatus(account, { clientOrderId: cloid, venueOrderId: mine.hash, symbol });
    if (!status) this.submitted.delete(cloid); // never reached the chain: send it afresh (the pull is not repeated)
    return status;
  }
}
