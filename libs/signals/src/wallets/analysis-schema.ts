// A watched wallet's event as the LLM analyses it (seed 003's event_analysis columns): the answer's strict JSON schema
// and a parser that keeps its numbers exact and checks them against the columns' ranges.
import { Dec, RulesAnalysis } from '@conduit/domain';
import Ajv, { ErrorObject } from 'ajv';
import { LosslessNumber } from 'lossless-json';
import { parseJsonAnswer } from '../json-answer';

/** The response_format json_schema name. */
export const EVENT_ANALYSIS_SCHEMA_NAME = 'wallet_event_analysis';

export const PROPOSED_ACTIONS = ['OPEN_LONG', 'OPEN_SHORT', 'NONE'] as const;

/** An event's analysis, whoever made it (the LLM or the rules): what event_analysis stores. */
export type WalletEventAnalysis = RulesAnalysis;

/**
 * The analysis as the model answers it: seed 003's columns under short names. Within OpenAI's strict
 * structured-output subset (every field required, no additional properties); ranges and lengths are checked here.
 */
export const EVENT_ANALYSIS_JSON_SCHEMA = {
  type: 'object',
  properties: {
    classification: {
      type: 'string',
      description:
        'what the move is, in snake_case, e.g. liquidation, flip, first_since_watch, cutting_loser, adding_to_winner, ' +
        'large_size, profit_taking, hedge, accumulation, or the event type when routine',
    },
    confidence: { type: 'number', description: 'confidence in the classification, from 0 to 1' },
    narrative: { type: 'string', description: 'one or two sentences on what the wallet did and why it matters' },
    pattern: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'the pattern recognised, or null for a routine move' },
    bias_impact: {
      type: 'number',
      description: 'the pressure the move signals on the asset, from -1 (strongly bearish) to 1 (strongly bullish)',
    },
    proposed_action: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: [...PROPOSED_ACTIONS], description: 'what a follower should do' },
        asset: { type: 'string', description: 'the event asset, as given' },
      },
      required: ['action', 'asset'],
      additionalProperties: false,
    },
  },
  required: ['classification', 'confidence', 'narrative', 'pattern', 'bias_impact', 'proposed_action'],
  additionalProperties: false,
} as const;

/** The columns' limits: VARCHAR(100) classification and pattern, DECIMAL(3,2) confidence, DECIMAL(4,3) bias_impact. */
const MAX_LABEL = 100;
const MAX_NARRATIVE = 2000;

const FIELD_MESSAGES: Record<string, string> = {
  classification: 'classification must be a string',
  confidence: 'confidence must be a number',
  narrative: 'narrative must be a string',
  pattern: 'pattern must be a string or null',
  bias_impact: 'bias_impact must be a number',
  proposed_action: 'proposed_action must be an object {action, asset}',
  'proposed_action/action': `proposed_action.action must be one of ${PROPOSED_ACTIONS.join(', ')}`,
  'proposed_action/asset': 'proposed_action.asset must be a string',
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(EVENT_ANALYSIS_JSON_SCHEMA);

function describe(e: ErrorObject): string {
  const at = e.instancePath.split('/').slice(1);
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return `${[...at, missing].join('.')} is required`;
  }
  if (e.keyword === 'additionalProperties')
    return `${[...at, (e.params as { additionalProperty: string }).additionalProperty].join('.')} is not an allowed field`;
  return FIELD_MESSAGES[at.join('/')] ?? `${at.join('.')} is invalid`;
}

/** The exact number, if within [lo, hi], rounded half up to `places` (the column's scale); null otherwise. */
function within(n: LosslessNumber, lo: number, hi: number, places: number): string | null {
  const d = new Dec(n.value);
  if (d.lt(lo) || d.gt(hi)) return null;
  return d.toDecimalPlaces(places, Dec.ROUND_HALF_UP).toFixed(places);
}

/**
 * Parses a model's answer (a JSON object, bare or in a ```json fence) into an analysis. Numbers never pass through a
 * JS double: confidence is rounded to 2 places and bias_impact to 3 (the columns' scales), and must lie in 0..1 and
 * −1..1. Labels must fit their VARCHAR(100); proposed_action must name `asset` (the event's) and agree with the sign
 * of bias_impact (OPEN_LONG needs a positive one, OPEN_SHORT a negative one). Errors name the field.
 */
export function parseEventAnalysis(raw: string, asset: string): { analysis: WalletEventAnalysis } | { error: string } {
  const answer = parseJsonAnswer(raw, validate, describe);
  if ('error' in answer) return answer;
  const { json } = answer;

  const errors: string[] = [];
  const classification = (json.classification as string).trim();
  if (!classification || classification.length > MAX_LABEL) errors.push(`classification must be 1-${MAX_LABEL} characters`);
  const narrative = (json.narrative as string).trim();
  if (!narrative || narrative.length > MAX_NARRATIVE) errors.push(`narrative must be 1-${MAX_NARRATIVE} characters`);
  const pattern = json.pattern === null ? null : (json.pattern as string).trim() || null;
  if (pattern !== null && pattern.length > MAX_LABEL) errors.push(`pattern must be at most ${MAX_LABEL} characters`);
  const confidence = within(json.confidence as LosslessNumber, 0, 1, 2);
  if (confidence === null) errors.push('confidence must be from 0 to 1');
  const biasImpact = within(json.bias_impact as LosslessNumber, -1, 1, 3);
  if (biasImpact === null) errors.push('bias_impact must be from -1 to 1');
  const proposed = json.proposed_action as { action: (typeof PROPOSED_ACTIONS)[number]; asset: string };
  if (proposed.asset !== asset) errors.push(`proposed_action.asset must be ${asset}`);
  if (biasImpact !== null && proposed.action !== 'NONE') {
    const sign = new Dec(biasImpact).comparedTo(0);
    if ((proposed.action === 'OPEN_LONG' && sign <= 0) || (proposed.action === 'OPEN_SHORT' && sign >= 0))
      errors.push(`proposed_action.action ${proposed.action} contradicts bias_impact ${biasImpact}`);
  }
  if (errors.length) return { error: errors.join('; ') };
  return {
    analysis: {
      classification,
      confidence: confidence!,
      narrative,
      patternMatched: pattern,
      biasImpact: biasImpact!,
      proposedAction: { action: proposed.action, asset },
    },
  };
}
