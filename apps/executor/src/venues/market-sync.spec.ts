import { Wallet } from 'ethers';
import { DataSource } from 'typeorm';
import { loadEnv } from '@conduit/config';
import { createDataSource } from '@conduit/db';
import { createTestDatabase, HyperliquidSim, startHyperliquidServer, TestDatabase } from '@conduit/testing';
import { HyperliquidAdapter, MarketStats, VenueRegistry } from '@conduit/venue';
import { MarketSync } from './market-sync';

/**
 * The live venue sync against the local Hyperliquid server (its metaAndAssetCtxs in the wire format), on real
 * Postgres: funding and open interest go into each market's metadata, and a changed mark is sampled into market_marks.
 */
describe('market sync: funding and open interest from Hyperliquid', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sim: HyperliquidSim;
  let sync: MarketSync;
  let registry: VenueRegistry;
  const one = async (sql: string, params: unknown[] = []) => ((await ds.query(sql, params)) as Record<string, any>[])[0];
  const market = (coin: string) =>
    one(
      `SELECT current_price, metadata, (metadata->>'statsAt')::timestamptz = last_synced AS stats_at_sync FROM venue_markets
        WHERE venue = 'HYPERLIQUID' AND token_symbol = $1`,
      [coin],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource(db.url, { extra: { max: 2 } }).initialize();
    sim = await startHyperliquidServer();
    registry = new VenueRegistry(ds, loadEnv({ LIVE_TRADING: 'false' }));
    registry.register(new HyperliquidAdapter({ isTestnet: false, apiUrl: sim.url }));
    sync = new MarketSync(ds, registry);
  });
  afterAll(async () => {
    await ds?.destroy();
    await sim?.close();
    await db?.drop();
  });

  it('stores the hourly funding rate and the open interest in base units and USD at the mark', async () => {
    // Open interest: a trader holds 0.5 ETH long on the venue.
    const trader = Wallet.createRandom();
    sim.fund(trader.address, '10000');
    const adapter = registry.get('HYPERLIQUID', 'live');
    const order = await adapter.placeOrder({
      clientOrderId: '0x00000000000000000000000000000001',
      account: { address: trader.address, signer: { address: trader.address, use: (fn) => fn(trader.privateKey) } },
      symbol: 'ETH',
      side: 'BUY',
      qty: '0.5',
      reduceOnly: false,
      maxSlippageBps: '50',
    });
    expect(order.status).toBe('FILLED');
    sim.setMid('ETH', '2000');
    sim.setFunding('ETH', '0.0000125');
    sim.setFunding('BTC', '-0.00000625');

    const [report] = await sync.run();
    expect(report).toMatchObject({ venue: 'HYPERLIQUID', ok: true, markets: 28, priced: 28 });

    const eth = await market('ETH');
    expect(eth.current_price).toEqualDecimal('2000');
    expect(eth.metadata).toMatchObject({ szDecimals: 4, source: 'HYPERLIQUID sync', fundingRate: '0.0000125', openInterest: '0.5' });
    expect(eth.metadata.openInterestUsd).toEqualDecimal('1000');
    expect(eth.stats_at_sync).toBe(true);
    const btc = await market('BTC');
    expect(btc.metadata).toMatchObject({ fundingRate: '-0.00000625' });
    expect(btc.metadata.openInterest).toEqualDecimal('0');
    expect(btc.metadata.openInterestUsd).toEqualDecimal('0');

    // The new mark is the latest sample of ETH on Hyperliquid.
    const sample = await one(
      `SELECT mark FROM market_marks WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH' ORDER BY minute DESC LIMIT 1`,
    );
    expect(sample.mark).toEqualDecimal('2000');
  });

  it('goes on without them when the venue does not answer for them, and keeps the figures stored before', async () => {
    class NoStats extends HyperliquidAdapter {
      override async marketStats(): Promise<MarketStats[]> {
        throw new Error('metaAndAssetCtxs timed out');
      }
    }
    const before = await market('ETH');
    registry.register(new NoStats({ isTestnet: false, apiUrl: sim.url }));
    sim.setFunding('ETH', '0.0001');
    const [report] = await sync.run();
    expect(report).toMatchObject({ ok: true, markets: 28 });
    const eth = await market('ETH');
    expect(eth.metadata).toMatchObject({ fundingRate: '0.0000125', openInterest: '0.5', statsAt: before.metadata.statsAt });
    expect(eth.stats_at_sync).toBe(false);
  });
});
