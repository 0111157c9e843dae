/**
 * An asset's smart-money bias over a timeframe (seed 003's `bias` row: value DECIMAL(4,3), components JSONB,
 * confidence DECIMAL(3,2)), from the analysed events of the watched wallets.
 *
 *   wᵢ = (credibilityᵢ / 10) × sizeᵢ × ½^(ageᵢ / halfLife)
 *   value = Σ wᵢ·impactᵢ / Σ wᵢ                      (3 places; 0 when no weight)
 *   components[wallet] = Σ_{i ∈ wallet} wᵢ / Σ wᵢ     (each wallet's share of the weight, 4 places; sums to ~1)
 *
 * sizeᵢ is the event's size_fraction clamped to [0, 1] (DEFAULT_SIZE_FRACTION = 0.05 when unknown); impactᵢ is
 * its bias_impact clamped to [−1, 1]; credibility is the wallet's score for the same timeframe, 0–10. Half-lives:
 * 1h → 15 min, 4h → 1 h, 24h → 6 h. Events after `now` are ignored (not yet known).
 *
 * Confidence: the credible wallets (credibility ≥ 6) whose own net weighted impact has a sign; of those n, the
 * k agreeing with the value's sign: confidence = (k / n) × n / (n + 2) = k / (n + 2) (2 places; 0 for a 0 value).
 * The + 2 shrinks it when few wallets speak: one agreeing wallet gives 0.33, three give 0.6, ten give 0.83.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';

export const BIAS_TIMEFRAMES = ['1h', '4h', '24h'] as const;
export type BiasTimeframe = (typeof BIAS_TIMEFRAMES)[number];

const MINUTE_MS = 60_000;
export const BIAS_HALF_LIFE_MS: Record<BiasTimeframe, number> = { '1h': 15 * MINUTE_MS, '4h': 60 * MINUTE_MS, '24h': 360 * MINUTE_MS };
export const DEFAULT_SIZE_FRACTION = new Dec('0.05');
export const CREDIBLE_SCORE = new Dec(6);
export const CONFIDENCE_SHRINK = 2;

export interface BiasEvent {
  walletId: string;
  time: Date;
  /** The event's bias_impact, −1..1. */
  biasImpact: DecimalLike;
  /** The event's size_fraction; null when the wallet's equity was unknown. */
  sizeFraction: DecimalLike | null;
  /** The wallet's credibility for the timeframe, 0–10. */
  credibility: DecimalLike;
}

export interface AssetBias {
  /** −1..1, 3 places. */
  value: string;
  /** walletId → share of the total weight, 4 places. */
  components: Record<string, string>;
  /** 0..1, 2 places. */
  confidence: string;
}

const ZERO = new Dec(0);
const ONE = new Dec(1);
const clamp = (x: Decimal, lo: Decimal, hi: Decimal): Decimal => Decimal.max(lo, Decimal.min(hi, x));

/** ½^(age / halfLife), 1 for an event at `now`. */
export function decay(ageMs: number, halfLifeMs: number): Decimal {
  return new Dec('0.5').pow(new Dec(Math.max(0, ageMs)).div(halfLifeMs));
}

export function assetBias(events: readonly BiasEvent[], now: Date, timeframe: BiasTimeframe): AssetBias {
  const halfLife = BIAS_HALF_LIFE_MS[timeframe];
  const weight = new Map<string, Decimal>();
  const pull = new Map<string, Decimal>();
  const credible = new Set<string>();
  let total = ZERO;
  let signed = ZERO;
  for (const e of events) {
    const age = now.getTime() - e.time.getTime();
    if (age < 0) continue;
    const cred = clamp(dec(e.credibility), ZERO, new Dec(10));
    const size = e.sizeFraction === null ? DEFAULT_SIZE_FRACTION : clamp(dec(e.sizeFraction), ZERO, ONE);
    const w = cred.div(10).times(size).times(decay(age, halfLife));
    const impact = clamp(dec(e.biasImpact), ONE.neg(), ONE);
    total = total.plus(w);
    signed = signed.plus(w.times(impact));
    weight.set(e.walletId, (weight.get(e.walletId) ?? ZERO).plus(w));
    pull.set(e.walletId, (pull.get(e.walletId) ?? ZERO).plus(w.times(impact)));
    if (cred.gte(CREDIBLE_SCORE)) credible.add(e.walletId);
  }
  if (total.isZero()) return { value: '0.000', components: {}, confidence: '0.00' };
  const value = signed.div(total).toDecimalPlaces(3, Decimal.ROUND_HALF_UP);
  const components = Object.fromEntries(
    [...weight].map(([id, w]) => [id, w.div(total).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4)]),
  );
  const voices = [...credible].map((id) => (pull.get(id) ?? ZERO).toDecimalPlaces(12)).filter((p) => !p.isZero());
  const agree = value.isZero() ? 0 : voices.filter((p) => p.isNegative() === value.isNegative()).length;
  const confidence = new Dec(agree).div(voices.length + CONFIDENCE_SHRINK).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return { value: value.toFixed(3), components, confidence: confidence.toFixed(2) };
}
