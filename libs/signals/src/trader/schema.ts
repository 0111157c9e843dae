// The trading decision an llm_trader's model answers (seed 004): its JSON schema and a parser that keeps decimals exact.
import { Dec, TRADER_ACTIONS, TraderDecision } from '@conduit/domain';
import Ajv, { ErrorObject } from 'ajv';
import { LosslessNumber, stringify } from 'lossless-json';
import { parseJsonAnswer } from '../json-answer';

/** The response_format json_schema name (the local test server answers a HOLD to it by default). */
export const TRADER_DECISION_SCHEMA_NAME = 'trading_decision';

/** The decision as the model answers it. Kept within OpenAI's strict structured-output subset: every field required. */
export const TRADER_DECISION_JSON_SCHEMA = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: [...TRADER_ACTIONS], description: 'OPEN_LONG, OPEN_SHORT, CLOSE_POSITION or HOLD' },
    coin: { type: 'string', description: 'the coin to open or close, one of the universe; empty for HOLD' },
    size_usd: { type: 'number', minimum: 0, description: 'notional of the position to open in USD; 0 for CLOSE_POSITION and HOLD' },
    leverage: {
      type: 'integer',
      minimum: 1,
      description: 'leverage of the position to open, a whole number; 1 for CLOSE_POSITION and HOLD',
    },
    stop_loss_price: { anyOf: [{ type: 'number' }, { type: 'null' }], description: 'stop loss price, or null for the default' },
    take_profit_price: { anyOf: [{ type: 'number' }, { type: 'null' }], description: 'take profit price, or null for the default' },
    confidence: { type: 'number', description: 'from 0 to 1' },
    reasoning: { type: 'string', description: 'why, in one to three sentences' },
  },
  required: ['action', 'coin', 'size_usd', 'leverage', 'stop_loss_price', 'take_profit_price', 'confidence', 'reasoning'],
  additionalProperties: false,
} as const;

const FIELD_MESSAGES: Record<string, string> = {
  action: `action must be one of ${TRADER_ACTIONS.join(', ')}`,
  coin: 'coin must be a string',
  size_usd: 'size_usd must be a non-negative number',
  leverage: 'leverage must be a positive integer',
  stop_loss_price: 'stop_loss_price must be a number or null',
  take_profit_price: 'take_profit_price must be a number or null',
  confidence: 'confidence must be a number',
  reasoning: 'reasoning must be a string',
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(TRADER_DECISION_JSON_SCHEMA);

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return `${(e.params as { missingProperty: string }).missingProperty} is required`;
  if (e.keyword === 'additionalProperties')
    return `${(e.params as { additionalProperty: string }).additionalProperty} is not an allowed field`;
  const field = e.instancePath.split('/')[1];
  return FIELD_MESSAGES[field] ?? `${field} is invalid`;
}

/** Numbers beyond these exponents are no price, size or confidence (and would print as thousands of digits). */
const MAX_EXPONENT = 40;
const MIN_EXPONENT = -30;

/** A JSON number as plain decimal text, exactly as written unless in exponent notation; null when out of range. */
function exact(n: LosslessNumber): string | null {
  const d = new Dec(n.value);
  if (d.isZero()) return '0';
  if (d.e > MAX_EXPONENT || d.e < MIN_EXPONENT) return null;
  return /[eE]/.test(n.value) ? d.toFixed() : n.value;
}

/**
 * Parses a model's answer (a JSON object, bare or in a ```json fence) into a TraderDecision. Numbers never pass
 * through a JS double: "size_usd": 1234.567890123 becomes "1234.567890123". Errors name the field. The answer's
 * semantics (coin in the universe, limits, levels) are holdToLimits' job; here only types and signs are checked.
 */
export function parseTraderDecision(raw: string): { decision: TraderDecision } | { error: string } {
  const answer = parseJsonAnswer(raw, validate, describe);
  if ('error' in answer) return answer;
  const { json } = answer;

  const errors: string[] = [];
  const number = (field: string): string => {
    const value = exact(json[field] as LosslessNumber);
    if (value === null) errors.push(`${field} is out of range`);
    return value ?? '0';
  };
  const nullable = (field: string) => (json[field] === null ? null : number(field));
  const size = number('size_usd');
  if (new Dec(size).isNegative() && !new Dec(size).isZero()) errors.push(FIELD_MESSAGES.size_usd);
  const leverage = new Dec((json.leverage as LosslessNumber).value);
  if (!leverage.isInteger() || leverage.lt(1) || leverage.gt(Number.MAX_SAFE_INTEGER)) errors.push(FIELD_MESSAGES.leverage);
  const decision: TraderDecision = {
    action: json.action as TraderDecision['action'],
    coin: json.coin as string,
    size_usd: size,
    leverage: leverage.toNumber(),
    stop_loss_price: nullable('stop_loss_price'),
    take_profit_price: nullable('take_profit_price'),
    confidence: number('confidence'),
    reasoning: json.reasoning as string,
  };
  return errors.length ? { error: errors.join('; ') } : { decision };
}

/** A decision as JSON text, its numbers written exactly as its decimal strings (what a model would answer). */
export function traderDecisionJson(decision: TraderDecision): string {
  const num = (v: string) => new LosslessNumber(v);
  const text = (v: string | null) => (v === null ? null : num(v));
  return stringify({
    action: decision.action,
    coin: decision.coin,
    size_usd: num(decision.size_usd),
    leverage: decision.leverage,
    stop_loss_price: text(decision.stop_loss_price),
    take_profit_price: text(decision.take_profit_price),
    confidence: num(decision.confidence),
    reasoning: decision.reasoning,
  })!;
}
