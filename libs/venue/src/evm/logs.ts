import { Filter, JsonRpcProvider, Log } from 'ethers';

/**
 * eth_getLogs over [fromBlock, latest] one chunk of blocks at a time, oldest first: RPC providers cap the block range
 * of one request (commonly 10,000–100,000 blocks on Arbitrum), so a scan from a position's first block never asks
 * for more than `chunkBlocks` at once.
 */
export async function getLogsChunked(
  provider: JsonRpcProvider,
  filter: Omit<Filter, 'fromBlock' | 'toBlock'>,
  fromBlock: number,
  chunkBlocks: number,
): Promise<Log[]> {
  const to = await provider.getBlockNumber();
  const out: Log[] = [];
  for (let from = Math.max(0, fromBlock); from <= to; from += chunkBlocks)
    out.push(...(await provider.getLogs({ ...filter, fromBlock: from, toBlock: Math.min(to, from + chunkBlocks - 1) })));
  return out;
}

/** The first block of a scan: `fromBlock` when given, else the last `lookbackBlocks` blocks. */
export async function scanStart(provider: JsonRpcProvider, fromBlock: number | undefined, lookbackBlocks: number): Promise<number> {
  if (fromBlock != null) return fromBlock;
  return Math.max(0, (await provider.getBlockNumber()) - lookbackBlocks);
}
