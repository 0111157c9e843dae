import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recent marks for LLM traders (seed 004: a coin's 1h / 4h / 24h change and a short price series). `market_marks`
 * holds one row per venue, symbol and minute: the last mark venue_markets had in that minute. Statement triggers on
 * venue_markets sample it, so every writer of current_price (the paper walk, the live venue sync, the admin endpoint)
 * is sampled without knowing of it: one set-based upsert per statement, of the rows whose current_price was set or
 * changed. A minute without a row is a minute the mark did not change; a reader takes the latest row at or before a
 * time (libs/db/src/market-view.ts). Rows older than MARKET_MARKS_RETENTION_DAYS are to be deleted by a retention
 * job, which keeps each market's newest row (a mark that has not changed since has no newer one).
 *
 * Cost, measured on the paper walk's UPDATE of every priced market (EXPLAIN ANALYZE, median ms per UPDATE over 100
 * and 200 updates, on a loaded 2-CPU machine): the 28 seeded priced markets: no trigger 0.21–0.35, row triggers
 * 0.53–0.75 (trigger 0.27–0.40), statement trigger 0.44–0.66 (trigger 0.20–0.30); 84 markets: 0.40–0.45, 1.06–1.16
 * (0.63–0.66), 0.80–0.91 (0.38–0.41); 500 markets: 5.2, 20.0 (15.0), 13.1 (9.9). The statement trigger is kept.
 * Transition tables allow neither a column list (UPDATE OF current_price) nor two events on one trigger, so the
 * UPDATE trigger fires on every update of venue_markets and compares the old and new prices itself.
 */
export class MarketMarks1732200012000 implements MigrationInterface {
  name = 'MarketMarks1732200012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE market_marks (
        venue venue_v3_t NOT NULL,
        token_symbol TEXT NOT NULL,
        minute TIMESTAMPTZ NOT NULL,
        mark DECIMAL(20, 8) NOT NULL,
        PRIMARY KEY (venue, token_symbol, minute)
      )`);
    // One symbol's recent marks across venues (the primary key serves one venue's).
    await q.query(`CREATE INDEX idx_market_marks_token_minute ON market_marks (token_symbol, minute)`);

    await q.query(`
      CREATE FUNCTION conduit_sample_marks() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO market_marks (venue, token_symbol, minute, mark)
          SELECT n.venue, n.token_symbol, date_trunc('minute', now()), n.current_price FROM new_markets n WHERE n.current_price IS NOT NULL
          ON CONFLICT (venue, token_symbol, minute) DO UPDATE SET mark = EXCLUDED.mark;
        ELSE
          INSERT INTO market_marks (venue, token_symbol, minute, mark)
          SELECT n.venue, n.token_symbol, date_trunc('minute', now()), n.current_price
            FROM new_markets n JOIN old_markets o ON o.id = n.id
           WHERE n.current_price IS NOT NULL AND n.current_price IS DISTINCT FROM o.current_price
          ON CONFLICT (venue, token_symbol, minute) DO UPDATE SET mark = EXCLUDED.mark;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER trg_venue_markets_insert_marks AFTER INSERT ON venue_markets
                     REFERENCING NEW TABLE AS new_markets
                     FOR EACH STATEMENT EXECUTE FUNCTION conduit_sample_marks()`);
    await q.query(`CREATE TRIGGER trg_venue_markets_update_marks AFTER UPDATE ON venue_markets
                     REFERENCING OLD TABLE AS old_markets NEW TABLE AS new_markets
                     FOR EACH STATEMENT EXECUTE FUNCTION conduit_sample_marks()`);
    // The marks known now are the first samples.
    await q.query(`INSERT INTO market_marks (venue, token_symbol, minute, mark)
                   SELECT venue, token_symbol, date_trunc('minute', now()), current_price FROM venue_markets
                    WHERE current_price IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_venue_markets_update_marks ON venue_markets`);
    await q.query(`DROP TRIGGER trg_venue_markets_insert_marks ON venue_markets`);
    await q.query(`DROP FUNCTION conduit_sample_marks()`);
    await q.query(`DROP TABLE market_marks`);
  }
}
