import Decimal from 'decimal.js';
import { getAddress } from 'ethers';
import { Dec } from '@conduit/domain';
import type { FetchFn } from '../spot/token-list';

/**
 * GMX's oracle prices as its REST API publishes them for display (`GET <api>/prices/tickers`, e.g.
 * https://arbitrum-api.gmxinfra.io/prices/tickers): one entry per token, `{ tokenAddress, tokenSymbol, minPrice,
 * maxPrice, updatedAt }`, the prices as integers in GMX's price unit (USD × 10^(30 − the token's decimals), the unit
 * of the Oracle and of gmx-synthetics' scripts/fetchTickerPrices). The keeper executes at signed prices of the same
 * feed, so these are GMX's marks; Conduit's own tables never are.
 */
export interface GmxTicker {
  tokenAddress: string;
  tokenSymbol: string;
  minPrice: string;
  maxPrice: string;
  updatedAt?: number;
}

export interface TickerPrice {
  min: bigint;
  max: bigint;
  updatedAt: number | null;
}

/** The tickers by checksummed token address; entries without whole non-negative min ≤ max prices are left out. */
export function parseTickers(json: unknown): Map<string, TickerPrice> {
  if (!Array.isArray(json)) throw new TypeError('GMX tickers: not a JSON array');
  const out = new Map<string, TickerPrice>();
  for (const raw of json) {
    const t = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    if (typeof t.tokenAddress !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(t.tokenAddress)) continue;
    if (typeof t.minPrice !== 'string' || typeof t.maxPrice !== 'string') continue;
    if (!/^\d{1,78}$/.test(t.minPrice) || !/^\d{1,78}$/.test(t.maxPrice)) continue;
    const min = BigInt(t.minPrice);
    const max = BigInt(t.maxPrice);
    if (min > max || max === 0n) continue;
    out.set(getAddress(t.tokenAddress.toLowerCase()), { min, max, updatedAt: typeof t.updatedAt === 'number' ? t.updatedAt : null });
  }
  return out;
}

/** The mid of a ticker in USD per whole token: (min + max) / 2 in GMX's unit, exact. */
export function tickerMid(price: TickerPrice, tokenDecimals: number): Decimal {
  return new Dec((price.min + price.max).toString()).div(2).div(new Dec(10).pow(30 - tokenDecimals));
}

/** The tickers endpoint, read at most once per `ttlMs` (concurrent askers share one request). */
export class GmxTickers {
  private cached: { at: number; prices: Promise<Map<string, TickerPrice>> } | null = null;

  constructor(
    private readonly apiUrl: string,
    private readonly fetchFn: FetchFn = fetch,
    private readonly ttlMs = 1000,
    private readonly timeoutMs = 5000,
  ) {}

  prices(): Promise<Map<string, TickerPrice>> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.prices;
    const prices = this.read();
    this.cached = { at: now, prices };
    prices.catch(() => (this.cached = null));
    return prices;
  }

  private async read(): Promise<Map<string, TickerPrice>> {
    const url = `${this.apiUrl.replace(/\/+$/, '')}/prices/tickers`;
    const res = await this.fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`GMX tickers ${url}: HTTP ${res.status}`);
    return parseTickers(await res.json());
  }
}
