import { getAddress, Transaction, ZeroAddress } from 'ethers';
import { dec } from '@conduit/domain';
import { ChainLedger } from './evm/ledger';
import { JsonRpcServer, RpcBackend } from './evm/rpc-server';
import { chainErc20, chainPool } from './spot/abi';
import {
  ARBITRUM_TOKENS,
  ARBITRUM_UNISWAP,
  balanceKey,
  Ctx,
  DEFAULT_TOKENS,
  emptyState,
  lc,
  localAddress,
  plain,
  PoolRecord,
  Revert,
  RpcError,
  SpotChainCall,
  SpotChainOptions,
  SpotChainToken,
  SpotState,
} from './spot/chain-state';
import { SpotContracts } from './spot/contracts';
import {
  getAmount0Delta,
  getAmount1Delta,
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  isqrt,
  MAX_TICK,
  MIN_TICK,
  TICK_SPACING,
} from './spot/v3-math';

export type { SpotChainCall, SpotChainOptions, SpotChainToken } from './spot/chain-state';

/** An event the SPOT chain emitted, decoded. */
export interface SpotChainEvent {
  name: string;
  address: string;
  blockNumber: number;
  transactionHash: string;
  args: Record<string, unknown>;
}

/**
 * A local chain that speaks Ethereum JSON-RPC (evm/rpc-server over evm/ledger) with Uniswap v3's contracts for SPOT
 * swaps: ERC20 tokens, pools with one active liquidity range and v3-core's exact swap math (spot/v3-math.ts; a swap that
 * reaches the range's end stops there, the rest of the input unspent), SwapRouter02 (exactInputSingle, exactInput,
 * multicall with a deadline), QuoterV2.quoteExactInputSingle and UniswapV3Factory.getPool, with the real events (pool
 * Swap, ERC20 Transfer/Approval). There is no EVM: calls are decoded with the Uniswap interfaces (spot/abi.ts) and
 * executed by spot/contracts.ts; unknown selectors and non-canonical calldata revert.
 *
 * Transactions are raw signed ones: chain id, recovered sender and the exact next nonce are checked, gas is charged in
 * ETH, each transaction is mined into its own block (a revert: status 0, no logs). `holdMining()` keeps accepted
 * transactions unmined (their nonces are taken at once, so a sender may queue several) until `mineHeld()`; the
 * JSON-RPC server does not show held transactions by hash (eth_getTransactionByHash answers null until mined).
 */
export class SpotChain implements RpcBackend {
  readonly chainId: number;
  readonly ledger: ChainLedger<SpotState>;
  readonly calls: SpotChainCall[] = [];
  readonly router: string;
  readonly quoter: string;
  readonly factory: string;
  private readonly tokens = new Map<string, SpotChainToken & { address: string }>();
  private readonly contracts: SpotContracts;
  private readonly server: JsonRpcServer;
  private holding = false;
  private held: { tx: Transaction; from: string }[] = [];
  private heldTotal = 0;
  private readonly heldWaiters: { count: number; resolve: () => void }[] = [];

  private constructor(options: SpotChainOptions) {
    this.chainId = options.chainId ?? 42161;
    this.router = getAddress(options.routerAddress ?? ARBITRUM_UNISWAP.swapRouter02);
    this.quoter = getAddress(options.quoterAddress ?? ARBITRUM_UNISWAP.quoterV2);
    this.factory = getAddress(options.factoryAddress ?? ARBITRUM_UNISWAP.factory);
    for (const t of options.tokens ?? DEFAULT_TOKENS) {
      const address = getAddress(t.address ?? ARBITRUM_TOKENS[t.symbol] ?? localAddress(`token:${t.symbol}`));
      this.tokens.set(lc(address), { ...t, address });
    }
    this.ledger = new ChainLedger<SpotState>(this.chainId, options.baseFeePerGas ?? 10_000_000n, emptyState(), 'spot-local');
    this.contracts = new SpotContracts(
      this.tokens,
      { router: this.router, quoter: this.quoter, factory: this.factory },
      this.calls,
      () => this.ledger.state.pools,
    );
    this.server = new JsonRpcServer(this);
    this.ledger.mine([]); // genesis
  }

