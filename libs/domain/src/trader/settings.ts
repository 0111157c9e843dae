import { dec } from '../money';
import { DEFAULT_TRADER_COINS } from './types';

/** An llm_trader's settings as the API takes them (seed 004's trading_agents, plus the universe and the interval). */
export interface TraderSettings {
  llm_model: string;
  exchange_account: string;
  initial_balance: string;
  max_position_size: string;
  max_leverage: number;
  stop_loss_pct: string;
  take_profit_pct: string;
  strategy_description: string | null;
  coins: string[];
  cycle_interval_seconds: number;
}

/** Seed 004's defaults, and ours for the universe, the interval and the account (the paper venue). */
export const TRADER_DEFAULTS = {
  exchange_account: 'paper',
  max_position_size: '20.0',
  max_leverage: 10,
  stop_loss_pct: '2.0',
  take_profit_pct: '5.0',
  strategy_description: null,
  coins: [...DEFAULT_TRADER_COINS],
  cycle_interval_seconds: 300,
} as const;

const DECIMAL = /^\d{1,18}(\.\d+)?$/;
const decimalText = (v: unknown): string | null =>
  typeof v === 'string' && DECIMAL.test(v) ? v : typeof v === 'number' && Number.isFinite(v) && v >= 0 ? String(v) : null;
const places = (v: string) => (v.split('.')[1] ?? '').length;

/** A decimal in (min, max] (or [min, max] when `inclusiveMin`), at most `scale` places; the message names the field. */
function decimalErrors(field: string, v: unknown, min: string, max: string, scale: number, inclusiveMin = false): string[] {
  const text = decimalText(v);
  const range = `${inclusiveMin ? '[' : '('}${min}, ${max}]`;
  if (text === null) return [`${field} must be a decimal number in ${range}`];
  const d = dec(text);
  if ((inclusiveMin ? d.lt(min) : d.lte(min)) || d.gt(max)) return [`${field} must be a decimal number in ${range}`];
  if (places(text) > scale) return [`${field} must have at most ${scale} decimal places`];
  return [];
}

function integerErrors(field: string, v: unknown, min: number, max: number): string[] {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? [] : [`${field} must be an integer from ${min} to ${max}`];
}

const COIN = /^[A-Za-z0-9]{1,20}$/;

/** The problems with one settings field, each naming it; empty when valid. Values as JSON carries them. */
export function traderFieldErrors(field: keyof TraderSettings, v: unknown): string[] {
  switch (field) {
    case 'llm_model':
      return typeof v === 'string' && /^[\w.:/@-]{1,50}$/.test(v)
        ? []
        : ['llm_model must be a model name of 1-50 characters (e.g. deepseek-chat)'];
    case 'exchange_account':
      return typeof v === 'string' && v.length >= 1 && v.length <= 50 ? [] : ['exchange_account must be 1-50 characters'];
    case 'initial_balance':
      return decimalErrors(field, v, '0', '1000000000000', 2);
    case 'max_position_size':
      return decimalErrors(field, v, '0', '100', 2);
    case 'max_leverage':
      return integerErrors(field, v, 1, 50);
    case 'stop_loss_pct':
      return decimalErrors(field, v, '0', '99.99', 2);
    case 'take_profit_pct':
      return decimalErrors(field, v, '0', '1000', 2);
    case 'strategy_description':
      return v === null || (typeof v === 'string' && v.length <= 4000)
        ? []
        : ['strategy_description must be text of at most 4000 characters'];
    case 'coins':
      if (!Array.isArray(v) || v.length < 1 || v.length > 50) return ['coins must be a list of 1 to 50 symbols'];
      return v.every((c) => typeof c === 'string' && COIN.test(c)) ? [] : ['coins must hold symbols of 1-20 letters or digits'];
    case 'cycle_interval_seconds':
      return integerErrors(field, v, 10, 86400);
  }
}

/** Settings as stored: decimals as text, coins upper case without repeats (Hyperliquid's k-prefixed names kept). */
export function normaliseTraderField<K extends keyof TraderSettings>(field: K, v: unknown): TraderSettings[K] {
  if (field === 'coins') {
    const coins = (v as string[]).map((c) => (/^k[A-Z0-9]+$/.test(c) ? c : c.toUpperCase()));
    return [...new Set(coins)] as TraderSettings[K];
  }
  if (['initial_balance', 'max_position_size', 'stop_loss_pct', 'take_profit_pct'].includes(field)) {
    return decimalText(v) as TraderSettings[K];
  }
  return v as TraderSettings[K];
}

export const TRADER_FIELDS: ReadonlyArray<keyof TraderSettings> = [
  'llm_model',
  'exchange_account',
  'initial_balance',
  'max_position_size',
  'max_leverage',
  'stop_loss_pct',
  'take_profit_pct',
  'strategy_description',
  'coins',
  'cycle_interval_seconds',
];
