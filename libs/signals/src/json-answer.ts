// What every structured LLM answer goes through before its own checks: the fence stripped, the JSON parsed without a
// double in sight (lossless-json), an object required, and the strict schema checked on the number-approximated copy.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isLosslessNumber, parse } from 'lossless-json';

/** A bare answer, or the inside of a ```json (or ```) fence around the whole answer. */
export function unfence(raw: string): string {
  const text = raw.trim();
  if (text.length < 6 || !text.startsWith('```') || !text.endsWith('```')) return text;
  return text
    .slice(3, -3)
    .replace(/^json(?=\s)/i, '')
    .trim();
}

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The parsed answer with JS numbers in place of the exact ones: what the schema check sees (types and signs only; a
 * number beyond a double's range becomes the largest double of its sign, and the exact check reports its range).
 */
export function approximate(x: unknown): unknown {
  if (isLosslessNumber(x)) {
    const n = Number(x.value);
    return Number.isFinite(n) ? n : Math.sign(n) * Number.MAX_VALUE;
  }
  if (Array.isArray(x)) return x.map(approximate);
  if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, approximate(v)]));
  return x;
}

/**
 * The answer as a JSON object whose numbers are still exact (LosslessNumber), once it has passed `validate`; or the
 * error, naming each field (`describe`) the schema refused.
 */
export function parseJsonAnswer(
  raw: string,
  validate: ValidateFunction,
  describe: (e: ErrorObject) => string,
): { json: Record<string, unknown> } | { error: string } {
  const text = unfence(raw);
  if (!text) return { error: 'answer is not JSON: the answer is empty' };
  let json: unknown;
  try {
    json = parse(text);
  } catch (e) {
    return { error: `answer is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(json)) return { error: 'answer must be a JSON object' };
  if (!validate(approximate(json))) return { error: [...new Set((validate.errors ?? []).map(describe))].join('; ') };
  return { json };
}
