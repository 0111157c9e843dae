import type { Clock } from '@conduit/domain';
import { PriceSource } from '../price-source';
import { OstiumPair } from './constants';

export interface OstiumAdapterOptions {
  /** Arbitrum JSON-RPC endpoint (or a local chain in tests). */
  rpcUrl: string;
  /** 42161 (Arbitrum One) or 421614 (Arbitrum Sepolia); the provider never asks the endpoint. */
  chainId: number;
  tradingAddress: string;
  storageAddress: string;
  usdcAddress: string;
  /** Where marks come from (Ostium prices are oracle prices; never hard-coded here). */
  prices: PriceSource;
  /** A market order the oracle has not filled this long after its block is reported REJECTED. Default 60 s. */
  fillTimeoutMs?: number;
  /** Where "now" comes from for that timeout (default: the system clock). */
  clock?: Clock;
  /** Leverage of an order that names none. Default 2. */
  defaultLeverage?: number;
  /** Opening fee estimate for routing, in bps of the position (fills carry the real fee). Default 10. */
  takerFeeBps?: string;
  /**
   * The contract that emits the execution events (OstiumTradingCallbacks). When unset it is read from Trading's
   * registry (`registry().getContractAddress("callbacks")`); if that fails, logs are matched by topic and checked
   * against the trader instead of by address.
   */
  callbacksAddress?: string;
  /** The pairs to trade (e.g. a list verified against the subgraph); default OSTIUM_PAIRS. */
  pairs?: readonly OstiumPair[];
  /** Builder fee, off unless given (percent, e.g. '0.05'; the SDK caps it at 0.5 %). */
  builder?: { address: string; feePercent: string } | null;
  /** Half-spread of the synthetic order book, in bps. Default 1. */
  syntheticSpreadBps?: string;
  /** Largest block range of one eth_getLogs (fills()). Default 50,000. */
  logChunkBlocks?: number;
  /** How far back fills() looks when given no start time, and the lower bound of its block estimate. Default 500,000. */
  logLookbackBlocks?: number;
  /** Shortest block time of the chain, to turn a time into a block number (Arbitrum: 250 ms). */
  minBlockTimeMs?: number;
  /** JSON-RPC request timeout. Default 10 s. */
  rpcTimeoutMs?: number;
}
