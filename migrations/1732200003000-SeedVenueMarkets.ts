import { MigrationInterface, QueryRunner } from 'typeorm';
import markets from './data/venue-markets.json';

/**
 * Real listings for the demo and the paper venue: Hyperliquid's recorded `meta` universe with its `allMids`
 * marks, and Ostium's published pairs (see tools/scripts/extract-venue-markets.js for provenance).
 * The market-sync job of each live venue adapter refreshes these rows.
 */
export class SeedVenueMarkets1732200003000 implements MigrationInterface {
  name = 'SeedVenueMarkets1732200003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO venue_markets (venue, token_symbol, market_name, market_index, is_active, min_position, max_leverage, current_price,
        last_synced, metadata)
       SELECT m.venue::venue_v3_t, m.token_symbol, m.market_name, m.market_index, TRUE, m.min_position::numeric, m.max_leverage,
              m.current_price::numeric, NOW(), m.metadata
       FROM jsonb_to_recordset($1::jsonb) AS m(venue text, token_symbol text, market_name text, market_index int,
            min_position text, max_leverage int, current_price text, metadata jsonb)
       ON CONFLICT (venue, token_symbol) DO NOTHING`,
      [JSON.stringify(markets)],
    );
    await q.query(
      `INSERT INTO venues_status (venue, is_available, status) VALUES ('HYPERLIQUID', TRUE, 'UP'), ('OSTIUM', TRUE, 'UP')
       ON CONFLICT (venue) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM venues_status WHERE venue IN ('HYPERLIQUID', 'OSTIUM')`);
    await q.query(`DELETE FROM venue_markets WHERE metadata->>'source' IS NOT NULL`);
  }
}
