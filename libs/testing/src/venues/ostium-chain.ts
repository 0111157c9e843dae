import { getAddress, Interface, ZeroAddress } from 'ethers';
import { dec } from '@conduit/domain';
import {
  CALLBACKS_ABI,
  ERC20_ABI,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  OSTIUM_NETWORKS,
  OSTIUM_PAIRS,
  toPrice18,
  toUsdc6,
  TRADING_ABI,
} from '@conduit/venue';
import {
  ChainAddresses,
  ChainCall,
  ChainPendingOrder,
  ChainTrade,
  Ctx,
  lc,
  LOCAL,
  OstiumChainOptions,
  plain,
  Revert,
  RpcError,
  State,
  emptyState,
} from './ostium/chain-state';
import { OstiumContracts } from './ostium/contracts';
import { OstiumKeeper } from './ostium/keeper';
import { ChainLedger } from './evm/ledger';
import { JsonRpcServer, RpcBackend } from './evm/rpc-server';

export type { ChainCall, ChainPendingOrder, ChainTrade, OstiumChainOptions } from './ostium/chain-state';

/** An event the chain emitted, decoded. */
export interface ChainEvent {
  name: string;
  address: string;
  blockNumber: number;
  transactionHash: string;
  args: Record<string, unknown>;
}

const EVENTS = new Interface([...TRADING_ABI, ...CALLBACKS_ABI, ...ERC20_ABI]);

/**
 * A local chain that speaks Ethereum JSON-RPC 2.0 (single and batch requests, as ethers v6 batches) and keeps
 * Ostium-shaped state in memory: a USDC ERC20, Trading (with Delegatable), TradingStorage, a registry, and the
 * callbacks contract the oracle keeper drives. There is no EVM: every call and transaction is decoded with the
 * real ABI (the one the adapter uses, `@conduit/venue`'s ostium/abi.ts) and re-encoded to check that it is well
 * formed (dirty high bits, trailing bytes or an unknown selector revert, as a Solidity contract would).
 *
 * Transactions are raw signed transactions (`Transaction.from`): the chain id is checked, `from` recovered, the
 * nonce must be exactly the next one, fees and gas are charged in ETH, and each transaction is mined at once into
 * its own block with a receipt and ABI-encoded logs. A reverted transaction is mined with status 0 and no logs.
 * Blocks keep a snapshot of the state, so eth_call at an older block sees the state of then.
 *
 * Trading enforces the v1.2.4 checks (ostium.json contract_checks_v1_2_4, as OstiumTrading.sol writes them): listed
 * pair, trades per pair (open + pending opens), pending market orders per trader, leverage within the pair's
 * [min, max], collateral ≤ max allowed, collateral × leverage ≥ the minimum position, TP/SL on the right side of
 * openPrice, 0 < slippageP < 10000, openPrice ≠ 0, and the collateral pulled from the trader by TradingStorage
 * with transferFrom (so the trader's allowance goes to TradingStorage). delegatedAction runs the inner call as
 * the trader, only for the trader's registered delegate, and bubbles the inner revert up (newer Delegatable).
 * Only MARKET orders are simulated (LIMIT/STOP revert with a local message).
 *
 * The oracle keeper is simulated: `setPrice(pairIndex, price)` and `fulfillPending()` (or the `autoFulfillMs`
 * option) fill each pending market order in its own keeper transaction, following OstiumTradingCallbacks:
 * an open fills at the oracle price if within slippage of the wanted price and TP/SL are not already reached,
 * charges the opening fee (maker/taker by open-interest imbalance, options `openingFeeBps`, `makerFeeBps`,
 * `makerMaxLeverage`, `vaultFeePercent`; DevFeeCharged and VaultOpeningFeeCharged), stores the trade at the first free
 * index with TP/SL corrected as the contract does (no TP → the 900 % cap) with the pair's rollover and funding
 * accumulators, and emits MarketOpenExecuted; otherwise it refunds the collateral (less the optional oracle fee) and
 * emits MarketOpenCanceled. A close pays back the trade's value: collateral + profit (capped at +900 %) − rollover
 * (option `rolloverFeePerBlock`, at least one unit as the contract charges) − funding (option `funding`, the pair's
 * rate model over its open interest), nothing once at or below the liquidation margin (`liqMarginThresholdP` scaled
 * by leverage / the pair's max leverage); FeesCharged records the two fees. Every figure is the venue's formula
 * (@conduit/venue pricing.ts and funding.ts, checked against the Ostium SDK's tables). The SDK's close slippage bound
 * (marketPrice, slippageP) is checked against the oracle price (an assumption: the public contracts predate that
 * argument). There is no spread or price impact: execution price = oracle price.
 *
 * Parts: ostium/rpc-server.ts (JSON-RPC over HTTP), ostium/ledger.ts (state, blocks, receipts, logs),
 * ostium/contracts.ts (USDC, Trading, TradingStorage, registry), ostium/keeper.ts (oracle keeper and callbacks),
 * ostium/fees.ts (opening fee, rollover, funding), ostium/chain-state.ts (options, state types and the primitives they
 * share). This class composes them and validates and mines transactions.
 */
