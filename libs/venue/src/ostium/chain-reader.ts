import { encodeBytes32String, getAddress, Interface, JsonRpcProvider, Log, TransactionReceipt, ZeroAddress } from 'ethers';
import { erc20Interface, registryInterface, storageInterface, tradingInterface } from './abi';
import { OstiumMarketDef } from './constants';
import { RawTrade } from './encoding';
import {
  addressTopic,
  closedSlotOf,
  eventsInterface,
  Initiated,
  initiatedFromLog,
  OUTCOME_TOPICS,
  rawTradeOf,
  TOPICS,
  uintTopic,
} from './events';
import { describe, revertOf } from './rpc-errors';

export interface ChainReaderOptions {
  trading: string;
  storage: string;
  usdc: string;
  /** The contract that emits the execution events; read from Trading's registry when unset. */
  callbacksAddress?: string;
  /** Largest block range of one eth_getLogs. Default 50,000. */
  logChunkBlocks?: number;
  /** How far back log searches go without a start, and the lower bound of a block estimate. Default 500,000. */
  logLookbackBlocks?: number;
  /** Shortest block time of the chain, to turn a time into a block number (Arbitrum: 250 ms). */
  minBlockTimeMs?: number;
}

type LogFilter = { address?: string | string[]; topics: (string | string[] | null)[] };

/** Everything the adapter reads from the chain: view calls on Ostium's contracts, logs, receipts and blocks. */
export class OstiumChainReader {
  private maxTradesPerPair: number | null = null;
  private callbacks: string | null;

  constructor(
    readonly provider: JsonRpcProvider,
    private readonly options: ChainReaderOptions,
  ) {
    this.callbacks = options.callbacksAddress ? getAddress(options.callbacksAddress) : null;
  }

  async view(iface: Interface, to: string, fn: string, args: unknown[], blockTag?: number): Promise<any[]> {
    const data = iface.encodeFunctionData(fn, args);
    const out = await this.provider.call({ to, data, ...(blockTag !== undefined ? { blockTag } : {}) });
    return iface.decodeFunctionResult(fn, out) as unknown as any[];
  }

  /** USDC of the address, 6-decimal units. */
  async usdcBalance6(address: string): Promise<bigint> {
    return (await this.view(erc20Interface, this.options.usdc, 'balanceOf', [getAddress(address)]))[0] as bigint;
  }

  /** USDC the trader has allowed TradingStorage to pull, 6-decimal units. */
  async allowance6(trader: string): Promise<bigint> {
    return (await this.view(erc20Interface, this.options.usdc, 'allowance', [getAddress(trader), this.options.storage]))[0] as bigint;
  }

  /** The trader's delegate on Ostium (zero address when none). */
  async delegateOf(trader: string): Promise<string> {
    return (await this.view(tradingInterface, this.options.trading, 'delegations', [getAddress(trader)]))[0] as string;
  }

  /** The trade in a slot, at a block when given; null for an empty slot. */
  async openTrade(trader: string, pairIndex: number, index: number, blockTag?: number): Promise<RawTrade | null> {
    const r = await this.view(storageInterface, this.options.storage, 'openTrades', [trader, pairIndex, index], blockTag);
    const trade = rawTradeOf({
      collateral: r[0],
      openPrice: r[1],
      tp: r[2],
      sl: r[3],
      trader: r[4],
      leverage: r[5],
      pairIndex: r[6],
      index: r[7],
      buy: r[8],
    });
    return trade.collateral > 0n && trade.leverage > 0 ? trade : null;
  }

  /** Every open trade of the trader on `markets`: openTradesCount per pair, then the slots of those with some. */
  async openTrades(address: string, markets: OstiumMarketDef[]): Promise<{ market: OstiumMarketDef; trade: RawTrade }[]> {
    const trader = getAddress(address);
    if (this.maxTradesPerPair === null)
      this.maxTradesPerPair = Number((await this.view(storageInterface, this.options.storage, 'maxTradesPerPair', []))[0]);
    const max = this.maxTradesPerPair;
    const counts = await Promise.all(
      markets.map((m) => this.view(storageInterface, this.options.storage, 'openTradesCount', [trader, m.id]).then((r) => Number(r[0]))),
    );
    const withTrades = markets.filter((_, i) => counts[i] > 0);
    const slots = await Promise.all(
      withTrades.map((m) => Promise.all(Array.from({ length: max }, (_, i) => this.openTrade(trader, m.id, i)))),
    );
    return withTrades.flatMap((market, i) => slots[i].filter((t): t is RawTrade => t !== null).map((trade) => ({ market, trade })));
  }

  /** The callbacks contract, from the options or Trading's registry; null if it cannot be found. */
  async callbacksAddress(): Promise<string | null> {
    if (this.callbacks) return this.callbacks;
    try {
      const [registry] = await this.view(tradingInterface, this.options.trading, 'registry', []);
      const [address] = await this.view(registryInterface, registry, 'getContractAddress', [encodeBytes32String('callbacks')]);
      if (address && address !== ZeroAddress) this.callbacks = getAddress(address);
    } catch {
      // not discoverable: match by topics and check the trader
    }
    return this.callbacks;
  }

