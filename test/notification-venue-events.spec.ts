import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName, QueueName } from '@conduit/queue';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  HyperliquidSim,
  startContext,
  startHttpApp,
  startHyperliquidServer,
  TestDatabase,
  testEnv,
  testQueues,
  waitFor,
  waitForJob,
  WalletClient,
} from '@conduit/testing';
import { ExecutorAppModule } from '../apps/executor/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

interface Note {
  event_type: string;
  to: string;
  key: string;
  payload: Record<string, unknown>;
}

/**
 * venue.down and venue.up from the executor's venue sync (the job `executor.venue-sync`) against the local Hyperliquid
 * server: on a change of the venue's status only, one notification per subscribed recipient, broadcast to every
 * wallet subscribed to the event (alice to both, dave to venue.down) and to the operator subscribed; never to bob
 * (subscribed to other events) or carol (her events removed). A repeated poll, a retried job and two polls at once
 * write one notification.
 */
describe('venue events from the venue sync', () => {
  let db: TestDatabase;
  let env: Env;
  let sim: HyperliquidSim;
  let executor: INestApplicationContext;
  let gateway: INestApplication;
  let pg: Client;
  let queues: ReturnType<typeof testQueues>;
  let operator: string;
  let alice: WalletClient;
  let dave: WalletClient;
  let bob: WalletClient;
  let carol: WalletClient;

  const q = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows;
  const byKeyAndRecipient = (a: Note, b: Note) => (a.key === b.key ? (a.to < b.to ? -1 : 1) : a.key < b.key ? -1 : 1);
  const notes = async (): Promise<Note[]> =>
    (await q(`SELECT event_type, recipient_type || ':' || recipient_id AS "to", event_key AS key, payload FROM notifications`)).sort(
      byKeyAndRecipient,
    );
  const status = async () => (await q(`SELECT status, last_error FROM venues_status WHERE venue = 'HYPERLIQUID'`))[0];
  let syncs = 0;
  /** One venue-sync job, as the scheduler adds it; answers the job. */
  const sync = async () => {
    const id = `venue-sync-${++syncs}`;
    await queues[QueueName.Executor].add(JobName.ExecutorVenueSync, {}, { jobId: id });
    return waitForJob(queues[QueueName.Executor], id);
  };
  /**
   * The notifications of one status change: to each wallet subscribed to the event, and to the operator, under one key
   * (the event's status, venue and time in ms: unique per change).
   */
  const change = (event: string, key: string, wallets: WalletClient[], payload: Record<string, unknown>): Note[] =>
    [`user:${operator}`, ...wallets.map((c) => `wallet:${c.address}`)].sort().map((t) => ({ event_type: event, to: t, key, payload }));
  const keyOf = async (event: string) => {
    const keys = [...new Set((await notes()).filter((n) => n.event_type === event).map((n) => n.key))];
    expect(keys).toEqual([expect.stringMatching(new RegExp(`^venue\\.${event === 'venue.up' ? 'UP' : 'DOWN'}:HYPERLIQUID:\\d{13}$`))]);
    return keys[0];
  };

  beforeAll(async () => {
    sim = await startHyperliquidServer();
    db = await createTestDatabase();
    env = testEnv(db, {
      LIVE_TRADING: 'true',
      HYPERLIQUID_API_URL: sim.url,
      HYPERLIQUID_TIMEOUT_MS: '2000',
      VENUE_SYNC_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    });
    executor = await startContext(ExecutorAppModule.forRoot(env));
    const started = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway);
    gateway = started.app;
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    queues = testQueues(env);
    [alice, dave, bob, carol] = [0, 1, 2, 3].map(() => WalletClient.random(started.url));
    [{ id: operator }] = await q(`SELECT id FROM users`);
    const put = (c: WalletClient, events: string[]) =>
      c.http('PUT', `${started.url}/api/v3/notifications/settings`, { events, channels: {} });
    expect((await put(alice, ['venue.down', 'venue.up'])).status).toBe(200);
    expect((await put(dave, ['venue.down'])).status).toBe(200);
    expect((await put(bob, ['report.ready', 'position.opened'])).status).toBe(200);
    expect((await put(carol, ['venue.down', 'venue.up'])).status).toBe(200);
    expect((await put(carol, [])).status).toBe(200);
    const settings = { events: ['venue.down', 'venue.up'], channels: {} };
    expect((await http('PUT', `${started.url}/api/v3/operators/me/notifications/settings`, settings, adminAuth(env))).status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.close();
    await executor?.close();
    await queues?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
    await sim?.close();
  });

  it('a venue that stops answering is one venue.down, and one venue.up when it answers again; polls in between write none', async () => {
    // The venue answers, as seeded: no change, nothing recorded.
    expect((await sync()).returnvalue).toEqual([expect.objectContaining({ venue: 'HYPERLIQUID', ok: true })]);
    expect(await notes()).toEqual([]);

    sim.setDown(true);
    const failed = await sync();
    expect(failed.returnvalue).toEqual([expect.objectContaining({ venue: 'HYPERLIQUID', ok: false })]);
    const down = await status();
    expect(down.status).toBe('DOWN');
    expect(down.last_error).toBe('503 Service Unavailable - Service Unavailable');
    const downNotes = change('venue.down', await keyOf('venue.down'), [alice, dave], {
      venue: 'HYPERLIQUID',
      status: 'DOWN',
      previous: 'UP',
      error: down.last_error,
    });
    expect(await notes()).toEqual(downNotes);

    // Still down: the next poll, and the failed poll's job retried, change nothing.
    expect((await sync()).returnvalue).toEqual([expect.objectContaining({ ok: false })]);
    await failed.retry('completed');
    await waitForJob(queues[QueueName.Executor], failed.id!, ['completed']);
    expect((await status()).status).toBe('DOWN');
    expect(await notes()).toEqual(downNotes);

    sim.setDown(false);
    expect((await sync()).returnvalue).toEqual([expect.objectContaining({ ok: true, markets: 28 })]);
    expect((await status()).status).toBe('UP');
    const upNotes = change('venue.up', await keyOf('venue.up'), [alice], {
      venue: 'HYPERLIQUID',
      status: 'UP',
      previous: 'DOWN',
      error: null,
    });
    expect(await notes()).toEqual([...downNotes, ...upNotes].sort(byKeyAndRecipient));
    expect((await sync()).returnvalue).toEqual([expect.objectContaining({ ok: true })]);
    expect(await notes()).toHaveLength(downNotes.length + upNotes.length);
  });

  it('two polls that see the venue go down at once record one venue.down', async () => {
    const before = await notes();
    // Hold the venue's status row so both polls' statements start before either writes.
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`BEGIN`);
      await holder.query(`SELECT 1 FROM venues_status WHERE venue = 'HYPERLIQUID' FOR UPDATE`);
      sim.setDown(true);
      const polls = [sync(), sync()];
      await waitFor('both polls wait on the status row', async () => {
        const [{ n }] = await q(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%venues_status%'`,
        );
        return n === 2;
      });
      await holder.query(`COMMIT`);
      for (const p of await Promise.all(polls)) expect(p.returnvalue).toEqual([expect.objectContaining({ ok: false })]);
    } finally {
      await holder.end();
    }
    // one new venue.down (to the operator, alice and dave), the earlier venue.down and venue.up as they were
    const after = await notes();
    expect(after).toHaveLength(before.length + 3);
    const added = after.filter((n) => !before.some((b) => b.key === n.key));
    const payload = { venue: 'HYPERLIQUID', status: 'DOWN', previous: 'UP', error: (await status()).last_error };
    expect(added).toEqual(change('venue.down', added[0]?.key, [alice, dave], payload));
    expect(added[0].key).toMatch(/^venue\.DOWN:HYPERLIQUID:\d{13}$/);
  });
});
