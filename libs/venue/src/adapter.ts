import type Decimal from 'decimal.js';
import type { Venue } from '@conduit/domain';
import type { WalletLedgerEntry } from './hyperliquid/wallet-parsers';

export type OrderSide = 'BUY' | 'SELL';
export type PositionSide = 'LONG' | 'SHORT';

/** One tradable market as the venue lists it. Sizes and prices are decimal strings. */
export interface MarketInfo {
  /** Conduit's token symbol (ETH, BTC, EUR...). */
  symbol: string;
  /** The venue's own id of the market (Hyperliquid asset index, Ostium pairIndex). */
  index: number;
  /** The venue's pair name (ETH, BTC-USD, USD-JPY...). */
  pair: string;
  /** Decimal places allowed in an order size. */
  szDecimals: number;
  maxLeverage: number;
  /** Smallest order size in base units. */
  minSize: string;
  /** Smallest order notional in USD, if the venue has one. */
  minNotionalUsd: string | null;
  active: boolean;
}

/** A perp market's funding and open interest as the venue reports them now (decimal strings, as the venue wrote them). */
export interface MarketStats {
  symbol: string;
  /** The current funding rate per hour, a fraction (0.0000125 = 0.00125 % an hour; positive: longs pay shorts). */
  fundingRate: string;
  /** Open interest in base units. */
  openInterest: string;
  /** The venue's mark these figures go with; null when it gave none. */
  mark: string | null;
  /** openInterest × mark in USD, exact; null without a mark. */
  openInterestUsd: string | null;
}

export interface BookLevel {
  price: string;
  size: string;
}

export interface OrderBook {
  symbol: string;
  bids: BookLevel[];
  asks: BookLevel[];
  /** Venue time of the snapshot, ms since epoch. */
  time: number;
}

export interface AccountState {
  /** Total account value in USD. */
  equity: string;
  /** Collateral not used as margin (what a new position may use). */
  freeCollateral: string;
}

export interface VenuePosition {
  symbol: string;
  side: PositionSide;
  /** Absolute size in base units. */
  qty: string;
  entryPrice: string | null;
  unrealizedPnl: string | null;
  leverage: number | null;
  /** Venue slot of the position when the venue has several per market (Ostium trade index). */
  slot?: number;
}

/** What a venue says of a fill its liquidation engine made (Hyperliquid userFills' `liquidation`). */
export interface FillLiquidation {
  /** The account whose position was liquidated (lowercase); null when the venue does not say. */
  liquidatedUser: string | null;
  /** The mark the liquidation was triggered at. */
  markPrice: string;
  /** Hyperliquid: 'market' (through the book) or 'backstop' (the liquidator vault took the position and its margin). */
  method: string;
}

export interface Fill {
  symbol: string;
  side: OrderSide;
  qty: string;
  price: string;
  fee: string;
  /** PnL realized by this fill, before fees (venue's figure). */
  closedPnl: string;
  time: number;
  clientOrderId: string | null;
  venueOrderId: string | null;
  /** Set when the venue's liquidation engine made this fill; absent or null for the account's own orders. */
  liquidation?: FillLiquidation | null;
}

/**
 * Signing key of an agent wallet. The private key is decrypted only inside `use`, at the moment of
 * signing, and never leaves the callback.
 */
export interface KeyHandle {
  /** Address of the agent wallet (public). */
  readonly address: string;
  use<T>(fn: (privateKey: string) => Promise<T>): Promise<T>;
}

/** The account an order trades for: the user's master address, signed for by the deployment's agent wallet. */
export interface TradingAccount {
  /** The user's master address; every account query uses it. */
  address: string;
  /** The agent wallet that signs for it; absent on the paper venue. */
  signer?: KeyHandle;
}

/**
 * A market order is sent as an IOC limit at the reference price ± maxSlippageBps: it fills at or better than
 * that bound, or not at all. clientOrderId is deterministic, so asking for it after a crash tells whether
 * it was placed.
 */
export interface OrderRequest {
  clientOrderId: string;
  account: TradingAccount;
  symbol: string;
  side: OrderSide;
  /** Size in base units, already rounded to the market's szDecimals. */
  qty: string;
  reduceOnly: boolean;
  maxSlippageBps: string;
  /** Price the slippage bound is measured from (defaults to the venue's mark). */
  referencePrice?: string;
  leverage?: number;
  /** Protective levels sent with the order where the venue takes them (Ostium). */
  takeProfit?: string | null;
  stopLoss?: string | null;
  /**
   * Called with the venue's id of the order before it is submitted, when the venue has no client order
   * ids (Ostium: the signed transaction's hash). The caller stores it so that a retry can look it up.
   */
  onSubmitting?: (venueOrderId: string) => Promise<void>;
}

