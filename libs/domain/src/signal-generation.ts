import { dec, Dec } from './money';
import type { RiskModel, Side, SizeModel } from './trading';

// Agent What's arithmetic: how classified posts and research notes become one signal per agent, token and
// 6-hour bucket, and how outcomes feed back into each account's impact factor. Pure; docs/AGENTS.md explains it.

export const BUCKET_MS = 6 * 60 * 60 * 1000;

/** Start of the 6-hour UTC bucket holding `at` (00:00, 06:00, 12:00, 18:00). */
export function sixHourBucket(at: Date): Date {
  return new Date(Math.floor(at.getTime() / BUCKET_MS) * BUCKET_MS);
}

/** One piece of evidence an agent reads: a classified post, a research note or its followed wallets' bias on a token. */
export interface Evidence {
  kind: 'ct_post' | 'research' | 'wallet';
  /** tweet id, research note id, or `asset@timeframe` of a wallet bias (wallets/wallet-signal.ts). */
  sourceId: string;
  token: string;
  side: Side;
  /** The classifier's (or the note's) confidence, 0..1; a wallet bias's strength. */
  confidence: number;
  /** The account's impact factor for a post; 1 for a research note or a wallet bias. */
  quality: number;
  /** The agent's weight of this source kind (weights.x / weights.research / weights.wallets). */
  weight: number;
}

export interface TokenView {
  token: string;
  side: Side | null;
  /** Support of the winning side minus support of the other, 0..1. */
  confidence: number;
  support: { LONG: number; SHORT: number };
  /** Evidence on the winning side (what the signal cites). */
  sources: Evidence[];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/**
 * Per token, the support of each side is a noisy-OR of its evidence: 1 − Π(1 − weight·quality·confidence), each
 * term capped at 0.99. Independent sources agreeing raise it; one weak source stays weak. The signal's
 * confidence is the winning side's support minus the other side's; a tie has no side.
 */
export function aggregateEvidence(evidence: Evidence[]): TokenView[] {
  const byToken = new Map<string, Evidence[]>();
  for (const e of evidence) {
    if (e.weight <= 0 || e.quality <= 0 || e.confidence <= 0) continue;
    if (!byToken.has(e.token)) byToken.set(e.token, []);
    byToken.get(e.token)!.push(e);
  }
  const out: TokenView[] = [];
  for (const [token, list] of byToken) {
    const support = { LONG: 0, SHORT: 0 };
    for (const side of ['LONG', 'SHORT'] as const) {
      let miss = 1;
      for (const e of list) if (e.side === side) miss *= 1 - clamp(e.weight * e.quality * e.confidence, 0, 0.99);
      support[side] = 1 - miss;
    }
    const diff = support.LONG - support.SHORT;
    const side: Side | null = diff > 1e-12 ? 'LONG' : diff < -1e-12 ? 'SHORT' : null;
    out.push({
      token,
      side,
      confidence: round(Math.abs(diff), 4),
      support: { LONG: round(support.LONG, 4), SHORT: round(support.SHORT, 4) },
      sources: side ? list.filter((e) => e.side === side) : [],
    });
  }
  return out.sort((a, b) => b.confidence - a.confidence || a.token.localeCompare(b.token));
}

/** Market context of a token for one window (market_indicators_6h.indicators); every field optional. */
export interface MarketContext {
  /** Daily volatility as a fraction (0.04 = 4%). */
  volatility_24h?: number;
  /** Return over the last 6 hours as a fraction. */
  ret_6h?: number;
}

export const DEFAULT_DAILY_VOLATILITY = 0.04;

/**
 * Fighting the tape costs confidence: a 6-hour move against the side, measured in daily volatilities, takes up
 * to a quarter of it (a full volatility against or more). A move with the side changes nothing.
 */
export function marketAdjustedConfidence(
  confidence: number,
  side: Side,
  market: MarketContext | null,
): { confidence: number; note: string | null } {
  const ret = market?.ret_6h;
  if (ret === undefined || ret === null || !Number.isFinite(ret)) return { confidence, note: null };
  const vol = market?.volatility_24h && market.volatility_24h > 0 ? market.volatility_24h : DEFAULT_DAILY_VOLATILITY;
  const against = (side === 'LONG' ? -ret : ret) / vol;
  if (against <= 0) return { confidence, note: null };
  const penalty = 0.25 * clamp(against, 0, 1);
  return {
    confidence: round(confidence * (1 - penalty), 4),
    note: `6h move ${(ret * 100).toFixed(2)}% against the side: confidence × ${(1 - penalty).toFixed(3)}`,
  };
}

/**
 * Size and exits from confidence and volatility.
 * - margin: 5% of equity at the threshold, rising linearly to 25% at confidence 1, scaled down by
 *   DEFAULT_DAILY_VOLATILITY / volatility when the token is more volatile than that (never scaled up), at least 1%;
 * - leverage: 1x, 2x from confidence 0.7, 3x from 0.85;
 * - stop at 1.5 daily volatilities (between 1% and 10%), take profit at twice the stop, trailing once the move
 *   reaches the stop distance.
 */
export function signalParameters(
  confidence: number,
  threshold: number,
  market: MarketContext | null,
): { sizeModel: SizeModel; riskModel: RiskModel } {
  const vol = market?.volatility_24h && market.volatility_24h > 0 ? market.volatility_24h : DEFAULT_DAILY_VOLATILITY;
  const span = 1 - threshold > 0 ? (confidence - threshold) / (1 - threshold) : 1;
  const basePct = 5 + 20 * clamp(span, 0, 1);
  const pct = Math.max(1, basePct * Math.min(1, DEFAULT_DAILY_VOLATILITY / vol));
  const leverage = confidence >= 0.85 ? 3 : confidence >= 0.7 ? 2 : 1;
  const stop = clamp(1.5 * vol, 0.01, 0.1);
  return {
    sizeModel: { type: 'percentage', value: dec(pct).toDecimalPlaces(2, Dec.ROUND_DOWN).toNumber(), leverage },
    riskModel: {
      type: 'trailing-stop',
      stop: round(stop, 4),
      take_profit: round(2 * stop, 4),
      activation: round(stop, 4),
    },
  };
}

export const IMPACT_FACTOR_MIN = 0.05;
export const IMPACT_FACTOR_MAX = 1;
/** How far one signal's outcome moves an impact factor at most. */
export const IMPACT_LEARNING_RATE = 0.1;
/** A 5% return on the position's notional counts as a clear win (tanh(1) ≈ 0.76 of the step). */
export const IMPACT_RETURN_SCALE = 0.05;

/**
 * The account's impact factor after a position its post caused closed with `returnOnNotional` (PnL / entry
 * notional): moved by learningRate·tanh(return / 5%), weighted by `share` (1 / the signal's position count, so
 * one signal moves it once however many subscribers traded it), kept within [0.05, 1].
 */
export function nextImpactFactor(before: number, returnOnNotional: number, share = 1): number {
  const step = IMPACT_LEARNING_RATE * share * Math.tanh(returnOnNotional / IMPACT_RETURN_SCALE);
  return round(clamp(before + step, IMPACT_FACTOR_MIN, IMPACT_FACTOR_MAX), 6);
}
