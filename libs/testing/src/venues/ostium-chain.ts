import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { randomBytes } from 'crypto';
import {
  AbiCoder,
  computeAddress,
  encodeBytes32String,
  getAddress,
  Interface,
  isHexString,
  keccak256,
  Result,
  SigningKey,
  toQuantity,
  Transaction,
  ZeroAddress,
} from 'ethers';
import { dec } from '@conduit/domain';
import {
  callbacksInterface,
  erc20Interface,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  OSTIUM_NETWORKS,
  OSTIUM_PAIRS,
  registryInterface,
  storageInterface,
  toPrice18,
  toUsdc6,
  tradingInterface,
  RawTrade,
} from '@conduit/venue';

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
 * charges the opening fee (option `openingFeeBps`, on collateral × leverage, emitted as DevFeeCharged), stores the
 * trade at the first free index with TP/SL corrected as the contract does (no TP → the 900 % cap) and emits
 * MarketOpenExecuted; otherwise it refunds the collateral (less the optional oracle fee) and emits
 * MarketOpenCanceled. A close pays collateral × (1 + profitP) (profitP capped at +900 %, nothing below −90 %),
 * with integer math as the contract's; rollover and funding fees are zero (FeesCharged is emitted with zeros);
 * the SDK's close slippage bound (marketPrice, slippageP) is checked against the oracle price (an assumption: the
 * public contracts predate that argument). There is no spread or price impact: execution price = oracle price.
 */

export interface OstiumChainOptions {
  /** Default 421614 (Arbitrum Sepolia), whose contract addresses are the defaults. */
  chainId?: number;
  tradingAddress?: string;
  storageAddress?: string;
  usdcAddress?: string;
  /** Address of the callbacks contract (emits the execution events); an invented local address by default. */
  callbacksAddress?: string;
  registryAddress?: string;
  /** Fill pending market orders this long after they are initiated (off by default: call fulfillPending()). */
  autoFulfillMs?: number;
  maxTradesPerPair?: number;
  maxPendingMarketOrders?: number;
  /** Leverage limits by pairIndex; default: every pair of OSTIUM_PAIRS listed with 1× to its maxLeverage. */
  pairs?: { id: number; minLeverage?: number; maxLeverage: number }[];
  /** Minimum position (collateral × leverage) in USDC; default 5 (MIN_OPEN_SIZE_USD). */
  minLevPosUsd?: string;
  /** Maximum collateral per trade in USDC; default 1,000,000. */
  maxAllowedCollateral?: string;
  /** Opening fee in basis points of the leveraged size; default 0. */
  openingFeeBps?: string;
  /** Fee kept from the collateral of a canceled open, in USDC; default 0. */
  oracleFee?: string;
  /** Blocks before a pending market order may be timed out by its trader; default 0. */
  marketOrdersTimeoutBlocks?: number;
  /** Base fee in wei; default 0.01 gwei (Arbitrum-like). */
  baseFeePerGas?: bigint;
}

/** One decoded call to a contract of the chain, in the order they happened. */
export interface ChainCall {
  /** How the call reached the chain. */
  via: 'tx' | 'call' | 'estimateGas' | 'keeper';
  txHash: string | null;
  from: string;
  to: string;
  contract: 'USDC' | 'Trading' | 'TradingStorage' | 'Registry' | 'Callbacks';
  fn: string;
  args: Record<string, unknown>;
  /** Set on the inner call of delegatedAction: the delegate that sent it (`from` is the trader it runs as). */
  delegatedBy?: string;
  /** The revert, when the call reverted (decoded name or message). */
  reverted?: string;
}

export interface ChainTrade {
  trader: string;
  pairIndex: number;
  index: number;
  buy: boolean;
  /** USDC. */
  collateral: string;
  openPrice: string;
  tp: string;
  sl: string;
  /** Leverage ×. */
  leverage: string;
  tradeId: string;
}

export interface ChainPendingOrder {
  orderId: string;
  open: boolean;
  trader: string;
  pairIndex: number;
  index: number;
  txHash: string;
}

// ---- state ---------------------------------------------------------------------------------------------

interface StoredTrade extends RawTrade {
  tradeId: bigint;
  initialLeverage: number;
  beingMarketClosed: boolean;
}

interface PendingOrder extends Omit<RawTrade, 'openPrice'> {
  orderId: bigint;
  open: boolean;
  block: number;
  wantedPrice: bigint;
  slippageP: number;
  percentage: number;
  tradeId: bigint;
  txHash: string;
}

interface State {
  eth: Map<string, bigint>;
  nonces: Map<string, number>;
  usdc: Map<string, bigint>;
  allowances: Map<string, bigint>;
  delegations: Map<string, string>;
  trades: Map<string, StoredTrade>;
  pending: Map<string, PendingOrder>;
  nextOrderId: bigint;
  devFees: bigint;
}

function emptyState(): State {
  return {
    eth: new Map(),
    nonces: new Map(),
    usdc: new Map(),
    allowances: new Map(),
    delegations: new Map(),
    trades: new Map(),
    pending: new Map(),
    nextOrderId: 1000n,
    devFees: 0n,
  };
}

interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

interface StoredLog extends RawLog {
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
  logIndex: number;
}

interface Block {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  transactions: string[];
  gasUsed: bigint;
  baseFeePerGas: bigint;
}

interface MinedTx {
  tx: Transaction;
  blockNumber: number;
  blockHash: string;
  status: 0 | 1;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: StoredLog[];
}

interface Ctx {
  s: State;
  logs: RawLog[];
  via: ChainCall['via'];
  txHash: string | null;
  /** Number of the block the call executes in. */
  block: number;
  /** Orders initiated by this execution (for the auto keeper). */
  initiated: bigint[];
}

class Revert extends Error {
  constructor(
    readonly data: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
  }
}

const abi = AbiCoder.defaultAbiCoder();
const lc = (a: string) => a.toLowerCase();
const PRECISION_6 = 1_000_000n;
const MAX_GAIN_P = 900n;
const MAX_SL_P = 85n;
const LIQ_THRESHOLD_P = 90n;
const MAX_UINT256 = (1n << 256n) - 1n;

function errorString(message: string): Revert {
  return new Revert('0x08c379a0' + abi.encode(['string'], [message]).slice(2), message);
}

function customError(name: string, args: unknown[] = []): Revert {
  const data = tradingInterface.encodeErrorResult(name, args);
  return new Revert(data, `${name}(${args.map(String).join(', ')})`);
}

