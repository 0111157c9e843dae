/**
 * The rules fallback for an event's analysis (seed 003's `event_analysis`), used when no LLM answers. The first
 * rule that holds names the event:
 *
 *   rule               when                                        confidence  impact ×
 *   liquidation        the event is a liquidation                  0.95        1
 *   flip               the position crossed zero                   0.80        1
 *   first_since_watch  the wallet's first trade since we watched   0.60        1.2
 *   cutting_loser      reduce or close with realized PnL < 0       0.70        1.5
 *   adding_to_winner   add while the position's unrealized > 0     0.75        1.5
 *   large_size         size_fraction ≥ 0.2                         0.65        1.3
 *   routine            none of the above                           0.40        1
 *
 * biasImpact = d × min(1, BASE[eventType] × rule multiplier × sizeFactor), 3 places, where d is the direction of the
 * new exposure: +1 long / −1 short for open, add and flip (the position after), and the opposite of the position
 * before for reduce, close and liquidation (selling a long is short pressure). BASE: open 0.5, add 0.4, flip 0.9,
 * reduce 0.2, close 0.2, liquidation 0.1 (a forced exit says little about intent). sizeFactor =
 * clamp(size_fraction / 0.2, 0.25, 1), 0.5 when unknown.
 * proposedAction: OPEN_LONG / OPEN_SHORT along d when the event adds exposure (open, add, flip) and |biasImpact| ≥ 0.3;
 * NONE otherwise.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';
import { direction } from '../trading';
import type { FillEvent, WalletEventType } from './fill-events';

export const ANALYSIS_RULES = [
  'liquidation',
  'flip',
  'first_since_watch',
  'cutting_loser',
  'adding_to_winner',
  'large_size',
  'routine',
] as const;
export type AnalysisRule = (typeof ANALYSIS_RULES)[number];

export const RULE_CONFIDENCE: Record<AnalysisRule, Decimal> = {
  liquidation: new Dec('0.95'),
  flip: new Dec('0.80'),
  first_since_watch: new Dec('0.60'),
  cutting_loser: new Dec('0.70'),
  adding_to_winner: new Dec('0.75'),
  large_size: new Dec('0.65'),
  routine: new Dec('0.40'),
};
export const RULE_MULTIPLIER: Record<AnalysisRule, Decimal> = {
  liquidation: new Dec(1),
  flip: new Dec(1),
  first_since_watch: new Dec('1.2'),
  cutting_loser: new Dec('1.5'),
  adding_to_winner: new Dec('1.5'),
  large_size: new Dec('1.3'),
  routine: new Dec(1),
};
export const EVENT_BASE_IMPACT: Record<WalletEventType, Decimal> = {
  open: new Dec('0.5'),
  add: new Dec('0.4'),
  flip: new Dec('0.9'),
  reduce: new Dec('0.2'),
  close: new Dec('0.2'),
  liquidation: new Dec('0.1'),
};
export const LARGE_SIZE_FRACTION = new Dec('0.2');
export const ACTION_MIN_IMPACT = new Dec('0.3');
const UNKNOWN_SIZE_FACTOR = new Dec('0.5');
const MIN_SIZE_FACTOR = new Dec('0.25');

const PHRASE: Record<AnalysisRule, string> = {
  liquidation: 'Liquidated',
  flip: 'Flipped',
  first_since_watch: 'First trade since watch',
  cutting_loser: 'Cut a loser',
  adding_to_winner: 'Added to a winner',
  large_size: 'Large for this wallet',
  routine: 'Routine',
};

export type AnalysedEvent = Pick<
  FillEvent,
  'eventType' | 'asset' | 'side' | 'amount' | 'notionalUsd' | 'sizeFraction' | 'positionBefore' | 'positionAfter' | 'realizedPnl'
>;

export interface AnalysisContext {
  /** The wallet's first trade since we started watching it (seed 003's is_first_since_watch). */
  firstSinceWatch: boolean;
  /** The position's unrealized PnL (USD) just before the event; null/absent when unknown. */
  unrealizedPnlBefore?: DecimalLike | null;
}

