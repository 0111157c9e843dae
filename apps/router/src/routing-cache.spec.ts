import { Logger, LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { ENV } from '@conduit/runtime';
import { useServiceHarness, waitFor } from '@conduit/testing';
import { VenueRegistry } from '@conduit/venue';
import { RouterAppModule } from './app.module';
import { RoutingCache } from './routing-cache';

/**
 * The router's LISTEN connection against a real Postgres: when it is terminated (as a Postgres restart or a failover
 * does), it is opened again and the cache reloads, so a change notified while nobody listened is not missed until the
 * slow timer (set to ten minutes here, so only the reconnection can explain a reload).
 */
describe('routing cache: the LISTEN connection comes back after it is terminated', () => {
  const h = useServiceHarness((env) => RouterAppModule.forRoot(env), { ROUTER_CACHE_REFRESH_MS: '600000' });

  const listenerPids = async (): Promise<number[]> =>
    (await h.pg.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`)).rows.map(
      (r) => r.pid,
    );
  const listed = () => h.app.get(RoutingCache).views('ETH', ['HYPERLIQUID']).get('HYPERLIQUID')!.listed;
  /**
   * The service's warnings, as it logs them: the harness prints errors only, so a logger of the test's records the
   * warnings (and still prints errors). A refused reconnection is one, with Postgres' reason in it.
   */
  const warnings: string[] = [];
  beforeAll(() => {
    const recorder: LoggerService = {
      log() {},
      debug() {},
      verbose() {},
      error: console.error,
      warn: (m: unknown) => void warnings.push(String(m)),
    };
    Logger.overrideLogger(recorder);
  });
  const refusedReconnections = () => warnings.filter((w) => /not currently accepting connections/.test(w)).length;

  it('re-LISTENs after pg_terminate_backend and reloads what changed meanwhile; later changes arrive by NOTIFY again', async () => {
    const [before] = await listenerPids();
    expect(before).toEqual(expect.any(Number));
    expect(listed()).toBe(true);

    await h.pg.query(`SELECT pg_terminate_backend($1)`, [before]);
    // Committed while the listener is gone (it waits a second before reconnecting): its notification is lost.
    await h.pg.query(`UPDATE venue_markets SET is_active = FALSE WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    await waitFor('a new LISTEN connection', async () => (await listenerPids()).some((pid) => pid !== before));
    await waitFor('the reload after reconnecting', () => !listed());

    // The new connection receives notifications.
    await h.pg.query(`UPDATE venue_markets SET is_active = TRUE WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    await waitFor('the notified reload', () => listed(), { timeoutMs: 5000 });
    expect(await listenerPids()).toHaveLength(1);
  });

  it('keeps trying while the database refuses connections, and reloads once it listens again', async () => {
    const [before] = await listenerPids();
    // A database cannot refuse connections from within itself: an admin connection to another one does it.
    const adminUrl = new URL(h.db.url);
    adminUrl.pathname = '/postgres';
    const admin = new Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${h.db.name} ALLOW_CONNECTIONS false`);
    try {
      const refused = refusedReconnections();
      await h.pg.query(`SELECT pg_terminate_backend($1)`, [before]);
      // The first reconnection is refused; the change is committed after it, and the next one is refused as well.
      await waitFor('a refused reconnection', () => refusedReconnections() > refused);
      await h.pg.query(`UPDATE venue_markets SET is_active = FALSE WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
      await waitFor('another refused reconnection: it keeps trying', () => refusedReconnections() > refused + 1);
      expect(await listenerPids()).toEqual([]);
    } finally {
      await admin.query(`ALTER DATABASE ${h.db.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await waitFor('a new LISTEN connection', async () => (await listenerPids()).length === 1);
    await waitFor('the reload after reconnecting', () => !listed());
    await h.pg.query(`UPDATE venue_markets SET is_active = TRUE WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    await waitFor('the notified reload', () => listed(), { timeoutMs: 5000 });
  });
});

/**
 * A restarted router's BullMQ worker can take a waiting router.route job before the cache's onModuleInit has loaded
 * the markets (imported modules initialise first): the decision must wait for the first load, not find no venue
 * (seen in the chaos harness: a signal routed right after the router's restart, SKIPPED with "no venue lists").
 */
describe('routing cache: a decision asked before the first load', () => {
  const h = useServiceHarness((env) => RouterAppModule.forRoot(env));

  it('waits for the first load, then sees the markets', async () => {
    const cache = new RoutingCache(h.app.get(DataSource), h.app.get(VenueRegistry), h.app.get<Env>(ENV));
    let settled = false;
    const waiting = cache.settled().then(() => (settled = true));
    await new Promise((r) => setImmediate(r)); // one turn of the event loop: nothing loaded, so nothing settled
    expect([settled, cache.views('ETH', ['HYPERLIQUID']).get('HYPERLIQUID')!.listed]).toEqual([false, false]);
    await cache.onModuleInit();
    await waiting;
    expect(cache.views('ETH', ['HYPERLIQUID']).get('HYPERLIQUID')!.listed).toBe(true);
    await cache.onApplicationShutdown();
  });
});