function plain(value: unknown): unknown {
  if (value instanceof Result) {
    try {
      const obj = value.toObject();
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)]));
    } catch {
      return value.toArray().map(plain);
    }
  }
  return value;
}

/** Invented local addresses of the contracts ostium.json does not name. */
const LOCAL = {
  callbacks: getAddress('0x00000000000000000000000000000000ca11bac5'),
  registry: getAddress('0x0000000000000000000000000000000000be9157'),
  vault: getAddress('0x000000000000000000000000000000000000da17'),
};

/** Gas a successful call uses (fixed per function: there is no EVM to meter it). */
const GAS: Record<string, bigint> = {
  approve: 46_000n,
  transfer: 52_000n,
  transferFrom: 60_000n,
  setDelegate: 47_000n,
  removeDelegate: 30_000n,
  openTrade: 420_000n,
  closeTradeMarket: 330_000n,
  openTradeMarketTimeout: 150_000n,
  closeTradeMarketTimeout: 150_000n,
};

export class OstiumChain {
  readonly chainId: number;
  readonly addresses: { trading: string; storage: string; usdc: string; callbacks: string; registry: string; vault: string };
  /** Every decoded call (transactions, eth_call, eth_estimateGas, keeper), oldest first. */
  readonly calls: ChainCall[] = [];
  url = '';

  private state: State = emptyState();
  private readonly blocks: Block[] = [];
  private readonly snapshots = new Map<number, State>();
  private readonly txs = new Map<string, MinedTx>();
  private readonly logs: StoredLog[] = [];
  private readonly prices = new Map<number, bigint>();
  private readonly pairs = new Map<number, { minLeverage: number; maxLeverage: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly keeper = new SigningKey('0x' + randomBytes(32).toString('hex'));
  private readonly keeperAddress: string;
  private readonly baseFee: bigint;
  private readonly minLevPos: bigint;
  private readonly maxAllowedCollateral: bigint;
  private readonly oracleFee: bigint;
  private readonly openingFeeMicroBps: bigint;
  private server: Server | null = null;
  private dropNext = false;

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
    const pairs: { id: number; minLeverage?: number; maxLeverage: number }[] =
      options.pairs ?? OSTIUM_PAIRS.map((p) => ({ id: p.id, maxLeverage: p.maxLeverage }));
    for (const p of pairs) {
      this.pairs.set(p.id, { minLeverage: Math.round((p.minLeverage ?? 1) * 100), maxLeverage: Math.round(p.maxLeverage * 100) });
    }
    this.keeperAddress = computeAddress(this.keeper.publicKey);
    this.baseFee = options.baseFeePerGas ?? 10_000_000n;
    this.minLevPos = toUsdc6(options.minLevPosUsd ?? '5');
    this.maxAllowedCollateral = toUsdc6(options.maxAllowedCollateral ?? '1000000');
    this.oracleFee = toUsdc6(options.oracleFee ?? '0');
    this.openingFeeMicroBps = BigInt(
      dec(options.openingFeeBps ?? '0')
        .mul(1e6)
        .toFixed(0),
    );
    this.state.usdc.set(lc(this.addresses.vault), toUsdc6('10000000'));
    this.state.eth.set(lc(this.keeperAddress), 10n ** 24n);
    this.mineBlock([]); // genesis
  }