export interface RulesAnalysis {
  classification: string;
  /** 0–1, 2 places. */
  confidence: string;
  narrative: string;
  patternMatched: string | null;
  /** −1..1, 3 places. */
  biasImpact: string;
  proposedAction: { action: 'OPEN_LONG' | 'OPEN_SHORT' | 'NONE'; asset: string };
}

const ADDS_EXPOSURE: ReadonlySet<WalletEventType> = new Set(['open', 'add', 'flip']);

export function matchRule(event: AnalysedEvent, ctx: AnalysisContext): AnalysisRule {
  const realized = dec(event.realizedPnl);
  const unrealized = ctx.unrealizedPnlBefore === undefined || ctx.unrealizedPnlBefore === null ? null : dec(ctx.unrealizedPnlBefore);
  if (event.eventType === 'liquidation') return 'liquidation';
  if (event.eventType === 'flip') return 'flip';
  if (ctx.firstSinceWatch) return 'first_since_watch';
  if ((event.eventType === 'reduce' || event.eventType === 'close') && realized.lt(0)) return 'cutting_loser';
  if (event.eventType === 'add' && unrealized !== null && unrealized.gt(0)) return 'adding_to_winner';
  if (event.sizeFraction !== null && dec(event.sizeFraction).gte(LARGE_SIZE_FRACTION)) return 'large_size';
  return 'routine';
}

function sizeFactor(sizeFraction: string | null): Decimal {
  if (sizeFraction === null) return UNKNOWN_SIZE_FACTOR;
  return Decimal.max(MIN_SIZE_FACTOR, Decimal.min(new Dec(1), dec(sizeFraction).div(LARGE_SIZE_FRACTION)));
}

function narrative(rule: AnalysisRule, e: AnalysedEvent, unrealized: DecimalLike | null | undefined): string {
  const parts = [`notional $${e.notionalUsd}`];
  if (e.sizeFraction !== null) parts.push(`${dec(e.sizeFraction).times(100).toDecimalPlaces(2).toFixed()}% of equity`);
  if (!dec(e.realizedPnl).isZero()) parts.push(`realized ${dec(e.realizedPnl).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)} USD`);
  if (rule === 'adding_to_winner' && unrealized != null)
    parts.push(`unrealized ${dec(unrealized).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)} USD`);
  return `${PHRASE[rule]}: ${e.eventType} ${e.asset} ${e.positionBefore} → ${e.positionAfter} (${parts.join(', ')}).`;
}

export function analyseByRules(event: AnalysedEvent, ctx: AnalysisContext): RulesAnalysis {
  const rule = matchRule(event, ctx);
  const adds = ADDS_EXPOSURE.has(event.eventType);
  const d = adds ? direction(event.side) : -direction(event.side);
  const magnitude = Decimal.min(
    new Dec(1),
    EVENT_BASE_IMPACT[event.eventType].times(RULE_MULTIPLIER[rule]).times(sizeFactor(event.sizeFraction)),
  );
  const impact = magnitude.times(d).toDecimalPlaces(3, Decimal.ROUND_HALF_UP);
  const act = adds && impact.abs().gte(ACTION_MIN_IMPACT);
  return {
    classification: rule === 'routine' ? event.eventType : rule,
    confidence: RULE_CONFIDENCE[rule].toFixed(2),
    narrative: narrative(rule, event, ctx.unrealizedPnlBefore),
    patternMatched: rule === 'routine' ? null : `rules:${rule}`,
    biasImpact: impact.toFixed(3),
    proposedAction: { action: act ? (d > 0 ? 'OPEN_LONG' : 'OPEN_SHORT') : 'NONE', asset: event.asset },
  };
}
