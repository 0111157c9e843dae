import { getAddress, ZeroAddress } from 'ethers';
import { dec } from '@conduit/domain';
import { decodeGmxLog, GmxEventItems } from '@conduit/venue';
import { parseExactUnits, priceFromGmx, priceToGmx, toFloat30 } from '@conduit/venue';
import { GMX_NETWORKS, gmxNetwork, GmxNetwork, GmxTicker } from '@conduit/venue';
import { ChainLedger } from './evm/ledger';
import { JsonRpcServer, RpcBackend } from './evm/rpc-server';
import { RpcError } from './evm/evm-types';
import {
  balanceOf,
  Ctx,
  emptyState,
  GmxChainCall,
  GmxChainMarket,
  GmxChainOptions,
  GmxState,
  lc,
  Revert,
  setBalance,
} from './gmx/chain-state';
import { GmxContracts } from './gmx/contracts';
import { addOpenInterest, openInterestOf, seedPositionImpact } from './gmx/impact';
import { GmxKeeper } from './gmx/keeper';
import { ChainMarket } from './gmx/views';

export type { GmxChainCall, GmxChainMarket, GmxChainOptions } from './gmx/chain-state';

/** A GMX event the chain emitted (EventLog1/EventLog2), decoded into its items. */
export interface GmxChainEvent {
  name: string;
  topic1: string;
  topic2: string | null;
  items: GmxEventItems;
  blockNumber: number;
  transactionHash: string;
}

const DEFAULT_MARKETS = [
  { symbol: 'ETH', indexDecimals: 18, maxLeverage: 100 },
  { symbol: 'BTC', indexDecimals: 8, maxLeverage: 100 },
];

/**
 * A local chain that speaks Ethereum JSON-RPC (evm/rpc-server over evm/ledger) with GMX v2's contracts as the adapter
 * reaches them — not an EVM: USDC (6 decimals) and WETH (the WNT) ERC20s, ExchangeRouter and SubaccountRouter,
 * Router.pluginTransfer, OrderVault, Reader (getMarkets, getAccountPositions, getOrder) and EventEmitter's real
 * EventLog1/EventLog2 logs. Every call is decoded with the real fragments; unknown selectors and malformed calldata
 * revert. Checks: subaccount registered, action count and expiry (as the deployed SubaccountRouter), receiver is the
 * account, execution fee ≥ minimum and covered by sendWnt, collateral pulled with the account's allowance to Router,
 * market listed, size > 0, market orders only, cancel only after the request expiration by the account or its
 * subaccount.
 *
 * The keeper is the test's: `setPrice(symbol, price)` and `executePending()` (or `autoExecuteMs`) execute each
 * pending order in its own keeper transaction at the oracle price (gmx/keeper.ts); `holdKeeper()` stops it,
 * `freezeNextOrder(reason)` freezes the next one. The chain's clock is the wall clock plus `advanceTime(seconds)`.
 */
export class GmxChain implements RpcBackend {
  readonly chainId: number;
  readonly network: GmxNetwork;
  readonly markets: ChainMarket[];
  readonly calls: GmxChainCall[] = [];
  readonly ledger: ChainLedger<GmxState>;

  private readonly contracts: GmxContracts;
  private readonly keeper: GmxKeeper;
  private readonly server: JsonRpcServer;
  private readonly prices = new Map<string, bigint>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private offsetSec = 0;
  private held = false;
  private freezeReason: string | null = null;
  private executedCount = 0;
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  private constructor(private readonly options: GmxChainOptions) {
    this.network = gmxNetwork('local', options.network ?? {});
    this.chainId = options.chainId ?? this.network.chainId;
    const markets: GmxChainMarket[] = options.markets ?? DEFAULT_MARKETS;
    this.markets = markets.map((m, i) => ({
      symbol: m.symbol,
      indexDecimals: m.indexDecimals,
      maxLeverage: m.maxLeverage ?? 50,
      marketToken: getAddress(m.marketToken ?? `0x${(0xe100 + i).toString(16).padStart(40, '0')}`),
      indexToken: getAddress(m.indexToken ?? `0x${(0xe200 + i).toString(16).padStart(40, '0')}`),
    }));
    this.ledger = new ChainLedger<GmxState>(this.chainId, options.baseFeePerGas ?? 10_000_000n, emptyState(), 'gmx-local');
    this.contracts = new GmxContracts(this.network, this.markets, options, this.calls);
    this.keeper = new GmxKeeper(this.ledger, this.chainId, this.network, this.contracts, this.markets, options);
    this.server = new JsonRpcServer(this);
    seedPositionImpact(
      this.ledger.state,
      this.markets.map((m, i) => ({ ...m, positionImpact: markets[i].positionImpact })),
      options,
    );
    for (const m of this.markets) setBalance(this.ledger.state, this.network.usdc, m.marketToken, parseExactUnits('10000000', 6));
    this.ledger.state.eth.set(lc(this.keeper.address), 10n ** 24n);
    this.ledger.mine([]); // genesis
  }

