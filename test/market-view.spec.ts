import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, MARKET_STATS_MAX_AGE_MINUTES, readCoinMarkets } from '@conduit/db';
import { CoinMarket } from '@conduit/domain';
import { createTestDatabase, TestDatabase } from '@conduit/testing';

/**
 * What an LLM trader's cycle reads of each coin's market (libs/db market-view.ts) and how marks are sampled
 * (MarketMarks migration), on real Postgres. Time is the test's own NOW: samples are inserted at chosen minutes; only
 * the trigger's own test uses the database's now().
 */
describe('market view on real Postgres', () => {
  let db: TestDatabase;
  let pg: Client;
  let ds: DataSource;
  const NOW = new Date('2026-03-02T12:00:30Z');
  const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
  const sql = async (text: string, params: unknown[] = []) => (await pg.query(text, params)).rows;
  const sample = (venue: string, coin: string, minute: Date, mark: string) =>
    sql(`INSERT INTO market_marks (venue, token_symbol, minute, mark) VALUES ($1, $2, date_trunc('minute', $3::timestamptz), $4)`, [
      venue,
      coin,
      minute,
      mark,
    ]);
  const setMarket = (venue: string, coin: string, price: string | null, metadata: object = {}) =>
    sql(`UPDATE venue_markets SET current_price = $3, metadata = metadata || $4 WHERE venue = $1 AND token_symbol = $2`, [
      venue,
      coin,
      price,
      JSON.stringify(metadata),
    ]);
  const setVenue = (venue: string, up: boolean) =>
    sql(`UPDATE venues_status SET is_available = $2, status = $3 WHERE venue = $1`, [venue, up, up ? 'UP' : 'DOWN']);
  const read = (coins: string[]) => readCoinMarkets(ds, coins, NOW);
  const nothing = (coin: string): CoinMarket => ({
    coin,
    listed: false,
    mark: null,
    maxLeverage: null,
    change1h: null,
    change4h: null,
    change24h: null,
    series: [],
    fundingRate: null,
    openInterest: null,
    openInterestUsd: null,
    indicators: null,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ds = await createDataSource(db.url, { extra: { max: 2 } }).initialize();
    // The fallbacks between two venues are the subject: the paper listings of GMX and SPOT are not.
    await sql(`DELETE FROM venue_markets WHERE venue IN ('GMX', 'SPOT')`);

    const stats = (at: Date) => ({ fundingRate: '0.0000125', openInterest: '1000.5', openInterestUsd: '2001000', statsAt: at });
    await setMarket('HYPERLIQUID', 'ETH', '2000', stats(ago(1)));
    await setMarket('OSTIUM', 'ETH', '2001');
    await setMarket('HYPERLIQUID', 'SOL', '150', stats(ago(MARKET_STATS_MAX_AGE_MINUTES + 1)));
    await sql(`INSERT INTO venue_markets (venue, token_symbol, market_name, is_active, max_leverage, current_price)
               VALUES ('HYPERLIQUID', 'GONE', 'GONE-USD', FALSE, 5, 1)`);
    // What the triggers sampled so far is the database's time; the test's samples are its own.
    await sql(`DELETE FROM market_marks`);
    await sample('HYPERLIQUID', 'ETH', ago(24 * 60 + 5), '1600');
    await sample('HYPERLIQUID', 'ETH', ago(23 * 60), '1700');
    await sample('HYPERLIQUID', 'ETH', ago(4 * 60 + 1), '1800');
    await sample('HYPERLIQUID', 'ETH', ago(61), '1900');
    await sample('HYPERLIQUID', 'ETH', ago(30), '1950');
    await sample('HYPERLIQUID', 'ETH', ago(-5), '9999'); // after NOW
    await sample('OSTIUM', 'ETH', ago(120), '1000');
    await sample('OSTIUM', 'ETH', ago(10), '2100');
    await sample('HYPERLIQUID', 'SOL', ago(7), '149'); // in the series from NOW − 5 min
    const window = (coin: string, start: Date, indicators: object) =>
      sql(`INSERT INTO market_indicators_6h (token_symbol, window_start, indicators) VALUES ($1, $2, $3)`, [coin, start, indicators]);
    await window('ETH', ago(7 * 60), { ret_6h: 0.01, volatility_24h: 0.03 });
    await window('ETH', ago(60), { ret_6h: -0.02, volatility_24h: 0.04, rsi: 55 });
    await window('ETH', ago(-5 * 60), { ret_6h: 0.5, volatility_24h: 0.5 }); // starts after NOW
    await window('SOL', ago(60), { ret_6h: 'n/a', volatility_24h: 1e-5 });
  });
  afterAll(async () => {
    await ds?.destroy();
    await pg?.end();
    await db?.drop();
  });

  it("reads Hyperliquid's market: mark, leverage, changes and series from its samples, funding, open interest, indicators", async () => {
    const [eth] = await read(['ETH']);
    expect(eth).toEqual({
      coin: 'ETH',
      listed: true,
      mark: '2000.00000000',
      maxLeverage: 50,
      change1h: '0.05263158', // 2000 / 1900 − 1 = 0.0526315789…
      change4h: '0.11111111', // 2000 / 1800 − 1
      change24h: '0.25', // 2000 / 1600 − 1 (the sample at or before NOW − 24h)
      // NOW − 55 … − 35 min: 1900; − 30 … − 5 min: 1950; then the mark
      series: [...Array(5).fill('1900.00000000'), ...Array(6).fill('1950.00000000'), '2000.00000000'],
      fundingRate: '0.0000125',
      openInterest: '1000.5',
      openInterestUsd: '2001000',
      indicators: { ret6h: '-0.02', volatility24h: '0.04' },
    });
  });

  it('answers every coin asked for in order, in one statement, the unknown and the delisted ones as not listed', async () => {
    let statements = 0;
    const counted = { query: (text: string, params?: unknown[]) => (statements++, ds.query(text, params)) };
    const markets = await readCoinMarkets(counted, ['NOPE', 'SOL', 'GONE', 'ETH'], NOW);
    expect(statements).toBe(1);
    expect(markets.map((m) => m.coin)).toEqual(['NOPE', 'SOL', 'GONE', 'ETH']);
    expect(markets[0]).toEqual(nothing('NOPE'));
    expect(markets[2]).toEqual(nothing('GONE'));
    const sol = markets[1];
    expect(sol).toMatchObject({ listed: true, mark: '150.00000000', maxLeverage: 50, change1h: null, change24h: null });
    expect(sol.series).toEqual(['149.00000000', '150.00000000']);
    // Read longer ago than MARKET_STATS_MAX_AGE_MINUTES: the sync has stopped, the figures are not shown.
    expect([sol.fundingRate, sol.openInterest, sol.openInterestUsd]).toEqual([null, null, null]);
    // A window whose ret_6h is not a number; JSON numbers are read as the decimal text jsonb keeps.
    expect(sol.indicators).toEqual({ ret6h: null, volatility24h: '0.00001' });
    expect(await read([])).toEqual([]);
  });

  it("falls back to another up venue's market when Hyperliquid is down; neither up: not listed, the mark still shown", async () => {
    try {
      await setVenue('HYPERLIQUID', false);
      const [eth] = await read(['ETH']);
      expect(eth).toMatchObject({ listed: true, mark: '2001.00000000', maxLeverage: 100, fundingRate: null, openInterest: null });
      // Ostium's own samples only: 2001 / 1000 − 1 over the hour, 2100 in the series from NOW − 10 min
      expect(eth).toMatchObject({ change1h: '1.001', change4h: null, change24h: null });
      expect(eth.series).toEqual([...Array(9).fill('1000.00000000'), '2100.00000000', '2100.00000000', '2001.00000000']);

      await setVenue('OSTIUM', false);
      const [down] = await read(['ETH']);
      expect(down).toMatchObject({ listed: false, mark: '2000.00000000', maxLeverage: 50, change1h: '0.05263158' });
    } finally {
      await setVenue('HYPERLIQUID', true);
      await setVenue('OSTIUM', true);
    }
  });

  it('prefers a market with a mark; a venue with no status row yet counts as up', async () => {
    try {
      await setMarket('HYPERLIQUID', 'ETH', null);
      expect(await read(['ETH'])).toMatchObject([{ listed: true, mark: '2001.00000000', maxLeverage: 100 }]);
      await setVenue('OSTIUM', false);
      await sql(`DELETE FROM venues_status WHERE venue = 'HYPERLIQUID'`);
      // Hyperliquid (no status row) lists it without a mark; Ostium is down: listed, no mark
      const [eth] = await read(['ETH']);
      expect(eth).toMatchObject({ listed: true, mark: null, maxLeverage: 50, change1h: null, fundingRate: '0.0000125' });
      expect(eth.series).toEqual([...Array(5).fill('1900.00000000'), ...Array(6).fill('1950.00000000')]);
    } finally {
      await sql(
        `INSERT INTO venues_status (venue, is_available, status) VALUES ('HYPERLIQUID', TRUE, 'UP') ON CONFLICT (venue) DO NOTHING`,
      );
      await setVenue('OSTIUM', true);
      // The mark back, without the sample the trigger takes at the database's time.
      await sql('BEGIN');
      await setMarket('HYPERLIQUID', 'ETH', '2000');
      await sql(`DELETE FROM market_marks WHERE minute = date_trunc('minute', now())`);
      await sql('COMMIT');
    }
  });
});

