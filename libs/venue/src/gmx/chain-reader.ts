import { getAddress, Interface, JsonRpcProvider, zeroPadValue } from 'ethers';
import { EVENT_LOG1_TOPIC, EVENT_LOG2_TOPIC, gmxErc20Interface, gmxEventNameTopic, gmxReaderInterface } from './contracts-abi';
import { decodeGmxLog, GmxEvent } from './events';
import { gmxDataStoreInterface, GmxImpactState, readImpactState } from './impact-keys';
import { GmxNetwork } from './onboarding';
import { GmxMarket, RawGmxPosition } from './settlement';

/** The symbols Conduit trades for GMX's wrapped index tokens (WETH → ETH, WBTC / WBTC.b → BTC). */
export function conduitSymbol(tokenSymbol: string): string {
  const base = tokenSymbol.replace(/\.[a-z]+$/i, '');
  return base === 'WETH' ? 'ETH' : base === 'WBTC' ? 'BTC' : base;
}

/** Everything the adapter reads from the chain: Reader views, ERC20 views, EventEmitter logs, receipts, blocks. */
export class GmxChainReader {
  private marketsCache: Promise<GmxMarket[]> | null = null;
  private readonly impactCache = new Map<string, { at: number; read: Promise<GmxImpactState> }>();

  constructor(
    readonly provider: JsonRpcProvider,
    private readonly net: GmxNetwork,
    private readonly lookbackBlocks: number,
    private readonly chunkBlocks = 50_000,
  ) {}

  async view(iface: Interface, to: string, fn: string, args: unknown[]): Promise<any[]> {
    const out = await this.provider.call({ to, data: iface.encodeFunctionData(fn, args) });
    return iface.decodeFunctionResult(fn, out) as unknown as any[];
  }

  /** Reader.getMarkets, each with its index token's symbol and decimals; swap-only markets (no index token) left out. */
  markets(fresh = false): Promise<GmxMarket[]> {
    if (!this.marketsCache || fresh) {
      const read = this.readMarkets();
      this.marketsCache = read;
      read.catch(() => {
        if (this.marketsCache === read) this.marketsCache = null;
      });
    }
    return this.marketsCache;
  }

  private async readMarkets(): Promise<GmxMarket[]> {
    const [list] = await this.view(gmxReaderInterface, this.net.reader, 'getMarkets', [this.net.dataStore, 0, 1000]);
    const out: GmxMarket[] = [];
    const seen = new Set<string>();
    for (const [i, m] of (list as any[]).entries()) {
      const indexToken = getAddress(m.indexToken);
      if (indexToken === getAddress('0x0000000000000000000000000000000000000000')) continue;
      // synthetic index tokens (markets of tokens not on Arbitrum) have no ERC20 code: such markets are left out
      const token = await Promise.all([
        this.view(gmxErc20Interface, indexToken, 'symbol', []),
        this.view(gmxErc20Interface, indexToken, 'decimals', []),
      ]).catch(() => null);
      if (!token) continue;
      const [[symbol], [decimals]] = token;
      const conduit = conduitSymbol(symbol as string);
      if (seen.has(conduit)) continue; // the first listed market of an index token trades it
      seen.add(conduit);
      out.push({
        symbol: conduit,
        index: i,
        marketToken: getAddress(m.marketToken),
        indexToken,
        indexDecimals: Number(decimals),
        longToken: getAddress(m.longToken),
        shortToken: getAddress(m.shortToken),
      });
    }
    return out;
  }

  /** DataStore.getUint(key). */
  async getUint(key: string): Promise<bigint> {
    return (await this.view(gmxDataStoreInterface, this.net.dataStore, 'getUint', [key]))[0] as bigint;
  }

  /** A market's impact factors and open interest from DataStore, read again once older than `maxAgeMs`. */
  impactState(market: GmxMarket, nowMs: number, maxAgeMs: number): Promise<GmxImpactState> {
    const cached = this.impactCache.get(market.marketToken);
    if (cached && nowMs - cached.at < maxAgeMs) return cached.read;
    const read = readImpactState((key) => this.getUint(key), market);
    const entry = { at: nowMs, read };
    this.impactCache.set(market.marketToken, entry);
    read.catch(() => {
      if (this.impactCache.get(market.marketToken) === entry) this.impactCache.delete(market.marketToken);
    });
    return read;
  }

  async positions(account: string): Promise<RawGmxPosition[]> {
    const [list] = await this.view(gmxReaderInterface, this.net.reader, 'getAccountPositions', [
      this.net.dataStore,
      getAddress(account),
      0,
      1000,
    ]);
    return (list as any[]).map((p) => ({
      market: getAddress(p.addresses.market),
      collateralToken: getAddress(p.addresses.collateralToken),
      isLong: p.flags.isLong as boolean,
      sizeInUsd: p.numbers.sizeInUsd as bigint,
      sizeInTokens: p.numbers.sizeInTokens as bigint,
      collateralAmount: p.numbers.collateralAmount as bigint,
    }));
  }

  /** Whether GMX still holds the order (Reader.getOrder answers a zero account for none). */
  async orderExists(key: string): Promise<boolean> {
    const [order] = await this.view(gmxReaderInterface, this.net.reader, 'getOrder', [this.net.dataStore, key]);
    return getAddress(order.addresses.account) !== getAddress('0x0000000000000000000000000000000000000000');
  }

  async usdcBalance(address: string): Promise<bigint> {
    return (await this.view(gmxErc20Interface, this.net.usdc, 'balanceOf', [getAddress(address)]))[0] as bigint;
  }

  /** USDC the account lets GMX's Router pull. */
  async usdcAllowance(account: string): Promise<bigint> {
    return (await this.view(gmxErc20Interface, this.net.usdc, 'allowance', [getAddress(account), this.net.router]))[0] as bigint;
  }

  /**
   * GMX events named `names` from EventEmitter in [fromBlock, toBlock], with topic1 (order key, account or market) and
   * topic2 (an EventLog2's account) when given.
   */
  async events(
    names: string[],
    range: { fromBlock: number; toBlock?: number },
    topic1: string | null = null,
    topic2: string | null = null,
  ): Promise<GmxEvent[]> {
    const topics: (string | string[] | null)[] = [[EVENT_LOG1_TOPIC, EVENT_LOG2_TOPIC], names.map(gmxEventNameTopic), topic1];
    if (topic2) topics.push(topic2);
    const to = range.toBlock ?? (await this.provider.getBlockNumber());
    const out: GmxEvent[] = [];
    // one eth_getLogs per chunk of blocks: RPC providers cap the range of one request
    for (let from = range.fromBlock; from <= to; from += this.chunkBlocks) {
      const logs = await this.provider.getLogs({
        address: this.net.eventEmitter,
        fromBlock: from,
        toBlock: Math.min(to, from + this.chunkBlocks - 1),
        topics,
      });
      for (const l of logs) {
        const e = decodeGmxLog(l);
        if (e) out.push(e);
      }
    }
    return out;
  }

  async lookbackStart(): Promise<number> {
    const latest = await this.provider.getBlockNumber();
    return Math.max(0, latest - this.lookbackBlocks);
  }

  async blockTimeMs(blockNumber: number): Promise<number> {
    const block = await this.provider.getBlock(blockNumber);
    return (block?.timestamp ?? 0) * 1000;
  }
}

export const accountTopic = (address: string): string => zeroPadValue(getAddress(address), 32).toLowerCase();
