import { getAddress, isAddress } from 'ethers';

/** A token SPOT can trade: its symbol, contract address (checksummed) and decimals. */
export interface SpotToken {
  symbol: string;
  address: string;
  decimals: number;
}

/** A token list entry refused by parseTokenList, and why. */
export interface RefusedToken {
  index: number;
  symbol: string | null;
  reason: string;
}

export interface ParsedTokenList {
  name: string;
  timestamp: string;
  version: { major: number; minor: number; patch: number };
  /** Valid entries of the chain asked for, in list order (the first of duplicate addresses or symbols kept). */
  tokens: (SpotToken & { name: string; tags: string[] })[];
  /** Entries of that chain refused, with the reason. */
  refused: RefusedToken[];
}

/** The token list's symbol rule: 1–20 characters, no whitespace (Uniswap/token-lists src/tokenlist.schema.json). */
const SYMBOL = /^\S{1,20}$/;
const MIXED_CASE = /[a-f].*[A-F]|[A-F].*[a-f]/;

/**
 * A Uniswap token list (schema: Uniswap/token-lists src/tokenlist.schema.json — name, timestamp, version
 * {major,minor,patch}, tokens[{chainId, address, symbol, name, decimals, tags?, extensions?}]) → the valid tokens of
 * `chainId`. An entry is refused (and counted, with its reason) when its address is not a 20-byte hex address or is
 * mixed-case with a wrong EIP-55 checksum, its decimals are not an integer in [0, 255], its symbol is missing or not
 * 1–20 non-space characters, or its address or symbol repeats an earlier entry. The list itself must have a name, a
 * timestamp, a version and a tokens array, or the whole list is refused (thrown).
 */
export function parseTokenList(json: unknown, chainId: number): ParsedTokenList {
  if (!json || typeof json !== 'object') throw new TypeError('token list: not a JSON object');
  const list = json as Record<string, unknown>;
  if (typeof list.name !== 'string' || !list.name) throw new TypeError('token list: missing name');
  if (typeof list.timestamp !== 'string') throw new TypeError('token list: missing timestamp');
  const v = list.version as Record<string, unknown> | undefined;
  const part = (k: string) => (v && Number.isInteger(v[k]) && (v[k] as number) >= 0 ? (v[k] as number) : null);
  if (part('major') === null || part('minor') === null || part('patch') === null)
    throw new TypeError('token list: version must be {major, minor, patch} non-negative integers');
  if (!Array.isArray(list.tokens)) throw new TypeError('token list: tokens must be an array');

  const tokens: ParsedTokenList['tokens'] = [];
  const refused: RefusedToken[] = [];
  const addresses = new Set<string>();
  const symbols = new Set<string>();
  list.tokens.forEach((raw, index) => {
    const t = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    if (t.chainId !== chainId) return;
    const symbol = typeof t.symbol === 'string' ? t.symbol : null;
    const refuse = (reason: string) => refused.push({ index, symbol, reason });
    if (symbol === null || !SYMBOL.test(symbol)) return refuse('symbol must be 1-20 non-space characters');
    const address = typeof t.address === 'string' ? t.address : '';
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return refuse('address is not a 20-byte hex address');
    if (MIXED_CASE.test(address.slice(2)) && !isAddress(address)) return refuse('address has a bad EIP-55 checksum');
    if (!Number.isInteger(t.decimals) || (t.decimals as number) < 0 || (t.decimals as number) > 255)
      return refuse('decimals must be an integer in [0, 255]');
    const checksummed = getAddress(address.toLowerCase());
    if (addresses.has(checksummed)) return refuse(`address ${checksummed} is listed twice`);
    if (symbols.has(symbol)) return refuse(`symbol ${symbol} is listed twice`);
    addresses.add(checksummed);
    symbols.add(symbol);
    const tags = Array.isArray(t.tags) ? t.tags.filter((x): x is string => typeof x === 'string') : [];
    tokens.push({ symbol, address: checksummed, decimals: t.decimals as number, name: typeof t.name === 'string' ? t.name : symbol, tags });
  });
  return {
    name: list.name,
    timestamp: list.timestamp,
    version: { major: part('major')!, minor: part('minor')!, patch: part('patch')! },
    tokens,
    refused,
  };
}

/** The fetch a token list needs (the global fetch fits). */
export type FetchFn = (
  url: string,
  init?: { headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/** GETs a token list's JSON (parse it with parseTokenList); a non-2xx answer or a timeout is an error. */
export async function fetchTokenList(url: string, fetchFn: FetchFn, timeoutMs = 10_000): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref?.();
  try {
    const res = await fetchFn(url, { headers: { accept: 'application/json' }, signal: controller.signal });
    if (!res.ok) throw new Error(`token list ${url}: HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}
