import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { BotState, BotStateValue } from '@conduit/runtime';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  ManualClock,
  startContext,
  startHttpApp,
  TestDatabase,
  testEnv,
  waitFor,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/** Seed 004's bot_state: a service's start and its scheduled ticks, across a restart, and the operators' view of it. */
describe('bot_state (real Postgres and Redis)', () => {
  let db: TestDatabase;
  let env: Env;
  let pg: Client;
  let billing: INestApplicationContext | undefined;
  let gateway: INestApplication | undefined;
  let api: string;
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    // billing.subscriptions and billing.pnl-snapshot tick every 100 ms: each tick is a cycle of 'billing'
    env = testEnv(db, { BILLING_INTERVAL_MS: '100' });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ({ app: gateway, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway, { clock }));
  });
  afterAll(async () => {
    await billing?.close();
    await gateway?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  const state = async (key: string): Promise<BotStateValue | undefined> => {
    const { rows } = await pg.query(`SELECT value FROM bot_state WHERE key = $1`, [key]);
    return rows[0] ? JSON.parse(rows[0].value) : undefined;
  };

  it('records the start at boot and counts every scheduled tick, keeping the count across a restart', async () => {
    billing = await startContext(BillingAppModule.forRoot(env), { clock });
    const before = await waitFor('three ticks', async () => {
      const s = await state('billing');
      return s && s.cycle_count >= 3 ? s : null;
    });
    expect(before).toMatchObject({ service_start_time: '2026-06-15T09:30:00.000Z', last_cycle_time: '2026-06-15T09:30:00.000Z' });
    expect(before.last_error).toBeNull();
    await billing.close();
    billing = undefined;
    const stopped = (await state('billing'))!.cycle_count;

    clock.set('2026-06-15T10:00:00.000Z');
    billing = await startContext(BillingAppModule.forRoot(env), { clock });
    const restarted = (await state('billing'))!;
    expect(restarted.service_start_time).toBe('2026-06-15T10:00:00.000Z');
    expect(restarted.cycle_count).toBeGreaterThanOrEqual(stopped); // kept, not reset
    const after = await waitFor('the ticks after the restart', async () => {
      const s = await state('billing');
      return s && s.cycle_count >= stopped + 2 ? s : null;
    });
    expect(after.last_cycle_time).toBe('2026-06-15T10:00:00.000Z');
  });

  it("counts an LLM trader's cycles exactly under concurrency, with the last error, and never read-modify-write", async () => {
    const bot = billing!.get(BotState);
    const key = 'llm-trader:6f1d3c3e-8a57-4d0a-9f5e-2f1c0b7e9a11';
    const at = new Date('2026-06-15T10:05:00.000Z');
    await Promise.all(Array.from({ length: 25 }, () => bot.recordCycle(key, { at })));
    expect(await state(key)).toEqual({ service_start_time: null, cycle_count: 25, last_cycle_time: at.toISOString(), last_error: null });
    await bot.recordCycle(key, { at: new Date('2026-06-15T10:10:00.000Z'), error: 'model timed out after 8000 ms' });
    expect(await state(key)).toMatchObject({ cycle_count: 26, last_error: 'model timed out after 8000 ms' });
    await bot.recordCycle(key, { at: new Date('2026-06-15T10:15:00.000Z') });
    expect(await state(key)).toMatchObject({ cycle_count: 27, last_cycle_time: '2026-06-15T10:15:00.000Z', last_error: null });
  });

  it('GET /api/v3/admin/state lists every key with its parsed value, for operators only', async () => {
    expect((await http('GET', `${api}/api/v3/admin/state`)).status).toBe(401);
    const res = await http('GET', `${api}/api/v3/admin/state`, undefined, adminAuth(env));
    expect(res.status).toBe(200);
    const keys = res.body.state.map((s: { key: string }) => s.key);
    expect(keys).toEqual(['billing', 'gateway', 'llm-trader:6f1d3c3e-8a57-4d0a-9f5e-2f1c0b7e9a11']);
    expect(res.body.count).toBe(3);
    const gatewayState = res.body.state.find((s: { key: string }) => s.key === 'gateway');
    expect(gatewayState.value).toEqual({
      service_start_time: '2026-06-15T09:30:00.000Z',
      cycle_count: 0,
      last_cycle_time: null,
      last_error: null,
    });
    expect(Date.parse(gatewayState.updated_at)).not.toBeNaN();
  });
});
