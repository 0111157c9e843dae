import { getAddress, Interface, JsonRpcProvider, TransactionReceipt, TransactionResponse, ZeroAddress, zeroPadValue } from 'ethers';
import { swapRouter02Interface } from './abi';
import { decodeQuoteExactInputSingle, encodeQuoteExactInputSingle } from './encoding';
import { spotErc20Interface, SpotNetwork, uniswapV3PoolInterface } from './networks';
import { getLogsChunked } from '../evm/logs';
import { describe, revertOf } from '../ostium/rpc-errors';

const lc = (a: string) => a.toLowerCase();
const TRANSFER = spotErc20Interface.getEvent('Transfer')!.topicHash;
const SWAP = uniswapV3PoolInterface.getEvent('Swap')!.topicHash;

/** A mined SPOT swap as its transaction and logs tell it. */
export interface MinedSwap {
  hash: string;
  blockNumber: number;
  from: string;
  tokenIn: string;
  tokenOut: string;
  fee: number;
  recipient: string;
  /** What the pool took and paid, in the tokens' smallest units. */
  paid: bigint;
  received: bigint;
}

/** Everything the SPOT adapter reads from the chain. */
export class SpotChainReader {
  private readonly pools = new Map<string, string>();

  constructor(
    readonly provider: JsonRpcProvider,
    private readonly network: SpotNetwork,
  ) {}

  async view(iface: Interface, to: string, fn: string, args: unknown[]): Promise<any[]> {
    const out = await this.provider.call({ to, data: iface.encodeFunctionData(fn, args) });
    return iface.decodeFunctionResult(fn, out) as unknown as any[];
  }

  async balanceOf(token: string, holder: string): Promise<bigint> {
    return (await this.view(spotErc20Interface, token, 'balanceOf', [getAddress(holder)]))[0] as bigint;
  }

  async allowance(token: string, owner: string, spender: string): Promise<bigint> {
    return (await this.view(spotErc20Interface, token, 'allowance', [getAddress(owner), getAddress(spender)]))[0] as bigint;
  }

  /** The pool of a pair at a fee tier (factory.getPool), or null when there is none. Existing pools are cached. */
  async poolAddress(tokenA: string, tokenB: string, fee: number): Promise<string | null> {
    const key = [lc(tokenA), lc(tokenB)].sort().join('|') + `|${fee}`;
    const known = this.pools.get(key);
    if (known) return known;
    const [pool] = await this.view(uniswapV3PoolInterface, this.network.factory, 'getPool', [tokenA, tokenB, fee]);
    if (!pool || pool === ZeroAddress) return null;
    this.pools.set(key, getAddress(pool));
    return getAddress(pool);
  }

  async sqrtPriceX96(pool: string): Promise<bigint> {
    return (await this.view(uniswapV3PoolInterface, pool, 'slot0', []))[0] as bigint;
  }

  /** QuoterV2's output for exactly amountIn, or null if the quote reverts (no pool, no liquidity). */
  async quote(tokenIn: string, tokenOut: string, amountIn: bigint, fee: number): Promise<bigint | null> {
    try {
      const data = encodeQuoteExactInputSingle({ tokenIn, tokenOut, amountIn, fee });
      const out = await this.provider.call({ to: this.network.quoterV2, data });
      return decodeQuoteExactInputSingle(out).amountOut;
    } catch (err) {
      if (revertOf(err) !== null) return null;
      throw err;
    }
  }

  /** The fee tier whose pool gives the most for amountIn (null when no tier quotes). */
  async bestQuote(tokenIn: string, tokenOut: string, amountIn: bigint, fees: number[]): Promise<{ fee: number; amountOut: bigint } | null> {
    const quotes = await Promise.all(fees.map(async (fee) => ({ fee, amountOut: await this.quote(tokenIn, tokenOut, amountIn, fee) })));
    let best: { fee: number; amountOut: bigint } | null = null;
    for (const { fee, amountOut } of quotes)
      if (amountOut !== null && amountOut > 0n && (best === null || amountOut > best.amountOut)) best = { fee, amountOut };
    return best;
  }

