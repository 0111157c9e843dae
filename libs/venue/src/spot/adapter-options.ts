import type { Clock } from '@conduit/domain';
import { PriceSource } from '../price-source';
import { SpotNetwork } from './networks';
import { SpotToken } from './token-list';

export interface SpotAdapterOptions {
  /** Arbitrum JSON-RPC endpoint (or a local chain in tests). */
  rpcUrl: string;
  /** 42161 (Arbitrum One); the provider never asks the endpoint. */
  chainId: number;
  /** SwapRouter02, QuoterV2, factory, USDC, WETH addresses (SPOT_NETWORKS.arbitrum, or localSpotNetwork()). */
  network: SpotNetwork;
  /** The tradable tokens (token_registry rows of the chain), or a loader asked on each markets() refresh. */
  tokens?: SpotToken[];
  tokenSource?: () => Promise<SpotToken[]>;
  /** Conduit's symbol of a token symbol (default WETH → ETH, WBTC → BTC; others as listed). */
  symbolAliases?: Record<string, string>;
  /** Pool fee tiers to look at, hundredths of a bp. Default [500, 3000, 10000]. */
  feeTiers?: number[];
  /** Used only when a pool gives no price (markPrice falls back to it) — the pool price is what a swap gets. */
  prices: PriceSource;
  clock?: Clock;
  /** JSON-RPC request timeout. Default 10 s. */
  rpcTimeoutMs?: number;
  /** How often a sent transaction's receipt is asked for while the adapter waits on it. Default 250 ms (Arbitrum blocks). */
  receiptPollMs?: number;
  /** How long the adapter waits for its approval or pull transaction to be mined. Default 60 s. */
  receiptTimeoutMs?: number;
  /** USDC notional of the synthetic book's cumulative levels. Default 1k, 5k, 25k, 100k, 500k. */
  bookLevelsUsd?: string[];
  /** USDC amount the best fee tier is chosen with for marks and the book. Default 1,000. */
  probeUsd?: string;
  /** First block of the history scans (positions bought by an agent, fills). Default: the last logLookbackBlocks blocks. */
  fromBlock?: number;
  /** How far back the scans look without a fromBlock. Default 2,000,000 blocks (about 5.8 days of Arbitrum's 250 ms). */
  logLookbackBlocks?: number;
  /** Largest block range of one eth_getLogs. Default 50,000. */
  logChunkBlocks?: number;
  /** How long a token's chosen pool is kept before it is looked up again. Default 60 s. */
  poolCacheMs?: number;
}
