/**
 * LLM trading agents (seed 004): what a cycle shows its model, what the model answers, and what the agent's limits
 * make of the answer. Numbers that are money or prices are decimal strings; only leverage is an integer.
 */
import type { Side } from '../trading';

export const TRADER_ACTIONS = ['OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD'] as const;
export type TraderAction = (typeof TRADER_ACTIONS)[number];

/** agent_decisions.status (seed 004). */
export type DecisionStatus = 'success' | 'failed' | 'parsing_error';

/** Seed 004's default coin universe. */
export const DEFAULT_TRADER_COINS = ['BTC', 'ETH', 'SOL', 'BNB', 'DOGE', 'XRP'] as const;

/** Seed 004's decision, as the model answered it (after the schema check); decimals kept as written. */
export interface TraderDecision {
  action: TraderAction;
  coin: string;
  /** Notional in USD (0 for HOLD). */
  size_usd: string;
  leverage: number;
  /** null or 0: not given. */
  stop_loss_price: string | null;
  take_profit_price: string | null;
  /** 0–1. */
  confidence: string;
  reasoning: string;
}

/** An llm_trader's limits (trading_agents). */
export interface TraderLimits {
  /** Largest notional of one position as % of equity (max_position_size). */
  maxPositionPct: string;
  /** 1–50. */
  maxLeverage: number;
  /** Fallback stop and take profit, % from the mark. */
  stopLossPct: string;
  takeProfitPct: string;
  /** The coins the agent may trade. */
  coins: readonly string[];
}

/** One open position of the agent's own book. */
export interface TraderPosition {
  coin: string;
  side: Side;
  qty: string;
  entryPrice: string;
  mark: string;
  unrealizedPnl: string;
  leverage: number;
  stopLoss: string | null;
  takeProfit: string | null;
  liquidationPrice: string | null;
  openedAt: Date;
}

/** The agent's own book: equity = initial_balance + realized PnL; cash = equity − margin in use. */
export interface TraderAccount {
  initialBalance: string;
  equity: string;
  cash: string;
  positionValue: string;
  realizedPnl: string;
  unrealizedPnl: string;
  /** Sharpe of the book so far; null with too few closed trades. */
  sharpe: string | null;
}

/** One coin of the universe as the cycle sees it. Changes are fractions (0.012 = +1.2 %); null when unknown. */
export interface CoinMarket {
  coin: string;
  /** Listed by some active venue (else it cannot be traded). */
  listed: boolean;
  mark: string | null;
  /** The market's largest leverage (venue_markets.max_leverage); null when unknown. */
  maxLeverage: number | null;
  change1h: string | null;
  change4h: string | null;
  change24h: string | null;
  /** Recent marks, oldest first. */
  series: string[];
  /** The venue's current funding rate per hour, a fraction (Hyperliquid); null where the venue gives none. */
  fundingRate: string | null;
  /** Open interest in base units (Hyperliquid); null where the venue gives none. */
  openInterest: string | null;
  /** Open interest in USD at the venue's mark. */
  openInterestUsd?: string | null;
  /** The latest 6-hour indicators (market_indicators_6h). */
  indicators: { ret6h: string | null; volatility24h: string | null } | null;
}

/** Everything one cycle's prompt holds. */
export interface TraderSnapshot {
  now: Date;
  agentName: string;
  strategy: string | null;
  account: TraderAccount;
  positions: TraderPosition[];
  markets: CoinMarket[];
  limits: TraderLimits;
}

/** What the limits changed, and why: recorded with the decision. */
export interface Adjustment {
  field: 'size_usd' | 'leverage' | 'stop_loss_price' | 'take_profit_price' | 'confidence' | 'action';
  from: string | null;
  to: string | null;
  reason: string;
}

/**
 * A decision held to the agent's limits. `status` success: `action` is what trades (HOLD trades nothing); failed:
 * nothing trades and `error` says why (a coin outside the universe or listed by no venue, nothing tradable).
 */
export interface HeldDecision {
  status: DecisionStatus;
  error: string | null;
  action: TraderAction;
  coin: string;
  sizeUsd: string;
  leverage: number;
  stopLoss: string | null;
  takeProfit: string | null;
  confidence: string;
  reasoning: string;
  /** The mark the levels and size were checked against. */
  mark: string | null;
  adjustments: Adjustment[];
  /** Open positions of the book to close before the open (the opposite side in the same coin), or CLOSE_POSITION's. */
  closes: TraderPosition[];
}