  /** The swap a mined, successful SwapRouter02 exactInputSingle transaction made, from its calldata and its pool's Swap log. */
  swapOf(tx: TransactionResponse, receipt: TransactionReceipt): MinedSwap | string {
    if (!tx.to || lc(tx.to) !== lc(this.network.swapRouter02)) return `transaction ${tx.hash} is not a SwapRouter02 call`;
    const parsed = swapRouter02Interface.parseTransaction({ data: tx.data });
    if (!parsed || parsed.name !== 'exactInputSingle') return `transaction ${tx.hash} is not an exactInputSingle swap`;
    const p = parsed.args[0];
    const swap = receipt.logs.find((l) => l.topics[0] === SWAP && lc(l.topics[2]) === lc(zeroPadValue(p.recipient, 32)));
    if (!swap) return `transaction ${tx.hash} has no Swap event`;
    const ev = uniswapV3PoolInterface.parseLog(swap)!;
    const zeroForOne = lc(p.tokenIn) < lc(p.tokenOut);
    const [a0, a1] = [ev.args.amount0 as bigint, ev.args.amount1 as bigint];
    return {
      hash: tx.hash,
      blockNumber: receipt.blockNumber,
      from: getAddress(tx.from),
      tokenIn: getAddress(p.tokenIn),
      tokenOut: getAddress(p.tokenOut),
      fee: Number(p.fee),
      recipient: getAddress(p.recipient),
      paid: zeroForOne ? a0 : a1,
      received: zeroForOne ? -a1 : -a0,
    };
  }

  /** The SwapRouter02 exactInputSingle swaps paying `recipient` since fromBlock (oldest first), with their block times. */
  async swapsTo(recipient: string, fromBlock: number, chunkBlocks: number): Promise<(MinedSwap & { timeMs: number })[]> {
    const logs = await getLogsChunked(
      this.provider,
      { topics: [SWAP, null, zeroPadValue(getAddress(recipient), 32)] },
      fromBlock,
      chunkBlocks,
    );
    const out: (MinedSwap & { timeMs: number })[] = [];
    for (const hash of [...new Set(logs.map((l) => l.transactionHash))]) {
      const [tx, receipt] = await Promise.all([this.provider.getTransaction(hash), this.provider.getTransactionReceipt(hash)]);
      if (!tx || !receipt || receipt.status !== 1) continue;
      const swap = this.swapOf(tx, receipt);
      if (typeof swap === 'string') continue;
      const block = await this.provider.getBlock(receipt.blockNumber);
      out.push({ ...swap, timeMs: (block?.timestamp ?? 0) * 1000 });
    }
    return out;
  }

  /** Why a mined transaction reverted: the same call replayed on the state before its block. */
  async minedRevertReason(tx: TransactionResponse, receipt: TransactionReceipt): Promise<string> {
    try {
      await this.provider.call({ from: tx.from, to: tx.to, data: tx.data, gasLimit: tx.gasLimit, blockTag: receipt.blockNumber - 1 });
      return 'reverted (the replay on the previous block succeeds: the state changed within the block)';
    } catch (err) {
      return revertOf(err) ?? describe(err);
    }
  }

  /**
   * What the agent's swaps delivered of `token` to `user` minus what the agent pulled of it from the user (for sells),
   * since `fromBlock`: the holding Conduit bought through that agent and has not sold.
   */
  async agentHolding(user: string, agent: string, token: string, fromBlock: number, chunkBlocks: number): Promise<bigint> {
    const userTopic = zeroPadValue(getAddress(user), 32);
    const agentTopic = zeroPadValue(getAddress(agent), 32);
    const [toUser, pulled] = await Promise.all([
      getLogsChunked(this.provider, { address: token, topics: [TRANSFER, null, userTopic] }, fromBlock, chunkBlocks),
      getLogsChunked(this.provider, { address: token, topics: [TRANSFER, userTopic, agentTopic] }, fromBlock, chunkBlocks),
    ]);
    let bought = 0n;
    const senders = new Map<string, string | null>();
    for (const log of toUser) {
      if (!senders.has(log.transactionHash)) {
        const tx = await this.provider.getTransaction(log.transactionHash);
        senders.set(log.transactionHash, tx && tx.to && lc(tx.to) === lc(this.network.swapRouter02) ? lc(tx.from) : null);
      }
      if (senders.get(log.transactionHash) === lc(agent)) bought += BigInt(log.data);
    }
    const sold = pulled.reduce((s, l) => s + BigInt(l.data), 0n);
    return bought > sold ? bought - sold : 0n;
  }
}