/** Which order to look up: by client id, and by the venue's id when the venue has no client ids. */
export interface OrderRef {
  clientOrderId: string;
  venueOrderId?: string | null;
  symbol: string;
}

export interface OrderResult {
  clientOrderId: string;
  /**
   * FILLED: done (filledQty/avgPrice set). PENDING: accepted, fill not yet observed (Ostium's oracle fills
   * market orders asynchronously; ask orderStatus again). REJECTED: nothing happened (error says why).
   */
  status: 'FILLED' | 'PENDING' | 'REJECTED';
  filledQty: string;
  avgPrice: string | null;
  fee: string;
  venueOrderId: string | null;
  error?: string;
  /** Venue slot of the resulting position, when it has one (Ostium trade index). */
  slot?: number;
}

export interface FeeSchedule {
  takerBps: string;
  makerBps: string;
}

export interface VenueHealth {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

/**
 * One interface every venue implements; the router and the executor see venues only through it.
 * Prices, sizes and money are decimal strings (Decimal for marks), never floats.
 */
export interface VenueAdapter {
  readonly venue: Venue;
  /** 'paper' simulates fills locally; 'live' talks to the venue. */
  readonly mode: 'paper' | 'live';
  markets(): Promise<MarketInfo[]>;
  /** Current mark of the symbol, or null if the venue has none. */
  markPrice(symbol: string): Promise<Decimal | null>;
  /** Marks of every listed symbol. */
  markPrices(): Promise<Map<string, Decimal>>;
  /** Funding and open interest of the listed markets (Hyperliquid: metaAndAssetCtxs). Absent where the venue gives none. */
  marketStats?(): Promise<MarketStats[]>;
  orderBook(symbol: string, depth?: number): Promise<OrderBook>;
  accountState(address: string): Promise<AccountState>;
  setLeverage(account: TradingAccount, symbol: string, leverage: number): Promise<void>;
  placeOrder(order: OrderRequest): Promise<OrderResult>;
  /** The order placed under this reference, or null if the venue never saw it. */
  orderStatus(account: TradingAccount, ref: OrderRef): Promise<OrderResult | null>;
  openPositions(address: string): Promise<VenuePosition[]>;
  fills(address: string, sinceMs?: number): Promise<Fill[]>;
  /** Closes the whole position in `symbol` with a reduce-only order under `clientOrderId`. */
  closePosition(
    account: TradingAccount,
    symbol: string,
    clientOrderId: string,
    maxSlippageBps: string,
    slot?: number,
  ): Promise<OrderResult>;
  feeSchedule(): FeeSchedule;
  health(): Promise<VenueHealth>;
  /**
   * Makes a refusal final where the venue could still fill the order later (Ostium: a market order the oracle
   * has not filled stays pending on chain until its timeout is claimed). Absent where refusals are final.
   */
  releaseOrder?(account: TradingAccount, ref: OrderRef): Promise<void>;
  /**
   * The venue's liquidation of a position, where Conduit runs the liquidation engine (the paper venue): a reduce-only
   * fill of the order's size at `price`, the liquidation price, whatever the mark (a gap through it still liquidates
   * there), charged the taker fee, under the order's client order id (asked again, it answers the same fill). Live
   * venues liquidate on their own; their fills say so (Fill.liquidation).
   */
  liquidate?(order: OrderRequest, price: string): Promise<OrderResult>;
  /**
   * Submits an action the user signed with their master wallet (Hyperliquid usdSend for a bill). Absent where
   * the venue has no such actions.
   */
  submitUserSigned?(
    action: Record<string, unknown>,
    nonce: number,
    signature: { r: string; s: string; v: number },
  ): Promise<{ ok: true } | { ok: false; error: string }>;
  /**
   * The account's non-funding ledger since `startTime` (ms), oldest first: deposits, withdrawals, transfers (Hyperliquid
   * userNonFundingLedgerUpdates; a usdSend is a "send" delta carrying its nonce). Absent where the venue has none.
   */
  userLedger?(address: string, startTime: number): Promise<WalletLedgerEntry[]>;
}
