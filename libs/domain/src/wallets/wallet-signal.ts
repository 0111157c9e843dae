/**
 * An agent following wallets: its own bias per asset over the wallets it follows (assetBias), read as evidence for
 * Agent What's generation (docs/WALLETS.md "Signals"). Pure.
 *
 * - A bias crosses when |value| ≥ the agent's threshold (wallet_bias_threshold, else WALLET_BIAS_THRESHOLD); then it
 *   is evidence for the side of its sign, of strength |value| × (1 + confidence) / 2: the value is the
 *   credibility- and size-weighted direction of the wallets' moves, and a bias no credible wallet agrees with
 *   counts half (never zero: a crossing is a crossing).
 * - A crossing bias opens its own gate: when the token's aggregated side is the bias's side, the signal is emitted
 *   whatever SIGNAL_CONFIDENCE_THRESHOLD says (the agent's wallet threshold was the bar). Contrary posts or notes
 *   stop it only by outweighing it (a tie or the other side); the other side then needs the usual threshold.
 * - Below the threshold (or a zero value), the bias is no evidence: a logged HOLD when nothing else speaks.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';
import type { Evidence, TokenView } from '../signal-generation';
import type { Side } from '../trading';
import { assetBias, BiasEvent, BiasTimeframe } from './bias';

/** The timeframe an agent's wallet bias is read on (WALLET_SIGNAL_TIMEFRAME's default): see docs/WALLETS.md "Signals". */
export const DEFAULT_WALLET_SIGNAL_TIMEFRAME: BiasTimeframe = '4h';

export interface WalletSignalEvent extends BiasEvent {
  eventId: string;
}

export interface WalletView {
  token: string;
  /** The venue's asset name (Hyperliquid's coin) the bias is about. */
  asset: string;
  timeframe: BiasTimeframe;
  value: string;
  confidence: string;
  components: Record<string, string>;
  /** The agent's |bias| threshold, 3 places. */
  threshold: string;
  /** The side of the sign when |value| ≥ threshold; null otherwise. */
  side: Side | null;
  /** |value| × (1 + confidence) / 2, 4 places: the evidence's confidence (0 when it does not cross). */
  strength: number;
  /** Wallets with a share > 0, the largest share first (ties by id). */
  wallets: string[];
  /**
   * The wallet the signal names (signal_wallet_id): the largest share among the wallets whose own net pull has the
   * bias's sign (a buyer is not the wallet of a short); the largest share overall when none has (null with none).
   */
  signalWallet: string | null;
  /** The events that carried weight (known by `now`, credible and sized above 0), newest first. */
  events: string[];
}

const ZERO = new Dec(0);

/** The agent's bias on one token from its followed wallets' analysed events, and whether it crosses the threshold. */
export function walletView(
  token: string,
  asset: string,
  events: readonly WalletSignalEvent[],
  now: Date,
  timeframe: BiasTimeframe,
  threshold: DecimalLike,
): WalletView {
  const bias = assetBias(events, now, timeframe);
  const value = dec(bias.value);
  const bar = dec(threshold);
  const crosses = !value.isZero() && value.abs().gte(bar);
  const side: Side | null = crosses ? (value.isNegative() ? 'SHORT' : 'LONG') : null;
  const strength = crosses
    ? value.abs().times(dec(bias.confidence).plus(1)).div(2).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber()
    : 0;
  const wallets = Object.entries(bias.components)
    .filter(([, share]) => dec(share).gt(ZERO))
    .sort(([a, x], [b, y]) => dec(y).comparedTo(x) || a.localeCompare(b))
    .map(([id]) => id);
  const agreeing = value.isZero()
    ? []
    : wallets.filter((id) => {
        const own = dec(
          assetBias(
            events.filter((e) => e.walletId === id),
            now,
            timeframe,
          ).value,
        );
        return !own.isZero() && own.isNegative() === value.isNegative();
      });
  const counted = events
    .filter(
      (e) => e.time.getTime() <= now.getTime() && dec(e.credibility).gt(ZERO) && (e.sizeFraction === null || dec(e.sizeFraction).gt(ZERO)),
    )
    .sort((a, b) => b.time.getTime() - a.time.getTime() || a.eventId.localeCompare(b.eventId));
  return {
    token,
    asset,
    timeframe,
    value: bias.value,
    confidence: bias.confidence,
    components: bias.components,
    threshold: bar.toFixed(3),
    side,
    strength,
    wallets,
    signalWallet: agreeing[0] ?? wallets[0] ?? null,
    events: [...new Set(counted.map((e) => e.eventId))],
  };
}

/** A crossing view as evidence of kind `wallet` (weights.wallets); null when it does not cross. */
export function walletEvidence(view: WalletView, weight: number): Evidence | null {
  if (!view.side) return null;
  return {
    kind: 'wallet',
    sourceId: `${view.asset}@${view.timeframe}`,
    token: view.token,
    side: view.side,
    confidence: view.strength,
    quality: 1,
    weight,
  };
}

/**
 * The bar a token's aggregated view must clear: a crossing wallet bias on the view's side opens the wallet gate
 * (emitted whatever the confidence); otherwise the confidence threshold.
 */
export function signalGate(
  view: Pick<TokenView, 'side' | 'sources'>,
  confidence: number,
  threshold: number,
): { emit: boolean; gate: 'wallet' | 'confidence' } {
  const wallet = view.side !== null && view.sources.some((e) => e.kind === 'wallet' && e.side === view.side);
  if (wallet) return { emit: true, gate: 'wallet' };
  return { emit: view.side !== null && confidence >= threshold, gate: 'confidence' };
}
