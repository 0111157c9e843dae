import { JsonRpcProvider, Network } from 'ethers';
import { VenueHealth } from '../adapter';
import { describe } from './rpc-errors';

/**
 * An ethers provider for an EVM venue's RPC: the chain id is given, never asked of the endpoint, and nothing is cached
 * (a nonce or a receipt read 100 ms ago may be stale).
 */
export function evmProvider(rpcUrl: string, chainId: number, timeoutMs?: number): JsonRpcProvider {
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, cacheTimeout: -1 });
  if (timeoutMs) provider._getConnection().timeout = timeoutMs;
  return provider;
}

/** An EVM venue's health: its RPC answers, on the chain expected; the latency and the block, or why not. */
export async function chainHealth(provider: JsonRpcProvider, chainId: number): Promise<VenueHealth> {
  const started = Date.now();
  try {
    const [block, answered] = await Promise.all([provider.send('eth_blockNumber', []), provider.send('eth_chainId', [])]);
    const latencyMs = Date.now() - started;
    if (Number(answered) !== chainId) return { ok: false, latencyMs, detail: `RPC is on chain ${Number(answered)}, expected ${chainId}` };
    return { ok: true, latencyMs, detail: `block ${Number(block)}` };
  } catch (err) {
    return { ok: false, latencyMs: Date.now() - started, detail: describe(err) };
  }
}