export class OstiumChain implements RpcBackend {
  readonly chainId: number;
  readonly addresses: ChainAddresses;
  /** Every decoded call (transactions, eth_call, eth_estimateGas, keeper), oldest first. */
  readonly calls: ChainCall[] = [];
  readonly ledger: ChainLedger<State>;

  private readonly contracts: OstiumContracts;
  private readonly keeper: OstiumKeeper;
  private readonly server: JsonRpcServer;
  private readonly prices = new Map<number, bigint>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private settledCount = 0;
  private readonly settledWaiters: { count: number; resolve: () => void }[] = [];

  private constructor(private readonly options: OstiumChainOptions) {
    this.chainId = options.chainId ?? OSTIUM_NETWORKS.sepolia.chainId;
    const net = this.chainId === OSTIUM_NETWORKS.mainnet.chainId ? OSTIUM_NETWORKS.mainnet : OSTIUM_NETWORKS.sepolia;
    this.addresses = {
      trading: getAddress(options.tradingAddress ?? net.trading),
      storage: getAddress(options.storageAddress ?? net.tradingStorage),
      usdc: getAddress(options.usdcAddress ?? net.usdc),
      callbacks: getAddress(options.callbacksAddress ?? LOCAL.callbacks),
      registry: getAddress(options.registryAddress ?? LOCAL.registry),
      vault: LOCAL.vault,
    };
    const pairs = new Map<number, { minLeverage: number; maxLeverage: number }>();
    for (const p of options.pairs ?? OSTIUM_PAIRS.map((p) => ({ id: p.id, minLeverage: undefined, maxLeverage: p.maxLeverage })))
      pairs.set(p.id, { minLeverage: Math.round((p.minLeverage ?? 1) * 100), maxLeverage: Math.round(p.maxLeverage * 100) });
    this.ledger = new ChainLedger<State>(this.chainId, options.baseFeePerGas ?? 10_000_000n, emptyState(), 'ostium-local');
    this.contracts = new OstiumContracts(options, this.addresses, pairs, this.calls);
    this.keeper = new OstiumKeeper(this.ledger, this.chainId, this.addresses, this.calls, pairs, options);
    this.server = new JsonRpcServer(this);
    this.ledger.state.usdc.set(lc(this.addresses.vault), toUsdc6('10000000'));
    this.ledger.state.eth.set(lc(this.keeper.address), 10n ** 24n);
    this.ledger.mine([]); // genesis
  }

  /** Starts the JSON-RPC server on an ephemeral port of 127.0.0.1. */
  static async start(options: OstiumChainOptions = {}): Promise<OstiumChain> {
    const chain = new OstiumChain(options);
    await chain.server.listen();
    return chain;
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.server.close();
  }

