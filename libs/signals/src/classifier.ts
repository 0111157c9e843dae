// The post-classifier contract, the LLM answer's JSON schema and its parser, and primary/fallback orchestration.
import Ajv, { ErrorObject } from 'ajv';
import { isStablecoin, normalizeSymbol } from './tickers';

export type Side = 'LONG' | 'SHORT';

export interface Classification {
  isSignal: boolean;
  tokens: string[];
  side: Side | null;
  confidence: number;
  reasoning: string;
}

export interface ClassifyInput {
  text: string;
  author?: string;
  knownSymbols: ReadonlySet<string>;
  /** per-token market context, free-form numbers such as { ret_6h: -0.02, volatility_24h: 0.04 } */
  context?: Record<string, Record<string, number>>;
}

export type ClassifierStatus = 'success' | 'failed' | 'parsing_error';

export interface ClassifierRun {
  classifier: string;
  model: string;
  status: ClassifierStatus;
  prompt: string | null;
  rawResponse: string | null;
  result: Classification | null;
  latencyMs: number;
  error: string | null;
}

export interface PostClassifier {
  readonly name: string;
  readonly model: string;
  classify(input: ClassifyInput): Promise<ClassifierRun>;
}

/** The classification as the LLM returns it (snake_case). Kept within OpenAI's strict structured-output subset. */
export const CLASSIFICATION_JSON_SCHEMA = {
  type: 'object',
  properties: {
    is_signal: { type: 'boolean', description: 'true if the post is an actionable trade signal' },
    tokens: { type: 'array', items: { type: 'string' }, description: 'upper-case token symbols the signal is about, no stablecoins' },
    side: { anyOf: [{ type: 'string', enum: ['LONG', 'SHORT'] }, { type: 'null' }], description: 'LONG or SHORT; null when not a signal' },
    confidence: { type: 'number', minimum: 0, maximum: 1, description: 'confidence from 0 to 1' },
    reasoning: { type: 'string', description: 'one or two sentences' },
  },
  required: ['is_signal', 'tokens', 'side', 'confidence', 'reasoning'],
  additionalProperties: false,
} as const;

const FIELD_MESSAGES: Record<string, string> = {
  is_signal: 'is_signal must be a boolean',
  tokens: 'tokens must be an array of strings',
  side: 'side must be "LONG", "SHORT" or null',
  confidence: 'confidence must be a number from 0 to 1',
  reasoning: 'reasoning must be a string',
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(CLASSIFICATION_JSON_SCHEMA);

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return `${(e.params as { missingProperty: string }).missingProperty} is required`;
  if (e.keyword === 'additionalProperties')
    return `${(e.params as { additionalProperty: string }).additionalProperty} is not an allowed field`;
  const field = e.instancePath.split('/')[1];
  if (!field) return 'classification must be a JSON object';
  return FIELD_MESSAGES[field] ?? `${field} is invalid`;
}

/** Tokens as a Classification holds them: normalized (kPEPE kept), stablecoins dropped, de-duplicated. */
export function cleanTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const s = normalizeSymbol(t);
    if (s && !isStablecoin(s) && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Problems with an LLM answer (snake_case object): schema violations, then the signal cross-checks. Empty when valid. */
export function classificationErrors(x: unknown): string[] {
  if (!validate(x)) return [...new Set((validate.errors ?? []).map(describe))];
  const c = x as { is_signal: boolean; tokens: string[]; side: Side | null };
  const errors: string[] = [];
  if (c.is_signal && c.side === null) errors.push('side must be "LONG" or "SHORT" when is_signal is true');
  if (c.is_signal && cleanTokens(c.tokens).length === 0)
    errors.push('tokens must name at least one non-stablecoin token when is_signal is true');
  return errors;
}

/** Parses an LLM answer (bare JSON or a ```json fenced block) into a Classification. */
export function parseClassification(raw: string): { result: Classification } | { error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(raw);
  const text = (fenced ? fenced[1] : raw).trim();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { error: `invalid JSON: ${e.message}` };
  }
  const errors = classificationErrors(json);
  if (errors.length) return { error: `invalid classification: ${errors.join('; ')}` };
  const c = json as { is_signal: boolean; tokens: string[]; side: Side | null; confidence: number; reasoning: string };
  return {
    result: {
      isSignal: c.is_signal,
      tokens: cleanTokens(c.tokens),
      side: c.side,
      confidence: c.confidence,
      reasoning: c.reasoning,
    },
  };
}

async function safeClassify(classifier: PostClassifier, input: ClassifyInput): Promise<ClassifierRun> {
  const started = performance.now();
  try {
    return await classifier.classify(input);
  } catch (e) {
    return {
      classifier: classifier.name,
      model: classifier.model,
      status: 'failed',
      prompt: null,
      rawResponse: null,
      result: null,
      latencyMs: Math.round(performance.now() - started),
      error: e instanceof Error ? e.message : String(e),
    };
  }
}

/**
 * Runs the primary classifier and, unless it succeeded, the fallback. `runs` holds every run in order;
 * `final` is the successful run, or the fallback's run. A classifier that throws becomes a 'failed' run.
 */
export async function classifyWithFallback(
  primary: PostClassifier | null,
  fallback: PostClassifier,
  input: ClassifyInput,
): Promise<{ runs: ClassifierRun[]; final: ClassifierRun }> {
  const runs: ClassifierRun[] = [];
  if (primary) {
    const run = await safeClassify(primary, input);
    runs.push(run);
    if (run.status === 'success') return { runs, final: run };
  }
  const run = await safeClassify(fallback, input);
  runs.push(run);
  return { runs, final: run };
}
