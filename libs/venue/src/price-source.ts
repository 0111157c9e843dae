import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { dec } from '@conduit/domain';

/** Where the paper venue reads marks. */
export interface PriceSource {
  mark(venue: string, symbol: string): Promise<Decimal | null>;
}

/**
 * Marks from venue_markets.current_price: seeded from recorded listings, moved by the paper tick's
 * deterministic random walk when it runs, and fixed when it does not (tests set them directly).
 * A venue without its own mark for a token borrows another venue's.
 */
export class MarketTablePriceSource implements PriceSource {
  constructor(private readonly ds: DataSource) {}

  async mark(venue: string, symbol: string): Promise<Decimal | null> {
    const rows: { current_price: string }[] = await this.ds.query(
      `SELECT current_price FROM venue_markets
        WHERE token_symbol = $2 AND current_price IS NOT NULL
        ORDER BY (venue = $1::venue_v3_t) DESC, is_active DESC LIMIT 1`,
      [venue, symbol],
    );
    return rows.length ? dec(rows[0].current_price) : null;
  }
}
