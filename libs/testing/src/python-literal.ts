import Decimal from 'decimal.js';

/**
 * Reads the Python literals test vectors quote as source (a test's table of cases that the vectors' extractor could
 * not evaluate): lists, dicts, tuples, strings, numbers, True/False/None, `Decimal('…')` and divisions by named
 * constants (`Decimal('47564687975') / PRECISION_18`), with comments and trailing commas. Numbers and Decimals become
 * Decimals (exact: 100 significant digits); anything else in the source is an error, never a guess.
 */
export type PythonValue = string | boolean | null | Decimal | PythonValue[] | { [key: string]: PythonValue };

const D = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_EVEN });
const TOKEN = /\s+|#[^\n]*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|[[\]{}(),:/]/y;

export function parsePythonLiteral(source: string, names: Record<string, Decimal.Value> = {}): PythonValue {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new SyntaxError(`unsupported Python at ${at}: ${JSON.stringify(source.slice(at, at + 30))}`);
    if (!/^\s|^#/.test(m[0])) tokens.push(m[0]);
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected))
      throw new SyntaxError(`expected ${expected ?? 'a value'}, found ${t ?? 'the end'}`);
    return t;
  };
  const sequence = (close: string): PythonValue[] => {
    const items: PythonValue[] = [];
    while (peek() !== close) {
      items.push(expression());
      if (peek() !== close) take(',');
    }
    take(close);
    return items;
  };
  const term = (): PythonValue => {
    const t = take();
    if (t === '[') return sequence(']');
    if (t === '(') return sequence(')');
    if (t === '{') {
      const obj: { [key: string]: PythonValue } = {};
      while (peek() !== '}') {
        const key = expression();
        if (typeof key !== 'string') throw new SyntaxError(`dict key ${String(key)} is not a string`);
        take(':');
        obj[key] = expression();
        if (peek() !== '}') take(',');
      }
      take('}');
      return obj;
    }
    if (/^['"]/.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
    if (/^-?\d/.test(t)) return new D(t);
    if (t === 'True' || t === 'False') return t === 'True';
    if (t === 'None') return null;
    if (t === 'Decimal') {
      take('(');
      const arg = expression();
      take(')');
      if (typeof arg !== 'string' && !(arg instanceof Decimal)) throw new SyntaxError('Decimal() of something not a number');
      return new D(arg);
    }
    if (t in names) return new D(names[t]);
    throw new SyntaxError(`unknown name ${t}`);
  };
  const expression = (): PythonValue => {
    let value = term();
    while (peek() === '/') {
      take('/');
      const divisor = term();
      if (!(value instanceof Decimal) || !(divisor instanceof Decimal)) throw new SyntaxError('division of something not a number');
      value = value.div(divisor);
    }
    return value;
  };
  const result = expression();
  if (i !== tokens.length) throw new SyntaxError(`unexpected ${tokens[i]} after the literal`);
  return result;
}