  /** Starts the JSON-RPC server on an ephemeral port of 127.0.0.1. */
  static async start(options: OstiumChainOptions = {}): Promise<OstiumChain> {
    const chain = new OstiumChain(options);
    const server = createServer((req, res) => {
      chain.handleHttp(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    chain.server = server;
    chain.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return chain;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- test controls -------------------------------------------------------------------------------------

  /** Credits USDC (decimal string) to an address, as a faucet would. */
  mintUsdc(address: string, amount: string): void {
    const key = lc(getAddress(address));
    this.state.usdc.set(key, (this.state.usdc.get(key) ?? 0n) + toUsdc6(amount));
  }

  /** Credits ETH (decimal string, in ether) for gas. */
  fund(address: string, ether: string): void {
    const key = lc(getAddress(address));
    this.state.eth.set(key, (this.state.eth.get(key) ?? 0n) + BigInt(dec(ether).mul(dec(10).pow(18)).toFixed(0)));
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
    this.dropNext = true;
  }

  usdcBalance(address: string): string {
    return fromUsdc6(this.state.usdc.get(lc(getAddress(address))) ?? 0n).toFixed();
  }

  hasTransaction(hash: string): boolean {
    return this.txs.has(lc(hash));
  }

  get blockNumber(): number {
    return this.blocks.length - 1;
  }

  trades(trader: string): ChainTrade[] {
    const key = lc(getAddress(trader));
    return [...this.state.trades.values()]
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

  pendingOrders(): ChainPendingOrder[] {
    return [...this.state.pending.values()].map((o) => ({
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
    const orders = [...this.state.pending.values()].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    for (const order of orders) {
      if (!this.state.pending.has(order.orderId.toString())) continue;
      const price = this.prices.get(order.pairIndex);
      if (price === undefined || price === 0n) continue;
      this.keeperTx(order, price);
      settled++;
    }
    return settled;
  }

  // ---- contracts -----------------------------------------------------------------------------------------

  private contractOf(address: string): { name: ChainCall['contract']; iface: Interface } | null {
    switch (lc(address)) {
      case lc(this.addresses.usdc):
        return { name: 'USDC', iface: erc20Interface };
      case lc(this.addresses.trading):
        return { name: 'Trading', iface: tradingInterface };
      case lc(this.addresses.storage):
        return { name: 'TradingStorage', iface: storageInterface };
      case lc(this.addresses.registry):
        return { name: 'Registry', iface: registryInterface };
      case lc(this.addresses.callbacks):
        return { name: 'Callbacks', iface: callbacksInterface };
      default:
        return null;
    }
  }

  /** Runs a call in ctx; returns the ABI-encoded result; throws Revert. Calls to an EOA do nothing. */
  private dispatch(ctx: Ctx, sender: string, to: string, data: string, value: bigint, delegatedBy?: string): string {
    const contract = this.contractOf(to);
    if (!contract) return '0x';
    const record: ChainCall = {
      via: ctx.via,
      txHash: ctx.txHash,
      from: getAddress(sender),
      to: getAddress(to),
      contract: contract.name,
      fn: '',
      args: {},
    };
    if (delegatedBy) record.delegatedBy = delegatedBy;
    this.calls.push(record);
    const selector = data.slice(0, 10).toLowerCase();
    const fragment = data.length >= 10 ? contract.iface.getFunction(selector) : null;
    if (!fragment) {
      record.fn = `unknown(${selector || '0x'})`;
      record.reverted = `no function with selector ${selector || '(none)'} on ${contract.name}`;
      throw new Revert('0x', record.reverted);
    }
    record.fn = fragment.name;
    let args: Result;
    try {
      args = contract.iface.decodeFunctionData(fragment, data);
      if (lc(contract.iface.encodeFunctionData(fragment, args)) !== lc(data)) throw new Error('calldata is not in canonical ABI encoding');
    } catch (err) {
      record.reverted = `malformed calldata for ${fragment.name}: ${(err as Error).message}`;
      throw new Revert('0x', record.reverted);
    }
    record.args = plain(args) as Record<string, unknown>;
    try {
      if (value > 0n) throw errorString(`${contract.name}.${fragment.name} is not payable`);
      const out = this.execute(ctx, contract.name, fragment.name, args, getAddress(sender), record);
      return out === undefined ? '0x' : contract.iface.encodeFunctionResult(fragment, out);
    } catch (err) {
      if (err instanceof Revert) record.reverted = err.reason;
      throw err;
    }
  }

  private execute(
    ctx: Ctx,
    contract: ChainCall['contract'],
    fn: string,
    a: Result,
    sender: string,
    record: ChainCall,
  ): unknown[] | undefined {
    const s = ctx.s;
    if (contract === 'USDC') {
      switch (fn) {
        case 'balanceOf':
          return [s.usdc.get(lc(a[0])) ?? 0n];
        case 'allowance':
          return [s.allowances.get(`${lc(a[0])}|${lc(a[1])}`) ?? 0n];
        case 'decimals':
          return [6];
        case 'approve':
          if (a[0] === ZeroAddress) throw errorString('ERC20: approve to the zero address');
          s.allowances.set(`${lc(sender)}|${lc(a[0])}`, a[1]);
          this.emit(ctx, this.addresses.usdc, erc20Interface, 'Approval', [sender, a[0], a[1]]);
          return [true];
        case 'transfer':
          this.usdcTransfer(ctx, sender, a[0], a[1]);
          return [true];
        case 'transferFrom':
          this.usdcTransferFrom(ctx, sender, a[0], a[1], a[2]);
          return [true];
      }
    }
    if (contract === 'TradingStorage') {
      switch (fn) {
        case 'openTrades': {
          const t = s.trades.get(this.tradeKey(a[0], Number(a[1]), Number(a[2])));
          return t
            ? [t.collateral, t.openPrice, t.tp, t.sl, t.trader, t.leverage, t.pairIndex, t.index, t.buy]
            : [0n, 0n, 0n, 0n, ZeroAddress, 0, 0, 0, false];
        }
        case 'openTradesCount':
          return [this.openTradesCount(s, a[0], Number(a[1]))];
        case 'pendingOrderIdsCount':
          return [BigInt(this.pendingOf(s, a[0]).length)];
        case 'maxTradesPerPair':
          return [this.options.maxTradesPerPair ?? 3];
        case 'maxPendingMarketOrders':
          return [this.options.maxPendingMarketOrders ?? 5];
        case 'usdc':
          return [this.addresses.usdc];
      }
    }
    if (contract === 'Registry' && fn === 'getContractAddress') {
      const names: Record<string, string> = {
        [encodeBytes32String('trading')]: this.addresses.trading,
        [encodeBytes32String('tradingStorage')]: this.addresses.storage,
        [encodeBytes32String('callbacks')]: this.addresses.callbacks,
        [encodeBytes32String('vault')]: this.addresses.vault,
      };
      return [names[a[0]] ?? ZeroAddress];
    }
    if (contract === 'Trading') {
      switch (fn) {
        case 'delegations':
          return [s.delegations.get(lc(a[0])) ?? ZeroAddress];
        case 'registry':
          return [this.addresses.registry];
        case 'setDelegate':
          if (a[0] === ZeroAddress) throw customError('NullAddr');
          s.delegations.set(lc(sender), getAddress(a[0]));
          this.emit(ctx, this.addresses.trading, tradingInterface, 'DelegateAdded', [sender, a[0]]);
          return undefined;
        case 'removeDelegate': {
          const d = s.delegations.get(lc(sender));
          if (!d) throw customError('NoDelegate', [sender]);
          s.delegations.delete(lc(sender));
          this.emit(ctx, this.addresses.trading, tradingInterface, 'DelegateRemoved', [sender, d]);
          return undefined;
        }
        case 'delegatedAction': {
          const trader = getAddress(a[0]);
          const delegate = s.delegations.get(lc(trader));
          if (!delegate || lc(delegate) !== lc(sender)) throw customError('NotDelegate', [trader, sender]);
          // delegatecall to itself with msg.sender overridden; the inner revert is bubbled up
          const out = this.dispatch(ctx, trader, this.addresses.trading, a[1], 0n, sender);
          return [out];
        }
        case 'openTrade':
          this.openTrade(ctx, sender, a);
          return undefined;
        case 'closeTradeMarket':
          this.closeTradeMarket(ctx, sender, a);
          return undefined;
        case 'openTradeMarketTimeout':
        case 'closeTradeMarketTimeout':
          this.marketTimeout(ctx, sender, a[0], fn === 'openTradeMarketTimeout');
          return undefined;
      }
    }
    record.reverted = `${contract}.${fn} is not simulated by the local chain`;
    throw errorString(record.reverted);
  }

  private tradeKey(trader: string, pairIndex: number, index: number): string {
    return `${lc(trader)}|${pairIndex}|${index}`;
  }

  private openTradesCount(s: State, trader: string, pairIndex: number): number {
    let n = 0;
    for (const t of s.trades.values()) if (lc(t.trader) === lc(trader) && t.pairIndex === pairIndex) n++;
    return n;
  }

  private pendingOf(s: State, trader: string): PendingOrder[] {
    return [...s.pending.values()].filter((o) => lc(o.trader) === lc(trader));
  }

  private openTrade(ctx: Ctx, sender: string, a: Result): void {
    const s = ctx.s;
    const t = a[0];
    const orderType = Number(a[2]);
    const slippageP = a[3] as bigint;
    const pairIndex = Number(t.pairIndex);
    const leverage = Number(t.leverage);
    const collateral = t.collateral as bigint;
    const openPrice = t.openPrice as bigint;
    const tp = t.tp as bigint;
    const sl = t.sl as bigint;
    const buy = Boolean(t.buy);
    const pair = this.pairs.get(pairIndex);
    if (!pair) throw customError('PairNotListed', [pairIndex]);
    if (slippageP === 0n || slippageP >= 10000n || openPrice === 0n) throw customError('WrongParams');
    const max = this.options.maxTradesPerPair ?? 3;
    const pendingOpens = this.pendingOf(s, sender).filter((o) => o.open && o.pairIndex === pairIndex).length;
    if (this.openTradesCount(s, sender, pairIndex) + pendingOpens >= max) throw customError('MaxTradesPerPairReached', [sender, pairIndex]);
    if (this.pendingOf(s, sender).length >= (this.options.maxPendingMarketOrders ?? 5))
      throw customError('MaxPendingMarketOrdersReached', [sender]);
    if (leverage === 0 || leverage < pair.minLeverage || leverage > pair.maxLeverage) throw customError('WrongLeverage', [leverage]);
    if (collateral > this.maxAllowedCollateral) throw customError('AboveMaxAllowedCollateral');
    if ((collateral * BigInt(leverage)) / 100n < this.minLevPos) throw customError('BelowMinLevPos');
    if (tp !== 0n && (buy ? tp <= openPrice : tp >= openPrice)) throw customError('WrongTP');
    if (sl !== 0n && (buy ? sl >= openPrice : sl <= openPrice)) throw customError('WrongSL');
    // storageT.transferUsdc(sender, storage, collateral): TradingStorage spends the trader's allowance
    this.usdcTransferFrom(ctx, this.addresses.storage, sender, this.addresses.storage, collateral);
    if (orderType !== 0) throw errorString('local chain: only MARKET orders are simulated');
    const orderId = s.nextOrderId++;
    s.pending.set(orderId.toString(), {
      orderId,
      open: true,
      block: ctx.block,
      wantedPrice: openPrice,
      slippageP: Number(slippageP),
      collateral,
      tp,
      sl,
      trader: sender,
      leverage,
      pairIndex,
      index: 0,
      buy,
      percentage: 0,
      tradeId: 0n,
      txHash: ctx.txHash ?? '',
    });
    ctx.initiated.push(orderId);
    this.emit(ctx, this.addresses.trading, tradingInterface, 'MarketOpenOrderInitiated', [orderId, sender, pairIndex]);
  }

  private closeTradeMarket(ctx: Ctx, sender: string, a: Result): void {
    const s = ctx.s;
    const pairIndex = Number(a[0]);
    const index = Number(a[1]);
    let closePercentage = Number(a[2]);
    const marketPrice = a[3] as bigint;
    const slippageP = Number(a[4]);
    if (closePercentage > 10000 || slippageP >= 10000) throw customError('WrongParams');
    if (closePercentage === 0) closePercentage = 10000;
    const t = s.trades.get(this.tradeKey(sender, pairIndex, index));
    if (!t) throw customError('NoTradeFound', [sender, pairIndex, index]);
    if (this.pendingOf(s, sender).length >= (this.options.maxPendingMarketOrders ?? 5))
      throw customError('MaxPendingMarketOrdersReached', [sender]);
    if (t.beingMarketClosed) throw customError('AlreadyMarketClosed', [sender, pairIndex, index]);
    const remaining = (t.collateral * BigInt(10000 - closePercentage)) / 10000n;
    if (closePercentage !== 10000 && (remaining * BigInt(t.leverage)) / 100n < this.minLevPos) throw customError('BelowMinLevPos');
    const orderId = s.nextOrderId++;
    t.beingMarketClosed = true;
    s.pending.set(orderId.toString(), {
      orderId,
      open: false,
      block: ctx.block,
      wantedPrice: marketPrice,
      slippageP,
      collateral: 0n,
      tp: 0n,
      sl: 0n,
      trader: sender,
      leverage: 0,
      pairIndex,
      index,
      buy: t.buy,
      percentage: closePercentage,
      tradeId: t.tradeId,
      txHash: ctx.txHash ?? '',
    });
    ctx.initiated.push(orderId);
    this.emit(ctx, this.addresses.trading, tradingInterface, 'MarketCloseOrderInitiatedV2', [
      orderId,
      t.tradeId,
      sender,
      pairIndex,
      closePercentage,
    ]);
  }

  private marketTimeout(ctx: Ctx, sender: string, orderId: bigint, open: boolean): void {
    const s = ctx.s;
    const o = s.pending.get(orderId.toString());
    if (!o || o.open !== open) throw customError(open ? 'NotOpenMarketTimeoutOrder' : 'NotCloseMarketTimeoutOrder', [orderId]);
    if (lc(o.trader) !== lc(sender)) throw customError('NotYourOrder', [orderId, sender]);
    if (ctx.block < o.block + (this.options.marketOrdersTimeoutBlocks ?? 0)) throw customError('WaitTimeout', [orderId]);
    s.pending.delete(orderId.toString());
    const order = [
      o.block,
      o.wantedPrice,
      o.slippageP,
      [o.collateral, 0n, o.tp, o.sl, o.trader, o.leverage, o.pairIndex, o.index, o.buy],
      o.percentage,
    ];
    if (open) {
      this.usdcTransfer(ctx, this.addresses.storage, o.trader, o.collateral);
      this.emit(ctx, this.addresses.trading, tradingInterface, 'MarketOpenTimeoutExecutedV2', [orderId, order]);
    } else {
      const t = s.trades.get(this.tradeKey(o.trader, o.pairIndex, o.index));
      if (t) t.beingMarketClosed = false;
      this.emit(ctx, this.addresses.trading, tradingInterface, 'MarketCloseTimeoutExecutedV2', [orderId, o.tradeId, order]);
    }
  }

  private usdcTransfer(ctx: Ctx, from: string, to: string, amount: bigint): void {
    const s = ctx.s;
    const balance = s.usdc.get(lc(from)) ?? 0n;
    if (balance < amount) throw errorString('ERC20: transfer amount exceeds balance');
    s.usdc.set(lc(from), balance - amount);
    s.usdc.set(lc(to), (s.usdc.get(lc(to)) ?? 0n) + amount);
    this.emit(ctx, this.addresses.usdc, erc20Interface, 'Transfer', [from, to, amount]);
  }

  private usdcTransferFrom(ctx: Ctx, spender: string, from: string, to: string, amount: bigint): void {
    const key = `${lc(from)}|${lc(spender)}`;
    const allowance = ctx.s.allowances.get(key) ?? 0n;
    if (allowance < amount) throw errorString('ERC20: transfer amount exceeds allowance');
    this.usdcTransfer(ctx, from, to, amount);
    if (allowance !== MAX_UINT256) ctx.s.allowances.set(key, allowance - amount);
  }

  private emit(ctx: Ctx, address: string, iface: Interface, event: string, args: unknown[]): void {
    const { topics, data } = iface.encodeEventLog(event, args);
    ctx.logs.push({ address: getAddress(address), topics, data });
  }

  // ---- keeper --------------------------------------------------------------------------------------------

  /** One keeper transaction settling `order` at `price`, mined in its own block. */
  private keeperTx(order: PendingOrder, price: bigint): void {
    const ctx: Ctx = { s: structuredClone(this.state), logs: [], via: 'keeper', txHash: null, block: this.blocks.length, initiated: [] };
    const nonce = ctx.s.nonces.get(lc(this.keeperAddress)) ?? 0;
    // A stand-in for the price upkeep's callback (the PriceUpKeepAnswer struct is not part of this ABI).
    const data =
      '0x' +
      keccak256(Buffer.from('localFulfill(uint256,uint256)')).slice(2, 10) +
      abi.encode(['uint256', 'uint256'], [order.orderId, price]).slice(2);
    const tx = Transaction.from({
      type: 2,
      chainId: this.chainId,
      nonce,
      to: this.addresses.callbacks,
      data,
      gasLimit: 800_000n,
      maxFeePerGas: this.baseFee,
      maxPriorityFeePerGas: 0n,
      value: 0n,
    });
    tx.signature = this.keeper.sign(tx.unsignedHash);
    ctx.txHash = tx.hash!;
    this.calls.push({
      via: 'keeper',
      txHash: tx.hash,
      from: this.keeperAddress,
      to: this.addresses.callbacks,
      contract: 'Callbacks',
      fn: order.open ? 'openTradeMarketCallback' : 'closeTradeMarketCallback',
      args: { orderId: order.orderId, price },
    });
    if (order.open) this.settleOpen(ctx, order, price);
    else this.settleClose(ctx, order, price);
    ctx.s.pending.delete(order.orderId.toString());
    ctx.s.nonces.set(lc(this.keeperAddress), nonce + 1);
    this.state = ctx.s;
    this.mineBlock([{ tx, status: 1, gasUsed: 300_000n, logs: ctx.logs }]);
  }

  private settleOpen(ctx: Ctx, o: PendingOrder, price: bigint): void {
    const s = ctx.s;
    const maxSlippage = (o.wantedPrice * BigInt(o.slippageP)) / 100n / 100n;
    let reason = 0;
    if (o.buy ? price > o.wantedPrice + maxSlippage : price < o.wantedPrice - maxSlippage)
      reason = 3; // SLIPPAGE
    else if (o.tp > 0n && (o.buy ? price >= o.tp : price <= o.tp))
      reason = 4; // TP_REACHED
    else if (o.sl > 0n && (o.buy ? price <= o.sl : price >= o.sl)) reason = 5; // SL_REACHED
    if (reason !== 0) {
      const fee = o.collateral > this.oracleFee ? this.oracleFee : o.collateral;
      if (o.collateral > fee) this.usdcTransfer(ctx, this.addresses.storage, o.trader, o.collateral - fee);
      s.devFees += fee;
      this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'OracleFeeCharged', [o.orderId, o.trader, fee]);
      this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'MarketOpenCanceled', [o.orderId, o.trader, o.pairIndex, reason]);
      return;
    }
    const size = ceilDiv(o.collateral * BigInt(o.leverage), 100n);
    const fee = (size * this.openingFeeMicroBps) / (10000n * 1_000_000n);
    const collateral = o.collateral - fee;
    s.devFees += fee;
    this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'DevFeeCharged', [o.orderId, o.trader, fee]);
    let index = 0;
    while (s.trades.has(this.tradeKey(o.trader, o.pairIndex, index))) index++;
    const trade: StoredTrade = {
      collateral,
      openPrice: price,
      tp: correctTp(price, o.tp, o.leverage, o.buy),
      sl: correctSl(price, o.sl, o.leverage, o.buy),
      trader: o.trader,
      leverage: o.leverage,
      pairIndex: o.pairIndex,
      index,
      buy: o.buy,
      tradeId: o.orderId,
      initialLeverage: o.leverage,
      beingMarketClosed: false,
    };
    s.trades.set(this.tradeKey(o.trader, o.pairIndex, index), trade);
    const notional = (((collateral * 10n ** 12n * BigInt(o.leverage)) / 100n) * 10n ** 18n) / price;
    this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'MarketOpenExecuted', [
      o.orderId,
      [trade.collateral, trade.openPrice, trade.tp, trade.sl, trade.trader, trade.leverage, trade.pairIndex, trade.index, trade.buy],
      0n,
      notional,
    ]);
  }

  private settleClose(ctx: Ctx, o: PendingOrder, price: bigint): void {
    const s = ctx.s;
    const key = this.tradeKey(o.trader, o.pairIndex, o.index);
    const t = s.trades.get(key);
    const cancel = (reason: number) =>
      this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'MarketCloseCanceled', [
        o.orderId,
        o.tradeId,
        o.trader,
        o.pairIndex,
        o.index,
        reason,
      ]);
    if (!t) return cancel(9); // NO_TRADE
    if (o.wantedPrice > 0n) {
      const maxSlippage = (o.wantedPrice * BigInt(o.slippageP)) / 100n / 100n;
      // closing a long sells: the price may not be below the bound; closing a short buys: not above it
      if (t.buy ? price < o.wantedPrice - maxSlippage : price > o.wantedPrice + maxSlippage) {
        t.beingMarketClosed = false;
        return cancel(3); // SLIPPAGE
      }
    }
    const collateralToClose = (t.collateral * BigInt(o.percentage)) / 10000n;
    const profitP = currentPercentProfit(t.openPrice, price, t.buy, t.leverage);
    let value = collateralToClose + (collateralToClose * profitP) / (100n * PRECISION_6);
    if (value <= (collateralToClose * (100n - LIQ_THRESHOLD_P)) / 100n) value = 0n;
    // storage holds the collateral; the vault pays profits and takes losses
    if (value > collateralToClose) {
      this.usdcTransfer(ctx, this.addresses.storage, t.trader, collateralToClose);
      const fromVault = value - collateralToClose;
      if ((s.usdc.get(lc(this.addresses.vault)) ?? 0n) < fromVault)
        s.usdc.set(lc(this.addresses.vault), (s.usdc.get(lc(this.addresses.vault)) ?? 0n) + fromVault);
      this.usdcTransfer(ctx, this.addresses.vault, t.trader, fromVault);
    } else {
      if (collateralToClose > value) this.usdcTransfer(ctx, this.addresses.storage, this.addresses.vault, collateralToClose - value);
      if (value > 0n) this.usdcTransfer(ctx, this.addresses.storage, t.trader, value);
    }
    t.collateral -= collateralToClose;
    if (o.percentage === 10000 || t.collateral === 0n) s.trades.delete(key);
    else t.beingMarketClosed = false;
    this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'FeesCharged', [o.orderId, t.tradeId, t.trader, 0n, 0n]);
    this.emit(ctx, this.addresses.callbacks, callbacksInterface, 'MarketCloseExecutedV2', [
      o.orderId,
      t.tradeId,
      price,
      0n,
      profitP,
      value,
      o.percentage,
    ]);
  }

  // ---- blocks and transactions ---------------------------------------------------------------------------

  private mineBlock(entries: { tx: Transaction; status: 0 | 1; gasUsed: bigint; logs: RawLog[] }[]): Block {
    const parent = this.blocks[this.blocks.length - 1];
    const number = this.blocks.length;
    const hash = keccak256(Buffer.concat([Buffer.from(`ostium-local-${this.chainId}-${number}-`), randomBytes(16)]));
    const timestamp = Math.max(Math.floor(Date.now() / 1000), parent?.timestamp ?? 0);
    const block: Block = {
      number,
      hash,
      parentHash: parent?.hash ?? '0x' + '00'.repeat(32),
      timestamp,
      transactions: [],
      gasUsed: 0n,
      baseFeePerGas: this.baseFee,
    };
    entries.forEach((e, txIndex) => {
      const hashTx = e.tx.hash!;
      const stored = e.logs.map((l) => {
        const log: StoredLog = {
          ...l,
          blockNumber: number,
          blockHash: hash,
          transactionHash: hashTx,
          transactionIndex: txIndex,
          logIndex: this.logsInBlock(number),
        };
        this.logs.push(log);
        return log;
      });
      block.transactions.push(hashTx);
      block.gasUsed += e.gasUsed;
      this.txs.set(lc(hashTx), {
        tx: e.tx,
        blockNumber: number,
        blockHash: hash,
        status: e.status,
        gasUsed: e.gasUsed,
        effectiveGasPrice: this.effectiveGasPrice(e.tx),
        logs: stored,
      });
    });
    this.blocks.push(block);
    this.snapshots.set(number, structuredClone(this.state));
    return block;
  }

  private logsInBlock(number: number): number {
    let n = 0;
    for (let i = this.logs.length - 1; i >= 0 && this.logs[i].blockNumber === number; i--) n++;
    return n;
  }

  private effectiveGasPrice(tx: Transaction): bigint {
    if (tx.type === 2) {
      const tip = tx.maxPriorityFeePerGas ?? 0n;
      const cap = tx.maxFeePerGas ?? 0n;
      return cap < this.baseFee + tip ? cap : this.baseFee + tip;
    }
    return tx.gasPrice ?? this.baseFee;
  }

  private sendRawTransaction(raw: string): string {
    let tx: Transaction;
    try {
      tx = Transaction.from(raw);
    } catch (err) {
      throw new RpcError(-32000, `invalid transaction: ${(err as Error).message}`);
    }
    if (!tx.signature || !tx.from) throw new RpcError(-32000, 'invalid transaction: unsigned');
    if (tx.chainId === 0n) throw new RpcError(-32000, 'only replay-protected (EIP-155) transactions allowed over RPC');
    if (tx.chainId !== BigInt(this.chainId)) throw new RpcError(-32000, `invalid chain id: have ${tx.chainId}, want ${this.chainId}`);
    if (this.txs.has(lc(tx.hash!))) throw new RpcError(-32000, 'already known');
    if (!tx.to) throw new RpcError(-32000, 'contract creation is not supported by the local chain');
    const from = getAddress(tx.from);
    const expected = this.state.nonces.get(lc(from)) ?? 0;
    if (tx.nonce < expected) throw new RpcError(-32000, `nonce too low: next nonce ${expected}, tx nonce ${tx.nonce}`);
    if (tx.nonce > expected) throw new RpcError(-32000, `nonce too high: next nonce ${expected}, tx nonce ${tx.nonce}`);
    const maxFee = tx.type === 2 ? (tx.maxFeePerGas ?? 0n) : (tx.gasPrice ?? 0n);
    if (maxFee < this.baseFee)
      throw new RpcError(-32000, `max fee per gas less than block base fee: maxFeePerGas ${maxFee}, baseFee ${this.baseFee}`);
    if (tx.gasLimit < 21_000n) throw new RpcError(-32000, 'intrinsic gas too low');
    const balance = this.state.eth.get(lc(from)) ?? 0n;
    if (balance < tx.gasLimit * maxFee + tx.value)
      throw new RpcError(-32000, `insufficient funds for gas * price + value: have ${balance} want ${tx.gasLimit * maxFee + tx.value}`);

    const ctx: Ctx = { s: structuredClone(this.state), logs: [], via: 'tx', txHash: tx.hash!, block: this.blocks.length, initiated: [] };
    let status: 0 | 1 = 1;
    let gasUsed = 21_000n;
    try {
      gasUsed = this.gasFor(tx.to, tx.data);
      if (tx.gasLimit < gasUsed) {
        gasUsed = tx.gasLimit;
        throw new Revert('0x', 'out of gas');
      }
      if (tx.value > 0n && !this.contractOf(tx.to)) this.moveEth(ctx.s, from, tx.to, tx.value);
      else this.dispatch(ctx, from, tx.to, tx.data, tx.value);
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      status = 0;
    }
    if (status === 1) this.state = ctx.s;
    const price = this.effectiveGasPrice(tx);
    this.state.nonces.set(lc(from), expected + 1);
    this.state.eth.set(lc(from), (this.state.eth.get(lc(from)) ?? 0n) - gasUsed * price);
    this.mineBlock([{ tx, status, gasUsed, logs: status === 1 ? ctx.logs : [] }]);
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

  private moveEth(s: State, from: string, to: string, value: bigint): void {
    const balance = s.eth.get(lc(from)) ?? 0n;
    if (balance < value) throw new Revert('0x', 'insufficient balance for transfer');
    s.eth.set(lc(from), balance - value);
    s.eth.set(lc(to), (s.eth.get(lc(to)) ?? 0n) + value);
  }

  private gasFor(to: string, data: string): bigint {
    const contract = this.contractOf(to);
    if (!contract || data === '0x') return 21_000n;
    let fn = contract.iface.getFunction(data.slice(0, 10).toLowerCase())?.name ?? '';
    if (fn === 'delegatedAction') {
      try {
        const inner = tradingInterface.decodeFunctionData('delegatedAction', data)[1] as string;
        fn = tradingInterface.getFunction(inner.slice(0, 10).toLowerCase())?.name ?? fn;
        return (GAS[fn] ?? 100_000n) + 30_000n;
      } catch {
        return 100_000n;
      }
    }
    return GAS[fn] ?? 60_000n;
  }

  /** State as of the end of a block (live state for the latest block). */
  private stateAt(tag: unknown): State {
    const n = this.blockTag(tag);
    if (n === this.blockNumber) return this.state;
    const snapshot = this.snapshots.get(n);
    if (!snapshot) throw new RpcError(-32000, 'header not found');
    return snapshot;
  }

  private blockTag(tag: unknown): number {
    if (tag === undefined || tag === null || tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized')
      return this.blockNumber;
    if (tag === 'earliest') return 0;
    if (typeof tag === 'object' && tag !== null && 'blockNumber' in tag)
      return this.blockTag((tag as { blockNumber: unknown }).blockNumber);
    if (typeof tag === 'string' && isHexString(tag)) {
      const n = Number(BigInt(tag));
      if (n > this.blockNumber) throw new RpcError(-32000, 'header not found');
      return n;
    }
    throw new RpcError(-32602, `invalid block tag ${JSON.stringify(tag)}`);
  }

  /** eth_call / eth_estimateGas: runs on a copy of the state; throws RpcError code 3 on revert. */
  private simulate(via: 'call' | 'estimateGas', call: Record<string, string | undefined>, tag: unknown): { out: string; gas: bigint } {
    const base = this.stateAt(tag);
    const ctx: Ctx = {
      s: structuredClone(base),
      logs: [],
      via,
      txHash: null,
      block: this.blockTag(tag) + (via === 'estimateGas' ? 1 : 0),
      initiated: [],
    };
    const to = call.to;
    const data = call.data ?? call.input ?? '0x';
    const from = call.from ? getAddress(call.from) : ZeroAddress;
    const value = call.value ? BigInt(call.value) : 0n;
    if (!to) throw new RpcError(-32000, 'contract creation is not supported by the local chain');
    try {
      const out = this.contractOf(to) ? this.dispatch(ctx, from, to, data, value) : '0x';
      return { out, gas: this.gasFor(to, data) };
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      const decoded = err.data.startsWith('0x08c379a0') ? `: ${err.reason}` : '';
      throw new RpcError(3, `execution reverted${decoded}${err.data === '0x' ? ` (${err.reason})` : ''}`, err.data);
    }
  }

  // ---- JSON-RPC ------------------------------------------------------------------------------------------

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }));
      return;
    }
    const requests = Array.isArray(body) ? body : [body];
    const responses = requests.map((r) => this.handleOne(r as { id?: unknown; method?: string; params?: unknown[] }));
    const carriesTx = requests.some((r) => (r as { method?: string })?.method === 'eth_sendRawTransaction');
    if (this.dropNext && carriesTx) {
      this.dropNext = false;
      req.socket.destroy();
      return;
    }
    const payload = Array.isArray(body) ? responses : responses[0];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }

  private handleOne(request: { id?: unknown; method?: string; params?: unknown[] }): unknown {
    const id = request?.id ?? null;
    try {
      const result = this.rpc(String(request?.method), Array.isArray(request?.params) ? request.params : []);
      return { jsonrpc: '2.0', id, result };
    } catch (err) {
      if (err instanceof RpcError)
        return {
          jsonrpc: '2.0',
          id,
          error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) },
        };
      return { jsonrpc: '2.0', id, error: { code: -32603, message: `internal error: ${(err as Error).message}` } };
    }
  }

  private rpc(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'eth_chainId':
        return toQuantity(this.chainId);
      case 'net_version':
        return String(this.chainId);
      case 'web3_clientVersion':
        return 'conduit-ostium-local/1.0';
      case 'eth_blockNumber':
        return toQuantity(this.blockNumber);
      case 'eth_gasPrice':
        return toQuantity(this.baseFee);
      case 'eth_maxPriorityFeePerGas':
        return '0x0';
      case 'eth_feeHistory': {
        const count = Math.max(1, Math.min(Number(BigInt(params[0] as string)), this.blocks.length));
        const newest = this.blockTag(params[1]);
        const oldest = Math.max(0, newest - count + 1);
        const n = newest - oldest + 1;
        const percentiles = (params[2] as number[] | undefined) ?? [];
        return {
          oldestBlock: toQuantity(oldest),
          baseFeePerGas: Array.from({ length: n + 1 }, () => toQuantity(this.baseFee)),
          gasUsedRatio: Array.from({ length: n }, () => 0.01),
          ...(percentiles.length ? { reward: Array.from({ length: n }, () => percentiles.map(() => '0x0')) } : {}),
        };
      }
      case 'eth_getBlockByNumber': {
        const tag = params[0];
        if (typeof tag === 'string' && isHexString(tag) && Number(BigInt(tag)) > this.blockNumber) return null;
        return this.blockJson(this.blocks[this.blockTag(tag)], Boolean(params[1]));
      }
      case 'eth_getBlockByHash': {
        const block = this.blocks.find((b) => lc(b.hash) === lc(String(params[0])));
        return block ? this.blockJson(block, Boolean(params[1])) : null;
      }
      case 'eth_getTransactionCount':
        return toQuantity(this.stateAt(params[1]).nonces.get(lc(getAddress(params[0] as string))) ?? 0);
      case 'eth_getBalance':
        return toQuantity(this.stateAt(params[1]).eth.get(lc(getAddress(params[0] as string))) ?? 0n);
      case 'eth_getCode':
        return this.contractOf(params[0] as string) ? '0x6080604052' : '0x';
      case 'eth_call':
        return this.simulate('call', params[0] as Record<string, string>, params[1]).out;
      case 'eth_estimateGas':
        return toQuantity(this.simulate('estimateGas', params[0] as Record<string, string>, params[1] ?? 'latest').gas);
      case 'eth_sendRawTransaction':
        return this.sendRawTransaction(params[0] as string);
      case 'eth_getTransactionByHash': {
        const mined = this.txs.get(lc(String(params[0])));
        return mined ? this.txJson(mined) : null;
      }
      case 'eth_getTransactionReceipt': {
        const mined = this.txs.get(lc(String(params[0])));
        return mined ? this.receiptJson(mined) : null;
      }
      case 'eth_getLogs':
        return this.getLogs((params[0] ?? {}) as LogFilter).map((l) => this.logJson(l));
      default:
        throw new RpcError(-32601, `the method ${method} does not exist/is not available`);
    }
  }

  private getLogs(filter: LogFilter): StoredLog[] {
    let from: number;
    let to: number;
    if (filter.blockHash) {
      const block = this.blocks.find((b) => lc(b.hash) === lc(filter.blockHash!));
      if (!block) return [];
      from = to = block.number;
    } else {
      from = this.blockTag(filter.fromBlock ?? 'latest');
      to = this.blockTag(filter.toBlock ?? 'latest');
    }
    const addresses = filter.address == null ? null : (Array.isArray(filter.address) ? filter.address : [filter.address]).map(lc);
    const topics = filter.topics ?? [];
    return this.logs.filter((l) => {
      if (l.blockNumber < from || l.blockNumber > to) return false;
      if (addresses && !addresses.includes(lc(l.address))) return false;
      return topics.every((t, i) => {
        if (t == null) return true;
        const wanted = (Array.isArray(t) ? t : [t]).map(lc);
        return wanted.length === 0 || (l.topics[i] !== undefined && wanted.includes(lc(l.topics[i])));
      });
    });
  }

  private blockJson(block: Block | undefined, full: boolean): unknown {
    if (!block) return null;
    return {
      number: toQuantity(block.number),
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: toQuantity(block.timestamp),
      nonce: '0x0000000000000000',
      difficulty: '0x0',
      gasLimit: toQuantity(32_000_000n),
      gasUsed: toQuantity(block.gasUsed),
      miner: ZeroAddress,
      extraData: '0x',
      baseFeePerGas: toQuantity(block.baseFeePerGas),
      stateRoot: keccak256(Buffer.from(`state-${block.hash}`)),
      receiptsRoot: keccak256(Buffer.from(`receipts-${block.hash}`)),
      transactionsRoot: keccak256(Buffer.from(`txs-${block.hash}`)),
      logsBloom: '0x' + '00'.repeat(256),
      mixHash: '0x' + '00'.repeat(32),
      sha3Uncles: keccak256('0xc0'),
      size: '0x200',
      uncles: [],
      transactions: full ? block.transactions.map((h) => this.txJson(this.txs.get(lc(h))!)) : block.transactions,
    };
  }

  private txJson(m: MinedTx): unknown {
    const tx = m.tx;
    const sig = tx.signature!;
    const typed = tx.type === 2;
    return {
      hash: tx.hash,
      type: toQuantity(tx.type ?? 0),
      nonce: toQuantity(tx.nonce),
      from: tx.from,
      to: tx.to,
      gas: toQuantity(tx.gasLimit),
      value: toQuantity(tx.value),
      input: tx.data,
      gasPrice: toQuantity(typed ? m.effectiveGasPrice : (tx.gasPrice ?? 0n)),
      ...(typed
        ? {
            maxFeePerGas: toQuantity(tx.maxFeePerGas ?? 0n),
            maxPriorityFeePerGas: toQuantity(tx.maxPriorityFeePerGas ?? 0n),
            accessList: [],
          }
        : {}),
      chainId: toQuantity(tx.chainId),
      v: toQuantity(typed ? sig.yParity : (sig.networkV ?? BigInt(sig.v))),
      yParity: typed ? toQuantity(sig.yParity) : undefined,
      r: sig.r,
      s: sig.s,
      blockHash: m.blockHash,
      blockNumber: toQuantity(m.blockNumber),
      transactionIndex: '0x0',
    };
  }

  private receiptJson(m: MinedTx): unknown {
    return {
      transactionHash: m.tx.hash,
      transactionIndex: '0x0',
      blockHash: m.blockHash,
      blockNumber: toQuantity(m.blockNumber),
      from: m.tx.from,
      to: m.tx.to,
      contractAddress: null,
      cumulativeGasUsed: toQuantity(m.gasUsed),
      gasUsed: toQuantity(m.gasUsed),
      effectiveGasPrice: toQuantity(m.effectiveGasPrice),
      logs: m.logs.map((l) => this.logJson(l)),
      logsBloom: '0x' + '00'.repeat(256),
      status: toQuantity(m.status),
      type: toQuantity(m.tx.type ?? 0),
    };
  }

  private logJson(l: StoredLog): unknown {
    return {
      address: l.address,
      topics: l.topics,
      data: l.data,
      blockNumber: toQuantity(l.blockNumber),
      blockHash: l.blockHash,
      transactionHash: l.transactionHash,
      transactionIndex: toQuantity(l.transactionIndex),
      logIndex: toQuantity(l.logIndex),
      removed: false,
    };
  }
}