  /** The market orders the trader initiated in the block range. */
  async initiated(trader: string, from: number, to: number): Promise<Initiated[]> {
    const traderTopic = addressTopic(trader);
    const trading = this.options.trading;
    const [opens, closes] = await Promise.all([
      this.logsInRange({ address: trading, topics: [TOPICS.openInitiated, null, traderTopic] }, from, to),
      this.logsInRange({ address: trading, topics: [[TOPICS.closeInitiated, TOPICS.closeInitiatedV2], null, null, traderTopic] }, from, to),
    ]);
    return [...opens, ...closes].map((l) => initiatedFromLog(l, trading)).filter((i): i is Initiated => i !== null);
  }

  /** Settlement events of the orders, by orderId (topic 1), from `from` on. */
  async outcomeLogs(orderIds: bigint[], from: number, to: number | 'latest'): Promise<Map<bigint, Log[]>> {
    const callbacks = await this.callbacksAddress();
    const filter = {
      address: callbacks ? [this.options.trading, callbacks] : undefined,
      topics: [OUTCOME_TOPICS, orderIds.map(uintTopic)],
    };
    const logs =
      to === 'latest'
        ? await this.provider.getLogs({ ...filter, fromBlock: from, toBlock: 'latest' })
        : await this.logsInRange(filter, from, to);
    const byOrder = new Map<bigint, Log[]>();
    // Without the callbacks address, decodeOutcome only trusts events that match the order's trader or tradeId.
    for (const log of logs) {
      const id = BigInt(log.topics[1]);
      byOrder.set(id, [...(byOrder.get(id) ?? []), log]);
    }
    return byOrder;
  }

  /**
   * The trade a close order closed, as it was before: read at the block before the close (the slot from the
   * transaction's calldata); else found by its opening execution (tradeId = opening orderId). Null if neither works.
   */
  async tradeBeforeClose(order: Initiated): Promise<RawTrade | null> {
    try {
      const tx = await this.provider.getTransaction(order.txHash);
      if (tx) {
        const slot = closedSlotOf(tx.data);
        const trade = await this.openTrade(order.trader, slot.pairIndex, slot.index, order.blockNumber - 1);
        if (trade) return trade;
      }
    } catch {
      // no historical state on this node: try the opening event
    }
    const lookback = this.options.logLookbackBlocks ?? 500_000;
    const logs = await this.logsInRange(
      { address: (await this.callbacksAddress()) ?? undefined, topics: [TOPICS.openExecuted, uintTopic(order.tradeId)] },
      Math.max(0, order.blockNumber - lookback),
      order.blockNumber,
    );
    for (const log of logs) {
      const t = eventsInterface.parseLog({ topics: [...log.topics], data: log.data })?.args.t;
      if (t && t.trader.toLowerCase() === order.trader.toLowerCase()) return rawTradeOf(t);
    }
    return null;
  }

  /** Replays a reverted transaction at the block before it to read the revert data. */
  async minedRevertReason(receipt: TransactionReceipt): Promise<string> {
    const tx = await this.provider.getTransaction(receipt.hash);
    if (!tx) return 'reverted (transaction not found)';
    try {
      await this.provider.call({ from: tx.from, to: tx.to, data: tx.data, blockTag: Math.max(0, receipt.blockNumber - 1) });
      return receipt.gasUsed >= tx.gasLimit ? 'out of gas' : 'reverted (the replay succeeds: the state it depended on changed)';
    } catch (err) {
      return revertOf(err) ?? `reverted (${describe(err)})`;
    }
  }

  async logsInRange(filter: LogFilter, from: number, to: number): Promise<Log[]> {
    const chunk = Math.max(1, this.options.logChunkBlocks ?? 50_000);
    const out: Log[] = [];
    for (let start = from; start <= to; start += chunk)
      out.push(...(await this.provider.getLogs({ ...filter, fromBlock: start, toBlock: Math.min(to, start + chunk - 1) })));
    return out;
  }

  /** A block at or before `sinceMs` (estimated with the chain's shortest block time), or the lookback start. */
  async blockAtOrBefore(latest: number, sinceMs?: number): Promise<number> {
    const lookback = this.options.logLookbackBlocks ?? 500_000;
    if (sinceMs == null) return Math.max(0, latest - lookback);
    const head = await this.provider.getBlock(latest);
    const ageMs = Math.max(0, (head?.timestamp ?? 0) * 1000 - sinceMs);
    return Math.max(0, latest - Math.ceil(ageMs / (this.options.minBlockTimeMs ?? 250)) - 1);
  }

  /** Timestamp of a block, in ms. */
  async blockTimeMs(blockNumber: number): Promise<number> {
    return ((await this.provider.getBlock(blockNumber))?.timestamp ?? 0) * 1000;
  }
}
