import { DecimalLike, dec } from './money';
import { RISK_MODEL_TYPES, SIDES, SIZE_MODEL_TYPES } from './trading';

const isNum = (v: unknown): v is number | string =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
const num = (v: DecimalLike) => dec(v);

export const TOKEN_SYMBOL = /^[A-Za-z0-9]{1,20}$/;

/** A fixed-usd size must fit a money column, DECIMAL(20,8): below 10^12. */
const MAX_FIXED_USD = '1000000000000';

/** Problems with a size model, each naming its field; empty when valid. */
export function sizeModelErrors(m: unknown, field = 'size_model'): string[] {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return [`${field} must be an object`];
  const o = m as Record<string, unknown>;
  const errors: string[] = [];
  if (!SIZE_MODEL_TYPES.includes(o.type as any)) errors.push(`${field}.type must be one of ${SIZE_MODEL_TYPES.join(', ')}`);
  if (!isNum(o.value) || num(o.value).lte(0)) errors.push(`${field}.value must be a positive number`);
  else if (o.type === 'percentage' && num(o.value).gt(100)) errors.push(`${field}.value must be at most 100 (percent)`);
  else if (o.type === 'fixed-usd' && num(o.value).gte(MAX_FIXED_USD)) errors.push(`${field}.value must be below ${MAX_FIXED_USD} (USD)`);
  if (o.leverage !== undefined && (!Number.isInteger(o.leverage) || (o.leverage as number) < 1 || (o.leverage as number) > 100))
    errors.push(`${field}.leverage must be an integer from 1 to 100`);
  const extra = Object.keys(o).filter((k) => !['type', 'value', 'leverage'].includes(k));
  if (extra.length) errors.push(`${field} has unknown field(s): ${extra.join(', ')}`);
  return errors;
}

/** Problems with a risk model, each naming its field; empty when valid. */
export function riskModelErrors(m: unknown, field = 'risk_model'): string[] {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return [`${field} must be an object`];
  const o = m as Record<string, unknown>;
  const errors: string[] = [];
  if (!RISK_MODEL_TYPES.includes(o.type as any)) errors.push(`${field}.type must be one of ${RISK_MODEL_TYPES.join(', ')}`);
  const fraction = (k: string, max: number) => {
    if (o[k] === undefined || o[k] === null) return;
    if (!isNum(o[k]) || num(o[k] as DecimalLike).lte(0) || num(o[k] as DecimalLike).gte(max))
      errors.push(`${field}.${k} must be a fraction in (0, ${max})`);
  };
  fraction('stop', 1);
  fraction('take_profit', 100);
  fraction('activation', 100);
  if (o.type === 'trailing-stop' && (o.stop === undefined || o.stop === null)) errors.push(`${field}.stop is required for a trailing-stop`);
  for (const k of ['stop_price', 'take_profit_price']) {
    if (o[k] === undefined || o[k] === null) continue;
    if (o.type !== 'fixed') errors.push(`${field}.${k} is only for a fixed risk model`);
    else if (!isNum(o[k]) || num(o[k] as DecimalLike).lte(0)) errors.push(`${field}.${k} must be a positive price`);
  }
  const extra = Object.keys(o).filter((k) => !['type', 'stop', 'take_profit', 'activation', 'stop_price', 'take_profit_price'].includes(k));
  if (extra.length) errors.push(`${field} has unknown field(s): ${extra.join(', ')}`);
  return errors;
}

/** A SHORT cannot gain more than 100%: its take profit must be below 1. */
export function shortTakeProfitErrors(side: unknown, riskModel: unknown, field = 'risk_model'): string[] {
  const tp = (riskModel as Record<string, unknown> | null)?.take_profit;
  if (typeof side === 'string' && side.toUpperCase() === 'SHORT' && isNum(tp) && num(tp).gte(1))
    return [`${field}.take_profit must be below 1 for a SHORT (a short cannot gain more than 100%)`];
  return [];
}

export interface SignalProposalInput {
  tokenSymbol: unknown;
  side: unknown;
  sizeModel: unknown;
  riskModel: unknown;
  confidence?: unknown;
}

/** Every problem with a proposed signal; the same rules at the gateway and in Agent What. */
export function signalProposalErrors(p: SignalProposalInput): string[] {
  const errors: string[] = [];
  if (typeof p.tokenSymbol !== 'string' || !TOKEN_SYMBOL.test(p.tokenSymbol)) errors.push('token_symbol must be 1-20 letters or digits');
  if (typeof p.side !== 'string' || !SIDES.includes(p.side.toUpperCase() as any)) errors.push(`side must be one of ${SIDES.join(', ')}`);
  errors.push(...sizeModelErrors(p.sizeModel), ...riskModelErrors(p.riskModel));
  errors.push(...shortTakeProfitErrors(p.side, p.riskModel));
  if (p.confidence !== undefined && p.confidence !== null) {
    if (typeof p.confidence !== 'number' || !(p.confidence >= 0 && p.confidence <= 1))
      errors.push('confidence must be a number from 0 to 1');
  }
  return errors;
}