interface LogFilter {
  address?: string | string[] | null;
  topics?: (string | string[] | null)[];
  fromBlock?: string;
  toBlock?: string;
  blockHash?: string;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** TradingCallbacksLib._currentPercentProfit: percent × 1e6, capped at +MAX_GAIN_P (leverage = initial leverage). */
function currentPercentProfit(openPrice: bigint, currentPrice: bigint, buy: boolean, leverage: number): bigint {
  const maxPnlP = MAX_GAIN_P * PRECISION_6;
  const p = ((buy ? currentPrice - openPrice : openPrice - currentPrice) * PRECISION_6 * BigInt(leverage)) / openPrice;
  return p > maxPnlP ? maxPnlP : p;
}

/** TradingCallbacksLib.correctTp: no TP, or one beyond the 900 % gain cap, becomes the cap. */
function correctTp(openPrice: bigint, tp: bigint, leverage: number, buy: boolean): bigint {
  const maxPnlP = MAX_GAIN_P * PRECISION_6;
  if (tp === 0n || currentPercentProfit(openPrice, tp, buy, leverage) === maxPnlP) {
    const diff = (openPrice * maxPnlP) / PRECISION_6 / BigInt(leverage);
    return buy ? openPrice + diff : diff <= openPrice ? openPrice - diff : 0n;
  }
  return tp;
}

/** TradingCallbacksLib.correctSl: an SL beyond an 85 % loss is pulled in to it. */
function correctSl(openPrice: bigint, sl: bigint, leverage: number, buy: boolean): bigint {
  if (sl > 0n && currentPercentProfit(openPrice, sl, buy, leverage) < -MAX_SL_P * PRECISION_6) {
    const diff = (openPrice * MAX_SL_P) / BigInt(leverage);
    return buy ? openPrice - diff : openPrice + diff;
  }
  return sl;
}
