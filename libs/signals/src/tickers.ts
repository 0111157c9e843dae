// Token symbols mentioned in a post: cashtags, bare known symbols and a few common coin names.

/** Stablecoins: never a trade signal's token. */
export const STABLECOINS: readonly string[] = [
  'USDT',
  'USDC',
  'DAI',
  'BUSD',
  'TUSD',
  'USDE',
  'FDUSD',
  'PYUSD',
  'USDS',
  'FRAX',
  'USDD',
  'GUSD',
  'LUSD',
];

/** Coin names matched case-insensitively as whole words. */
export const TOKEN_NAMES: Readonly<Record<string, string>> = { bitcoin: 'BTC', ethereum: 'ETH', solana: 'SOL' };

const NAME_MAP = new Map(Object.entries(TOKEN_NAMES));
const STABLE_SET = new Set(STABLECOINS);
// $ + letter + up to 9 letters/digits, not inside a longer word or amount.
const CASHTAG = /(?<![A-Za-z0-9$])\$([A-Za-z][A-Za-z0-9]{0,9})(?![A-Za-z0-9])/g;
const WORD = /(?<![A-Za-z0-9$])[A-Za-z0-9]+(?![A-Za-z0-9])/g;
// Hyperliquid's thousand-unit contracts (kPEPE, kSHIB, kBONK): a lower-case k before an upper-case symbol.
const K_PREFIXED = /^k[A-Z0-9]{2,}$/;

export function isStablecoin(symbol: string): boolean {
  return STABLE_SET.has(symbol.toUpperCase());
}

/** Canonical form of a symbol: without '$', upper-case, except Hyperliquid's k-prefix (kPEPE). */
export function normalizeSymbol(symbol: string): string {
  const s = symbol.trim().replace(/^\$/, '');
  return K_PREFIXED.test(s) ? s : s.toUpperCase();
}

/**
 * Token symbols mentioned in the text, de-duplicated, in order of first appearance.
 * - `$TICKER` cashtags (case-insensitive; `$kPEPE` keeps its k). With a non-empty knownSymbols, a cashtag
 *   must be one of them (compared case-insensitively, returned in the known spelling); otherwise any cashtag counts.
 * - Bare whole words equal to a known symbol (case-sensitive, at least 2 characters, so "eth" or "S&P" are not mentions).
 * - Coin names (bitcoin, ethereum, solana), case-insensitive; with a non-empty knownSymbols only if known.
 * Stablecoins are always left out.
 */
export function extractTokens(text: string, knownSymbols: ReadonlySet<string>): string[] {
  const found: Array<{ at: number; symbol: string }> = [];
  const byUpper = new Map<string, string>();
  for (const k of knownSymbols) if (!byUpper.has(k.toUpperCase())) byUpper.set(k.toUpperCase(), k);
  const restrict = knownSymbols.size > 0;

  const resolve = (raw: string): string | null => {
    if (!restrict) return normalizeSymbol(raw);
    if (knownSymbols.has(raw)) return raw;
    return byUpper.get(raw.toUpperCase()) ?? null;
  };

  for (const m of text.matchAll(CASHTAG)) {
    const symbol = resolve(m[1]);
    if (symbol) found.push({ at: m.index!, symbol });
  }
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    if (word.length >= 2 && knownSymbols.has(word)) {
      found.push({ at: m.index!, symbol: word });
      continue;
    }
    const named = NAME_MAP.get(word.toLowerCase());
    if (named) {
      const symbol = resolve(named);
      if (symbol) found.push({ at: m.index!, symbol });
    }
  }

  found.sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (const { symbol } of found) if (!isStablecoin(symbol) && !out.includes(symbol)) out.push(symbol);
  return out;
}