  static async start(options: GmxChainOptions = {}): Promise<GmxChain> {
    const chain = new GmxChain(options);
    await chain.server.listen();
    return chain;
  }

  static readonly ARBITRUM = GMX_NETWORKS.arbitrum;

  get url(): string {
    return this.server.url;
  }

  get keeperAddress(): string {
    return this.keeper.address;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.server.close();
  }

  // ---- test controls -------------------------------------------------------------------------------------

  /** Credits USDC (decimal string) to an address. */
  fund(address: string, usdc: string): void {
    const s = this.ledger.state;
    setBalance(s, this.network.usdc, address, balanceOf(s, this.network.usdc, address) + parseExactUnits(usdc, 6, 'USDC'));
  }

  /** Credits ETH (decimal string, in ether) for gas and execution fees. */
  fundEth(address: string, ether: string): void {
    const key = lc(getAddress(address));
    this.ledger.state.eth.set(key, (this.ledger.state.eth.get(key) ?? 0n) + parseExactUnits(ether, 18, 'ETH'));
  }

  usdcBalance(address: string): string {
    return dec(balanceOf(this.ledger.state, this.network.usdc, address).toString())
      .div(1e6)
      .toFixed();
  }

  /** The oracle price of a market's index token (USD per whole token, decimal string). */
  setPrice(symbol: string, price: string): void {
    this.prices.set(symbol, priceToGmx(price, this.market(symbol).indexDecimals));
  }

  /** The oracle prices as GMX's REST API answers `/prices/tickers` (min = max: the keeper's price), for markets priced. */
  tickers(): GmxTicker[] {
    return this.markets
      .filter((m) => this.prices.has(m.symbol))
      .map((m) => {
        const price = this.prices.get(m.symbol)!.toString();
        return { tokenAddress: m.indexToken, tokenSymbol: m.symbol, minPrice: price, maxPrice: price, updatedAt: Date.now() };
      });
  }

  /**
   * Sets a market's open interest (USD decimal strings, held as USDC-collateral open interest; the WETH-collateral part
   * is cleared), as if other traders held those positions: GMX's price impact depends on the long/short imbalance.
   */
  setOpenInterest(symbol: string, oi: { long: string; short: string }): void {
    const s = this.ledger.state;
    const market = this.market(symbol).marketToken;
    for (const isLong of [true, false]) {
      for (const token of [this.network.wnt, this.network.usdc])
        addOpenInterest(s, market, token, isLong, -openInterestOf(s, market, token, isLong));
      addOpenInterest(s, market, this.network.usdc, isLong, toFloat30(isLong ? oi.long : oi.short));
    }
  }

  /** A market's open interest (USD decimal strings), both collateral tokens summed. */
  openInterest(symbol: string): { long: string; short: string } {
    const s = this.ledger.state;
    const market = this.market(symbol).marketToken;
    const side = (isLong: boolean) =>
      priceFromGmx(openInterestOf(s, market, this.network.wnt, isLong) + openInterestOf(s, market, this.network.usdc, isLong), 0);
    return { long: side(true), short: side(false) };
  }

  setAutoExecute(ms: number | undefined): void {
    this.options.autoExecuteMs = ms;
  }

  /** A keeper that never executes (until releaseKeeper). */
  holdKeeper(): void {
    this.held = true;
  }

  releaseKeeper(): void {
    this.held = false;
  }

  /** The next order the keeper takes is frozen (OrderFrozen with this reason) instead of executed. */
  freezeNextOrder(reason = 'frozen by the local keeper'): void {
    this.freezeReason = reason;
  }

