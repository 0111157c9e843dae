import { DataSource } from 'typeorm';
import { IndicatorWindowRow, MarketRow, rows } from '@conduit/db';

/** The latest indicator window of each token at or before `at` (market_indicators_6h), numeric fields only. */
export async function marketContext(ds: DataSource, tokens: string[], at: Date): Promise<Map<string, Record<string, number>>> {
  if (!tokens.length) return new Map();
  const windows = await rows<Pick<IndicatorWindowRow, 'token_symbol' | 'indicators'>>(
    ds,
    `SELECT DISTINCT ON (token_symbol) token_symbol, indicators FROM market_indicators_6h
      WHERE token_symbol = ANY($1::text[]) AND window_start <= $2 ORDER BY token_symbol, window_start DESC`,
    [tokens, at],
  );
  return new Map(
    windows.map((r) => [
      r.token_symbol,
      Object.fromEntries(Object.entries(r.indicators ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v))) as Record<
        string,
        number
      >,
    ]),
  );
}

/** Symbols some venue lists (what a post may name), cached for a minute. */
export class KnownSymbols {
  private cached: { set: Set<string>; at: number } | null = null;
  constructor(private readonly ds: DataSource) {}

  async get(): Promise<Set<string>> {
    if (this.cached && Date.now() - this.cached.at < 60_000) return this.cached.set;
    const listed = await rows<Pick<MarketRow, 'token_symbol'>>(this.ds, `SELECT DISTINCT token_symbol FROM venue_markets WHERE is_active`);
    this.cached = { set: new Set(listed.map((r) => r.token_symbol)), at: Date.now() };
    return this.cached.set;
  }
}
