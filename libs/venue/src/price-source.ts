import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { MarketRow, PREPARED, rows } from '@conduit/db';
import { dec } from '@conduit/domain';
import type { MarketInfo } from './adapter';

/** Where the paper venue (and Ostium, which has no book of its own) reads marks. */
export interface PriceSource {
  mark(venue: string, symbol: string): Promise<Decimal | null>;
}

/** The venue's market list as Conduit last synced it. */
export interface MarketSource {
  markets(venue: string): Promise<MarketInfo[]>;
}

/**
 * Marks from venue_markets.current_price: seeded from recorded listings, refreshed by the market sync of live
 * adapters, moved by the paper tick's deterministic random walk when it runs, and fixed when it does not
 * (tests set them directly). A venue without its own mark for a token borrows another venue's.
 */
export class MarketTablePriceSource implements PriceSource, MarketSource {
  /** Reads started in the current turn of the event loop, by venue and token. */
  private readonly reading = new Map<string, Promise<Decimal | null>>();

  constructor(private readonly ds: DataSource) {}

  /**
   * The mark. Identical reads asked in the same turn of the event loop (a batch of opens on one token) share one
   * query; a read asked in a later turn queries again, so no caller gets a mark read before it asked.
   */
  mark(venue: string, symbol: string): Promise<Decimal | null> {
    const key = `${venue}|${symbol}`;
    let read = this.reading.get(key);
    if (!read) {
      read = this.read(venue, symbol);
      this.reading.set(key, read);
      setImmediate(() => this.reading.delete(key));
    }
    return read;
  }

  private async read(venue: string, symbol: string): Promise<Decimal | null> {
    const found = await rows<{ current_price: string }>(
      this.ds,
      `SELECT current_price FROM venue_markets
        WHERE token_symbol = $2 AND current_price IS NOT NULL
        ORDER BY (venue = $1::venue_v3_t) DESC, is_active DESC LIMIT 1`,
      [venue, symbol],
      PREPARED,
    );
    return found.length ? dec(found[0].current_price) : null;
  }

  async markets(venue: string): Promise<MarketInfo[]> {
    const listed = await rows<
      Pick<MarketRow, 'token_symbol' | 'market_name' | 'market_index' | 'is_active' | 'min_position' | 'max_leverage'> & {
        sz_decimals: string | null;
      }
    >(
      this.ds,
      `SELECT token_symbol, market_name, market_index, is_active, min_position, max_leverage, metadata->>'szDecimals' AS sz_decimals
         FROM venue_markets WHERE venue = $1 ORDER BY market_index NULLS LAST, token_symbol`,
      [venue],
    );
    return listed.map((r) => {
      const szDecimals = r.sz_decimals != null ? Number(r.sz_decimals) : 6;
      return {
        symbol: r.token_symbol,
        index: r.market_index ?? -1,
        pair: r.market_name,
        szDecimals,
        maxLeverage: r.max_leverage ?? 1,
        minSize: new Decimal(10).pow(-szDecimals).toFixed(),
        minNotionalUsd: r.min_position,
        active: r.is_active,
      };
    });
  }
}