  /** Moves the chain's clock forward (request expiration, subaccount expiry). */
  advanceTime(seconds: number): void {
    this.offsetSec += seconds;
  }

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSec;
  }

  dropNextResponse(): void {
    this.server.dropNextResponse();
  }

  hasTransaction(hash: string): boolean {
    return this.ledger.tx(hash) !== undefined;
  }

  get blockNumber(): number {
    return this.ledger.blockNumber;
  }

  /** Open positions of an account, in decimal units (size USD, tokens, USDC collateral). */
  positions(account: string) {
    return [...this.ledger.state.positions.values()]
      .filter((p) => lc(p.account) === lc(account))
      .map((p) => {
        const m = this.markets.find((x) => lc(x.marketToken) === lc(p.market))!;
        return {
          symbol: m.symbol,
          isLong: p.isLong,
          sizeInUsd: priceFromGmx(p.sizeInUsd, 0),
          sizeInTokens: dec(p.sizeInTokens.toString()).div(dec(10).pow(m.indexDecimals)).toFixed(),
          collateral: dec(p.collateralAmount.toString()).div(1e6).toFixed(),
        };
      });
  }

  pendingOrders(): { key: string; account: string; isFrozen: boolean; orderType: number }[] {
    return [...this.ledger.state.orders.values()].map((o) => ({
      key: o.key,
      account: o.account,
      isFrozen: o.isFrozen,
      orderType: o.orderType,
    }));
  }

  /** GMX events emitted (oldest first), decoded; only those named `name` when given. */
  events(name?: string): GmxChainEvent[] {
    return this.ledger.getLogs({ fromBlock: '0x0', address: this.network.eventEmitter }).flatMap((log) => {
      const e = decodeGmxLog(log);
      if (!e || (name && e.name !== name)) return [];
      return [
        {
          name: e.name,
          topic1: e.topic1,
          topic2: e.topic2,
          items: e.items,
          blockNumber: e.blockNumber,
          transactionHash: e.transactionHash,
        },
      ];
    });
  }

  /** The keeper: every pending, unfrozen order whose market has a price, each in its own transaction. Returns how many. */
  executePending(): number {
    if (this.held) return 0;
    let done = 0;
    for (const order of [...this.ledger.state.orders.values()]) {
      const live = this.ledger.state.orders.get(lc(order.key));
      if (!live || live.isFrozen) continue;
      const market = this.markets.find((m) => lc(m.marketToken) === lc(live.market))!;
      const price = this.prices.get(market.symbol);
      if (!price) continue;
      const freeze = this.freezeReason;
      this.freezeReason = null;
      this.keeper.run(live, price, this.now(), freeze);
      done++;
      this.executedCount++;
    }
    for (const w of this.waiters.filter((w) => this.executedCount >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    return done;
  }

  /** Resolves once the keeper has taken `count` orders since the chain started. */
  keeperExecuted(count: number): Promise<void> {
    if (this.executedCount >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private market(symbol: string): ChainMarket {
    const m = this.markets.find((x) => x.symbol === symbol);
    if (!m) throw new Error(`no ${symbol} market on the local GMX chain`);
    return m;
  }

  // ---- RpcBackend ----------------------------------------------------------------------------------------

  isContract(address: string): boolean {
    return this.contracts.isContract(address);
  }

  sendRawTransaction(raw: string): string {
    const ledger = this.ledger;
    const { tx, from, nonce: expected } = ledger.admit(raw);

    const ctx = this.context('tx', tx.hash!);
    let status: 0 | 1 = 1;
    let gasUsed = this.contracts.gasFor(tx.to);
    try {
      if (tx.gasLimit < gasUsed) {
        gasUsed = tx.gasLimit;
        throw new Revert('0x', 'out of gas');
      }
      this.run(ctx, from, tx.to, tx.data, tx.value);
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      status = 0;
    }
    if (status === 1) ledger.state = ctx.s;
    ledger.state.nonces.set(lc(from), expected + 1);
    ledger.state.eth.set(lc(from), (ledger.state.eth.get(lc(from)) ?? 0n) - gasUsed * ledger.effectiveGasPrice(tx));
    ledger.mine([{ tx, status, gasUsed, logs: status === 1 ? ctx.logs : [] }]);
    if (status === 1 && ctx.created.length && this.options.autoExecuteMs != null) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.executePending();
      }, this.options.autoExecuteMs);
      timer.unref?.();
      this.timers.add(timer);
    }
    return tx.hash!;
  }

  simulate(via: 'call' | 'estimateGas', call: Record<string, string | undefined>, tag: unknown): { out: string; gas: bigint } {
    const ctx = this.context(via, null, this.ledger.stateAt(tag));
    const to = call.to;
    if (!to) throw new RpcError(-32000, 'contract creation is not supported by the local chain');
    const from = call.from ? getAddress(call.from) : ZeroAddress;
    try {
      const out = this.run(ctx, from, to, call.data ?? call.input ?? '0x', call.value ? BigInt(call.value) : 0n);
      return { out, gas: this.contracts.gasFor(to) };
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      throw new RpcError(3, `execution reverted: ${err.reason}`, err.data);
    }
  }

  private context(via: Ctx['via'], txHash: string | null, base: GmxState = this.ledger.state): Ctx {
    return { s: structuredClone(base), logs: [], via, txHash, now: this.now(), created: [] };
  }

  /** The call's ETH goes to the router (sendWnt spends it); plain transfers to an account just move ETH. */
  private run(ctx: Ctx, from: string, to: string, data: string, value: bigint): string {
    const s = ctx.s;
    if (value > 0n) {
      const have = s.eth.get(lc(from)) ?? 0n;
      if (have < value) throw new Revert('0x', 'insufficient balance for transfer');
      s.eth.set(lc(from), have - value);
      s.eth.set(lc(to), (s.eth.get(lc(to)) ?? 0n) + value);
    }
    if (!this.isContract(to)) return '0x';
    s.msgValueLeft = value;
    return this.contracts.dispatch(ctx, from, to, data);
  }
}