  static async start(options: SpotChainOptions = {}): Promise<SpotChain> {
    const chain = new SpotChain(options);
    await chain.server.listen();
    return chain;
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  // ---- test controls -------------------------------------------------------------------------------------------

  /** The token's address by symbol. */
  token(symbol: string): { symbol: string; decimals: number; address: string } {
    const t = [...this.tokens.values()].find((x) => x.symbol === symbol);
    if (!t) throw new Error(`no token ${symbol} on the local chain`);
    return { symbol: t.symbol, decimals: t.decimals, address: t.address };
  }

  /** Credits `amount` (decimal string, whole tokens) of a token, or of ETH for gas with symbol 'ETH'. */
  fund(address: string, symbol: string, amount: string): void {
    const s = this.ledger.state;
    const holder = lc(getAddress(address));
    if (symbol === 'ETH') {
      s.eth.set(holder, (s.eth.get(holder) ?? 0n) + units(amount, 18));
      return;
    }
    const t = this.token(symbol);
    s.balances.set(balanceKey(t.address, holder), (s.balances.get(balanceKey(t.address, holder)) ?? 0n) + units(amount, t.decimals));
  }

  /** Balance in whole tokens (decimal string); 'ETH' for ether. */
  balanceOf(symbol: string, address: string): string {
    const s = this.ledger.state;
    if (symbol === 'ETH') return fromUnits(s.eth.get(lc(getAddress(address))) ?? 0n, 18);
    const t = this.token(symbol);
    return fromUnits(s.balances.get(balanceKey(t.address, address)) ?? 0n, t.decimals);
  }

  /** Raw balance in the token's smallest units. */
  rawBalanceOf(symbol: string, address: string): bigint {
    return this.ledger.state.balances.get(balanceKey(this.token(symbol).address, address)) ?? 0n;
  }

  /**
   * Creates (or resets) the pool of two tokens at a fee tier: `price` is one whole `tokenA` in `tokenB` (a decimal
   * string, e.g. setPool('WETH', 'USDC', 500, '3000', …)), or give `sqrtPriceX96`; `liquidity` is the range's L (an
   * integer string). The range is full (the fee tier's usable MIN/MAX ticks) unless ticks are given. The pool is credited
   * the reserves the range holds at that price; the change is mined in a block of its own. Returns the pool address.
   */
  setPool(
    tokenA: string,
    tokenB: string,
    fee: number,
    price: string | null,
    liquidity: string,
    options: { sqrtPriceX96?: bigint; tickLower?: number; tickUpper?: number } = {},
  ): string {
    const a = this.token(tokenA);
    const b = this.token(tokenB);
    const [t0, t1] = lc(a.address) < lc(b.address) ? [a, b] : [b, a];
    const spacing = TICK_SPACING[fee];
    if (!spacing) throw new Error(`fee tier ${fee} is not enabled`);
    let sqrtPriceX96 = options.sqrtPriceX96;
    if (sqrtPriceX96 === undefined) {
      if (price === null) throw new Error('give a price or sqrtPriceX96');
      // raw price of token0 in token1 units
      const human = t0 === a ? dec(price) : dec(1).div(dec(price));
      const [num, den] = human.mul(dec(10).pow(t1.decimals - t0.decimals)).toFraction();
      sqrtPriceX96 = isqrt((BigInt(num.toFixed(0)) << 192n) / BigInt(den.toFixed(0)));
    }
    const tickLower = options.tickLower ?? Math.ceil(MIN_TICK / spacing) * spacing;
    const tickUpper = options.tickUpper ?? Math.floor(MAX_TICK / spacing) * spacing;
    const L = BigInt(liquidity);
    const lower = getSqrtRatioAtTick(tickLower);
    const upper = getSqrtRatioAtTick(tickUpper);
    if (!(sqrtPriceX96 > lower && sqrtPriceX96 < upper)) throw new Error('the price must lie inside the range');
    const address = localAddress(`pool:${lc(t0.address)}:${lc(t1.address)}:${fee}`);
    const pool: PoolRecord = {
      address,
      token0: t0.address,
      token1: t1.address,
      fee,
      sqrtPriceX96,
      tick: getTickAtSqrtRatio(sqrtPriceX96),
      liquidity: L,
      tickLower,
      tickUpper,
    };
    const s = this.ledger.state;
    s.pools.set(lc(address), pool);
    s.balances.set(balanceKey(t0.address, address), getAmount0Delta(sqrtPriceX96, upper, L, true));
    s.balances.set(balanceKey(t1.address, address), getAmount1Delta(lower, sqrtPriceX96, L, true));
    this.ledger.mine([]);
    return address;
  }

  /** The pool's current state. */
  pool(tokenA: string, tokenB: string, fee: number): PoolRecord | null {
    return this.contracts.poolFor(this.ledger.state.pools, this.token(tokenA).address, this.token(tokenB).address, fee);
  }

  /** From now on accepted transactions wait unmined until mineHeld() (holdMining(false): mine at once again). */
  holdMining(hold = true): void {
    this.holding = hold;
  }

  /** Mines the held transactions (in the order they came, one block each); holding goes on. Returns their hashes. */
  mineHeld(): string[] {
    const held = this.held;
    this.held = [];
    return held.map(({ tx, from }) => this.execute(tx, from));
  }

  /** Resolves once `count` transactions have been held since the chain started (at once if they have). */
  whenHeld(count: number): Promise<void> {
    if (this.heldTotal >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** How many transactions have been held since the chain started. */
  get heldSoFar(): number {
    return this.heldTotal;
  }

  /** Processes the next request that carries eth_sendRawTransaction, then destroys its socket without answering. */
  dropNextResponse(): void {
    this.server.dropNextResponse();
  }

  hasTransaction(hash: string): boolean {
    return this.ledger.tx(hash) !== undefined;
  }

  /** The events the chain emitted (oldest first), decoded; only those named `name` when given. */
  events(name?: string): SpotChainEvent[] {
    return this.ledger.getLogs({ fromBlock: '0x0' }).flatMap((log) => {
      const parsed = (this.tokens.has(lc(log.address)) ? chainErc20 : chainPool).parseLog(log);
      if (!parsed || (name && parsed.name !== name)) return [];
      const args = plain(parsed.args) as Record<string, unknown>;
      return [{ name: parsed.name, address: log.address, blockNumber: log.blockNumber, transactionHash: log.transactionHash, args }];
    });
  }

  // ---- RpcBackend ------------------------------------------------------------------------------------------------

  isContract(address: string): boolean {
    return this.contracts.contractOf(address) !== null;
  }

  sendRawTransaction(raw: string): string {
    const ledger = this.ledger;
    const { tx, from, nonce: expected } = ledger.admit(raw, (hash) => this.held.some((h) => h.tx.hash === hash));
    if (!this.holding) return this.execute(tx, from);
    ledger.state.nonces.set(lc(from), expected + 1); // taken now: the sender may queue the next one
    this.held.push({ tx, from });
    this.heldTotal++;
    for (const w of this.heldWaiters.filter((w) => this.heldTotal >= w.count)) {
      this.heldWaiters.splice(this.heldWaiters.indexOf(w), 1);
      w.resolve();
    }
    return tx.hash!;
  }

  simulate(via: 'call' | 'estimateGas', call: Record<string, string | undefined>, tag: unknown): { out: string; gas: bigint } {
    const ctx: Ctx = { s: structuredClone(this.ledger.stateAt(tag)), logs: [], via, txHash: null, timestamp: nowSeconds() };
    const to = call.to;
    const data = call.data ?? call.input ?? '0x';
    if (!to) throw new RpcError(-32000, 'contract creation is not supported by the local chain');
    try {
      const from = call.from ? getAddress(call.from) : ZeroAddress;
      const out = this.contracts.dispatch(ctx, from, to, data, call.value ? BigInt(call.value) : 0n);
      return { out, gas: this.contracts.gasFor(to, data) };
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      const decoded = err.data.startsWith('0x08c379a0') ? `: ${err.reason}` : ` (${err.reason})`;
      throw new RpcError(3, `execution reverted${decoded}`, err.data);
    }
  }

  private execute(tx: Transaction, from: string): string {
    const ledger = this.ledger;
    const ctx: Ctx = { s: structuredClone(ledger.state), logs: [], via: 'tx', txHash: tx.hash!, timestamp: nowSeconds() };
    let status: 0 | 1 = 1;
    let gasUsed = this.contracts.gasFor(tx.to!, tx.data);
    try {
      if (tx.gasLimit < gasUsed) {
        gasUsed = tx.gasLimit;
        throw new Revert('0x', 'out of gas');
      }
      if (tx.value > 0n && !this.isContract(tx.to!)) throw new Revert('0x', 'ETH transfers are not simulated');
      this.contracts.dispatch(ctx, from, tx.to!, tx.data, tx.value);
    } catch (err) {
      if (!(err instanceof Revert)) throw err;
      status = 0;
    }
    if (status === 1) ledger.state = ctx.s;
    const key = lc(from);
    ledger.state.nonces.set(key, Math.max(ledger.state.nonces.get(key) ?? 0, tx.nonce + 1));
    ledger.state.eth.set(key, (ledger.state.eth.get(key) ?? 0n) - gasUsed * ledger.effectiveGasPrice(tx));
    ledger.mine([{ tx, status, gasUsed, logs: status === 1 ? ctx.logs : [] }]);
    return tx.hash!;
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function units(amount: string, decimals: number): bigint {
  const scaled = dec(amount).mul(dec(10).pow(decimals));
  if (!scaled.isInteger()) throw new Error(`${amount} has more than ${decimals} decimals`);
  return BigInt(scaled.toFixed(0));
}

function fromUnits(value: bigint, decimals: number): string {
  return dec(value.toString()).div(dec(10).pow(decimals)).toFixed();
}
