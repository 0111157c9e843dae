// What an llm_trader's decision cost in tokens, in USD, from a price table (USD per 1M prompt / completion tokens).
import { Dec, isRulesModel } from '@conduit/domain';
import { isLosslessNumber, parse } from 'lossless-json';
import type { LlmUsage } from '../openai-endpoint';

/** USD per 1M tokens, as decimal strings. */
export interface LlmPrice {
  prompt: string;
  completion: string;
}

/** Model name (lower case) → price. */
export type LlmPriceTable = Readonly<Record<string, LlmPrice>>;

const price = (prompt: string, completion: string): LlmPrice => ({ prompt, completion });

/**
 * Providers' public list prices in USD per 1M tokens as of late 2025 (uncached input; DeepSeek's since V3.2).
 * They change: a deployment overrides or extends them with LLM_PRICES (see parseLlmPrices).
 */
export const DEFAULT_LLM_PRICES: LlmPriceTable = {
  'deepseek-chat': price('0.28', '0.42'),
  'deepseek-reasoner': price('0.28', '0.42'),
  'gpt-4o': price('2.50', '10.00'),
  'gpt-4o-mini': price('0.15', '0.60'),
  'gpt-4.1': price('2.00', '8.00'),
  'gpt-4.1-mini': price('0.40', '1.60'),
  'gpt-4.1-nano': price('0.10', '0.40'),
  'gpt-5': price('1.25', '10.00'),
  'gpt-5-mini': price('0.25', '2.00'),
  'gpt-5-nano': price('0.05', '0.40'),
  o3: price('2.00', '8.00'),
  'o4-mini': price('1.10', '4.40'),
  'claude-3-5-sonnet': price('3.00', '15.00'),
  'claude-3-7-sonnet': price('3.00', '15.00'),
  'claude-sonnet-4': price('3.00', '15.00'),
  'claude-sonnet-4-5': price('3.00', '15.00'),
  'claude-3-5-haiku': price('0.80', '4.00'),
  'claude-haiku-4-5': price('1.00', '5.00'),
  'claude-opus-4': price('15.00', '75.00'),
  'claude-opus-4-1': price('15.00', '75.00'),
  'gemini-2.0-flash': price('0.10', '0.40'),
  'gemini-2.5-flash': price('0.30', '2.50'),
  'gemini-2.5-pro': price('1.25', '10.00'),
};

/** A dated snapshot or alias suffix: gpt-4o-2024-08-06, claude-3-5-sonnet-20241022, claude-3-5-sonnet-latest. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * The price of a model: its exact name (case-insensitive), else without a provider prefix (openai/gpt-4o), else
 * without a dated snapshot suffix (gpt-4o-mini-2024-07-18 → gpt-4o-mini). Null when the table has none.
 */
export function llmPrice(model: string, table: LlmPriceTable = DEFAULT_LLM_PRICES): LlmPrice | null {
  const name = model.trim().toLowerCase();
  const bare = name.slice(name.lastIndexOf('/') + 1);
  for (const candidate of [name, bare, bare.replace(SNAPSHOT_SUFFIX, '')]) {
    if (Object.prototype.hasOwnProperty.call(table, candidate)) return table[candidate];
  }
  return null;
}

const isTokenCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * USD cost of one completion, exact: (prompt tokens × prompt price + completion tokens × completion price) / 1M.
 * '0' for a rules: model (no tokens); null for an unknown model or without (valid) usage.
 */
export function llmCostUsd(
  model: string,
  usage: Pick<LlmUsage, 'promptTokens' | 'completionTokens'> | null,
  table: LlmPriceTable = DEFAULT_LLM_PRICES,
): string | null {
  if (isRulesModel(model)) return '0';
  const p = llmPrice(model, table);
  if (!p || !usage || !isTokenCount(usage.promptTokens) || !isTokenCount(usage.completionTokens)) return null;
  const cost = new Dec(usage.promptTokens).mul(p.prompt).plus(new Dec(usage.completionTokens).mul(p.completion)).div(1_000_000);
  return cost.toFixed();
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A non-negative decimal given as a JSON string or number (read exactly), or null. */
function priceValue(v: unknown): string | null {
  const text = isLosslessNumber(v) ? v.value : typeof v === 'string' ? v.trim() : null;
  if (text === null || !/^\d+(\.\d+)?$/.test(text)) return null;
  return new Dec(text).toFixed();
}

/**
 * Parses the LLM_PRICES setting: a JSON object of model → {"prompt": "0.27", "completion": "1.10"}, USD per 1M
 * tokens, as strings or numbers (read exactly). Model names are matched case-insensitively. Throws an Error that
 * names the model and the field at fault.
 */
export function parseLlmPrices(raw: string): LlmPriceTable {
  const usage = 'LLM_PRICES must be a JSON object like {"deepseek-chat": {"prompt": "0.27", "completion": "1.10"}} (USD per 1M tokens)';
  let json: unknown;
  try {
    json = parse(raw);
  } catch (e) {
    throw new Error(`LLM_PRICES is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(json)) throw new Error(usage);
  const table: Record<string, LlmPrice> = {};
  for (const [model, entry] of Object.entries(json)) {
    const name = model.trim().toLowerCase();
    const at = `LLM_PRICES[${JSON.stringify(model)}]`;
    if (!name) throw new Error(`LLM_PRICES has an empty model name`);
    if (Object.prototype.hasOwnProperty.call(table, name)) throw new Error(`${at}: the model is listed twice`);
    if (!isObject(entry)) throw new Error(`${at} must be an object with prompt and completion (USD per 1M tokens)`);
    const unknown = Object.keys(entry).filter((k) => k !== 'prompt' && k !== 'completion');
    if (unknown.length) throw new Error(`${at} has an unknown field ${JSON.stringify(unknown[0])}: only prompt and completion`);
    const prompt = priceValue(entry.prompt);
    const completion = priceValue(entry.completion);
    if (prompt === null) throw new Error(`${at}.prompt must be a non-negative decimal, e.g. "0.27" (USD per 1M tokens)`);
    if (completion === null) throw new Error(`${at}.completion must be a non-negative decimal, e.g. "1.10" (USD per 1M tokens)`);
    table[name] = { prompt, completion };
  }
  return table;
}

/** The default prices with LLM_PRICES' entries added or replacing them (unset or blank: the defaults). */
export function llmPriceTable(raw: string | undefined): LlmPriceTable {
  return raw?.trim() ? { ...DEFAULT_LLM_PRICES, ...parseLlmPrices(raw) } : DEFAULT_LLM_PRICES;
}
