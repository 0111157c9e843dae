/**
 * Types and constants shared by the parts of the local Hyperliquid server (test support, not product code).
 * The public ones are re-exported by ../hyperliquid-server.ts.
 */
import Decimal from 'decimal.js';

// ---- public types ------------------------------------------------------------------------------------------------

export interface HlSimMarket {
  name: string;
  szDecimals: number;
  maxLeverage: number;
  mid: string;
}

export interface HlSimOptions {
  /** Network the server pretends to be: L1 signatures use source 'b' (testnet) or 'a', and user-signed actions must say 'Testnet' /
   * 'Mainnet'. Default false. */
  isTestnet?: boolean;
  /** The perp universe in asset-index order. Default: the Hyperliquid rows of migrations/data/venue-markets.json. */
  markets?: HlSimMarket[];
  /** Taker fee in basis points. Default '4.5'. */
  takerFeeBps?: string;
  /** Levels per side of the synthetic book. Default 10. */
  bookDepthLevels?: number;
  /** The exchange's clock in ms (the nonce window is checked against it; ledger entries carry it). Default Date.now. */
  now?: () => number;
}

/** An order that received an oid (engine rejections included, with their …Rejected status). */
export interface HlSimOrder {
  master: string;
  signer: string;
  oid: number;
  cloid: string | null;
  coin: string;
  isBuy: boolean;
  /** Size and limit price exactly as posted. */
  sz: string;
  limitPx: string;
  reduceOnly: boolean;
  tif: string;
  /** 'open' | 'filled' | 'canceled' | 'tickRejected' | 'minTradeNtlRejected' | 'reduceOnlyRejected' | 'iocCancelRejected' |
   * 'badAloPxRejected' | 'perpMarginRejected'. */
  status: string;
  filledSz: string;
  timestamp: number;
  statusTimestamp: number;
}

export interface HlSimExchangeRequest {
  body: any;
  /** Recovered signer (lowercase), null when the body could not be read or the signature not recovered. */
  signer: string | null;
  /** The JSON answer (also when the socket was hung up instead), or 'HTTP 422: …' for an unreadable body. */
  response: any;
}

export interface HlSignature {
  r: string;
  s: string;
  v: number;
}

// ---- constants ---------------------------------------------------------------------------------------------------

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export const ZERO = new D(0);
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
export const DAY_MS = 86_400_000;

// ---- internal types ----------------------------------------------------------------------------------------------

export interface Level {
  px: Decimal;
  sz: Decimal;
  n: number;
}

export interface Market {
  name: string;
  szDecimals: number;
  maxLeverage: number;
  mid: Decimal;
  prevDayPx: Decimal;
  /** The hourly funding rate metaAndAssetCtxs reports (set by the test; never paid). */
  funding: Decimal;
  bids: Level[];
  asks: Level[];
}

export interface Position {
  szi: Decimal;
  entryPx: Decimal;
}

export interface UserFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  builderFee?: string;
  tid: number;
  cloid?: string;
  /** A fill the liquidation engine made (liquidatePosition). */
  liquidation?: { liquidatedUser: string; markPx: string; method: 'market' | 'backstop' };
  feeToken: 'USDC';
  twapId: null;
}

export interface Account {
  usdc: Decimal;
  positions: Map<string, Position>;
  leverage: Map<string, number>;
  /** Oldest first. */
  fills: UserFill[];
  /** userNonFundingLedgerUpdates entries a test scripted, oldest first. */
  ledger: LedgerUpdate[];
  /** What clearinghouseState answers instead of the simulated margin, when a test scripted it (a watched wallet). */
  scripted?: ScriptedAccount;
}

/** A watched wallet's account as a test scripts it: equity and positions, decimal strings. */
export interface ScriptedAccount {
  accountValue: string;
  positions?: Array<{
    coin: string;
    /** Signed size. */
    szi: string;
    entryPx: string;
    /** |szi| × mark; default |szi| × entryPx. */
    positionValue?: string;
    unrealizedPnl?: string;
    leverage?: number;
    liquidationPx?: string | null;
  }>;
}

/** A userNonFundingLedgerUpdates entry as recorded: `{time, hash, delta: {type, usdc, …}}`. */
export interface LedgerUpdate {
  time: number;
  hash: string;
  delta: { type: string } & Record<string, unknown>;
}

export interface ExchangeRequest {
  action: Record<string, any>;
  nonce: number;
  signature: unknown;
  vaultAddress?: string;
  expiresAfter?: number;
}

/** The body cannot be read as the request type: the real API answers HTTP 422 with a plain-text reason. */
export class DeserializeError extends Error {}
