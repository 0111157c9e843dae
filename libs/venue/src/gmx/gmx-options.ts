import type { Clock } from '@conduit/domain';
import { PriceSource } from '../price-source';
import { GmxNetwork } from './onboarding';

export interface GmxAdapterOptions {
  /** Arbitrum JSON-RPC endpoint (or the local chain in tests). */
  rpcUrl: string;
  /** 42161 on Arbitrum One; the provider never asks the endpoint. */
  chainId: number;
  /** GMX's contracts (gmxNetwork('arbitrum') or the local chain's network). */
  addresses: GmxNetwork;
  /**
   * GMX's REST API (https://arbitrum-api.gmxinfra.io): marks are the mid of its `/prices/tickers` (GMX's oracle
   * prices), read at most once a second. Without it marks come from `prices` (venue_markets; paper, tests).
   */
  tickersUrl?: string;
  /** Where marks come from when no tickersUrl is given (venue_markets); never hard-coded. */
  prices: PriceSource;
  /** Execution fee each order carries, wei of ETH paid by the agent wallet. Default 0.0003 ETH. */
  executionFeeWei?: bigint;
  /** An order the keeper has not executed this long after its block is reported so (still PENDING) until releaseOrder. Default 60 s. */
  keeperTimeoutMs?: number;
  /** Where "now" comes from for that timeout (default: the system clock). */
  clock?: Clock;
  /** GMX referral code (bytes32 hex), none unless given. */
  referralCode?: string;
  /** Leverage of an order that names none. Default 2. */
  defaultLeverage?: number;
  /** Highest leverage offered per market (GMX's min collateral factor is not read). Default 50. */
  maxLeverage?: number;
  /** Position fee estimate for routing and the fee schedule, bps of the size. Default 5 (GMX's 0.05 % / 0.07 %). */
  positionFeeBps?: string;
  /** Smallest order notional in USD. Default 10. */
  minNotionalUsd?: string;
  /** Notionals (USD) of the synthetic book's levels, each priced with GMX's position impact. Default impact-book.ts's. */
  impactBookLevelsUsd?: string[];
  /** How long a market's impact factors and open interest (DataStore) are reused before reading them again. Default 60 s. */
  impactCacheMs?: number;
  /** How far back fills() and order look-ups search logs without a start. Default 500,000 blocks. */
  logLookbackBlocks?: number;
  /** Largest block range of one eth_getLogs. Default 50,000. */
  logChunkBlocks?: number;
  /** JSON-RPC request timeout. Default 10 s. */
  rpcTimeoutMs?: number;
}