  // ---- test controls -------------------------------------------------------------------------------------

  /** Credits USDC (decimal string) to an address, as a faucet would. */
  mintUsdc(address: string, amount: string): void {
    const key = lc(getAddress(address));
    const s = this.ledger.state;
    s.usdc.set(key, (s.usdc.get(key) ?? 0n) + toUsdc6(amount));
  }

  /** Credits ETH (decimal string, in ether) for gas. */
  fund(address: string, ether: string): void {
    const key = lc(getAddress(address));
    const s = this.ledger.state;
    s.eth.set(key, (s.eth.get(key) ?? 0n) + BigInt(dec(ether).mul(dec(10).pow(18)).toFixed(0)));
  }

  /** Turns the automatic keeper on (fulfil every pending order this long after it is initiated) or off (undefined). */
  setAutoFulfill(ms: number | undefined): void {
    this.options.autoFulfillMs = ms;
  }

  /** Sets the oracle price of a pair (decimal string). */
  setPrice(pairIndex: number, price: string): void {
    this.prices.set(pairIndex, toPrice18(price));
  }

  /** Processes the next request that carries eth_sendRawTransaction, then destroys its socket without answering. */
  dropNextResponse(): void {
    this.server.dropNextResponse();
  }

  usdcBalance(address: string): string {
    return fromUsdc6(this.ledger.state.usdc.get(lc(getAddress(address))) ?? 0n).toFixed();
  }

  hasTransaction(hash: string): boolean {
    return this.ledger.tx(hash) !== undefined;
  }

  get blockNumber(): number {
    return this.ledger.blockNumber;
  }

  trades(trader: string): ChainTrade[] {
    const key = lc(getAddress(trader));
    return [...this.ledger.state.trades.values()]
      .filter((t) => lc(t.trader) === key)
      .sort((a, b) => a.pairIndex - b.pairIndex || a.index - b.index)
      .map((t) => ({
        trader: t.trader,
        pairIndex: t.pairIndex,
        index: t.index,
        buy: t.buy,
        collateral: fromUsdc6(t.collateral).toFixed(),
        openPrice: fromPrice18(t.openPrice).toFixed(),
        tp: fromPrice18(t.tp).toFixed(),
        sl: fromPrice18(t.sl).toFixed(),
        leverage: fromLeverage2(t.leverage).toFixed(),
        tradeId: t.tradeId.toString(),
      }));
  }

  /** The events the chain emitted (oldest first), decoded with the real ABI; only those named `name` when given. */
  events(name?: string): ChainEvent[] {
    return this.ledger.getLogs({ fromBlock: '0x0' }).flatMap((log) => {
      const parsed = EVENTS.parseLog(log);
      if (!parsed || (name && parsed.name !== name)) return [];
      const args = plain(parsed.args) as Record<string, unknown>;
      return [{ name: parsed.name, address: log.address, blockNumber: log.blockNumber, transactionHash: log.transactionHash, args }];
    });
  }

  pendingOrders(): ChainPendingOrder[] {
    return [...this.ledger.state.pending.values()].map((o) => ({
      orderId: o.orderId.toString(),
      open: o.open,
      trader: o.trader,
      pairIndex: o.pairIndex,
      index: o.index,
      txHash: o.txHash,
    }));
  }

  /**
   * The keeper: fills or cancels every pending market order whose pair has an oracle price, each in its own
   * keeper transaction and block. Returns how many orders it settled.
   */
  fulfillPending(): number {
    let settled = 0;
    const orders = [...this.ledger.state.pending.values()].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    for (const order of orders) {
      if (!this.ledger.state.pending.has(order.orderId.toString())) continue;
      const price = this.prices.get(order.pairIndex);
      if (price === undefined || price === 0n) continue;
      this.keeper.settle(order, price);
      settled++;
      this.settledCount++;
    }
    for (const w of this.settledWaiters.filter((w) => this.settledCount >= w.count)) {
      this.settledWaiters.splice(this.settledWaiters.indexOf(w), 1);
      w.resolve();
    }
    return settled;
  }