describe('market_marks sampling by the venue_markets triggers', () => {
  let db: TestDatabase;
  let pg: Client;
  const sql = async (text: string, params: unknown[] = []) => (await pg.query(text, params)).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    // Sampling is the subject, with Hyperliquid's and Ostium's listings; the paper listings of GMX and SPOT are not.
    await sql(`DELETE FROM market_marks WHERE venue IN ('GMX', 'SPOT')`);
    await sql(`DELETE FROM venue_markets WHERE venue IN ('GMX', 'SPOT')`);
  });
  afterAll(async () => {
    await pg?.end();
    await db?.drop();
  });

  it('has a first sample of every priced market from the migration', async () => {
    const [{ priced, sampled }] = await sql(
      `SELECT (SELECT count(*)::int FROM venue_markets WHERE current_price IS NOT NULL) AS priced,
              (SELECT count(DISTINCT (venue, token_symbol))::int FROM market_marks) AS sampled`,
    );
    expect(priced).toBeGreaterThan(0);
    expect(sampled).toBe(priced);
  });

  it("upserts the minute's last mark of every market whose price a statement set or changed, and nothing else", async () => {
    // One transaction: now() and so the minute are the same for every statement.
    await sql('BEGIN');
    try {
      await sql(`DELETE FROM market_marks`);
      const marks = () =>
        sql(`SELECT venue::text, token_symbol, mark, minute = date_trunc('minute', now()) AS this_minute FROM market_marks
              ORDER BY venue, token_symbol`);
      // The paper walk's statement: every priced market at once, two of them changed.
      const walked = await sql(`SELECT id, token_symbol, current_price FROM venue_markets WHERE current_price IS NOT NULL AND is_active`);
      const prices = walked.map((m) => (['BTC', 'ETH'].includes(m.token_symbol) ? '1234.5' : m.current_price));
      await sql(
        `UPDATE venue_markets m SET current_price = v.p, last_synced = now() FROM unnest($1::uuid[], $2::numeric[]) AS v(id, p)
          WHERE m.id = v.id`,
        [walked.map((m) => m.id), prices],
      );
      const row = (token_symbol: string, mark: string) => ({ venue: 'HYPERLIQUID', token_symbol, mark, this_minute: true });
      expect(await marks()).toEqual([row('BTC', '1234.50000000'), row('ETH', '1234.50000000')]);

      // Later in the minute: the row holds the latest mark.
      await sql(`UPDATE venue_markets SET current_price = 1300 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
      // Not sampled: other columns, an unchanged price, a price cleared.
      await sql(`UPDATE venue_markets SET last_synced = now(), is_active = is_active`);
      await sql(`UPDATE venue_markets SET current_price = current_price WHERE venue = 'HYPERLIQUID' AND token_symbol = 'SOL'`);
      await sql(`UPDATE venue_markets SET current_price = NULL WHERE venue = 'HYPERLIQUID' AND token_symbol = 'DOGE'`);
      expect(await marks()).toEqual([row('BTC', '1234.50000000'), row('ETH', '1300.00000000')]);

      // The venue sync's upsert: an inserted market with a price, an updated one with a new price.
      await sql(
        `INSERT INTO venue_markets (venue, token_symbol, market_name, current_price) VALUES ('HYPERLIQUID', 'NEW', 'NEW-USD', 7),
           ('HYPERLIQUID', 'ETH', 'ETH-USD', 1310), ('HYPERLIQUID', 'SOL', 'SOL-USD', NULL)
         ON CONFLICT (venue, token_symbol) DO UPDATE SET current_price = COALESCE(EXCLUDED.current_price, venue_markets.current_price)`,
      );
      expect(await marks()).toEqual([row('BTC', '1234.50000000'), row('ETH', '1310.00000000'), row('NEW', '7.00000000')]);
    } finally {
      await sql('ROLLBACK');
    }
  });
});
