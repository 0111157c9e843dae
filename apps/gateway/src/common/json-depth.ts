import type { IncomingMessage } from 'http';

/** Deeper than any body the API takes (a policy is three levels); far below what would exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/** A body the parser refuses: 400 naming the problem (body-parser keeps an error's own status and type). */
class TooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly type = 'entity.too.deep';
  readonly expose = true;
}

/**
 * body-parser's `verify`: refuses, before JSON.parse, a body whose arrays and objects nest deeper than MAX_JSON_DEPTH.
 * A 40 kB body nested 20,000 levels parses, but the validation that follows recurses once per level and overflows the
 * stack (a 500); this answers 400 and the handler never runs, so nothing is written. One pass over the bytes, strings
 * skipped (a bracket inside a string does not nest).
 */
export function refuseDeepJson(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new TooDeepError(`request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