  /** Resolves once the keeper has settled `count` orders since the chain started (at once if it has). */
  keeperSettled(count: number): Promise<void> {
    if (this.settledCount >= count) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push({ count, resolve }));
  }

  // ---- transactions and calls (RpcBackend) ---------------------------------------------------------------

  isContract(address: string): boolean {
    return this.contracts.contractOf(address) !== null;
  }

  sendRawTransaction(raw: string): string {
    const ledger = this.ledger;
    const { tx, from, nonce: expected } = ledger.admit(raw);

    const ctx: Ctx = {
      s: structuredClone(ledger.state),
      logs: [],
      via: 'tx',
      txHash: tx.hash!,
      block: ledger.blocks.length,
      initiated: [],
    };
    let status: 0 | 1 = 1;
    let gasUsed = 21_000n;
    try {
      gasUsed = this.contracts.gasFor(tx.to, tx.data);
      if (tx.gasLimit < gasUsed) {
        gasUsed = tx.gasLimit;
        throw new Revert('0x', 'out of gas');
      }
      if (tx.value > 0n && !this.isContract(tx.to)) moveEth(ctx.s, from, tx.to, tx.value);
      else this.contracts.dispatch(ctx, from, tx.to, tx.data, tx.value);
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      status = 0;
    }
    if (status === 1) ledger.state = ctx.s;
    const price = ledger.effectiveGasPrice(tx);
    ledger.state.nonces.set(lc(from), expected + 1);
    ledger.state.eth.set(lc(from), (ledger.state.eth.get(lc(from)) ?? 0n) - gasUsed * price);
    ledger.mine([{ tx, status, gasUsed, logs: status === 1 ? ctx.logs : [] }]);
    if (status === 1 && ctx.initiated.length && this.options.autoFulfillMs != null) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.fulfillPending();
      }, this.options.autoFulfillMs);
      timer.unref?.();
      this.timers.add(timer);
    }
    return tx.hash!;
  }

  /** eth_call / eth_estimateGas: runs on a copy of the state; throws RpcError code 3 on revert. */
  simulate(via: 'call' | 'estimateGas', call: Record<string, string | undefined>, tag: unknown): { out: string; gas: bigint } {
    const base = this.ledger.stateAt(tag);
    const ctx: Ctx = {
      s: structuredClone(base),
      logs: [],
      via,
      txHash: null,
      block: this.ledger.blockTag(tag) + (via === 'estimateGas' ? 1 : 0),
      initiated: [],
    };
    const to = call.to;
    const data = call.data ?? call.input ?? '0x';
    const from = call.from ? getAddress(call.from) : ZeroAddress;
    const value = call.value ? BigInt(call.value) : 0n;
    if (!to) throw new RpcError(-32000, 'contract creation is not supported by the local chain');
    try {
      const out = this.isContract(to) ? this.contracts.dispatch(ctx, from, to, data, value) : '0x';
      return { out, gas: this.contracts.gasFor(to, data) };
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      const decoded = err.data.startsWith('0x08c379a0') ? `: ${err.reason}` : '';
      throw new RpcError(3, `execution reverted${decoded}${err.data === '0x' ? ` (${err.reason})` : ''}`, err.data);
    }
  }
}

function moveEth(s: State, from: string, to: string, value: bigint): void {
  const balance = s.eth.get(lc(from)) ?? 0n;
  if (balance < value) throw new Revert('0x', 'insufficient balance for transfer');
  s.eth.set(lc(from), balance - value);
  s.eth.set(lc(to), (s.eth.get(lc(to)) ?? 0n) + value);
}
