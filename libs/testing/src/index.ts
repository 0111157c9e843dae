import 'reflect-metadata';
import { randomBytes } from 'crypto';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { Env, loadEnv } from '@conduit/config';
import { migrate } from '@conduit/db';
import { QueueName, redisOptions, RpcServer } from '@conduit/queue';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the migrations folder is the schema's single source
import { MIGRATIONS } from '../../../migrations';

export * from './venues/hyperliquid-server';
export * from './venues/hyperliquid-replay';
export * from './venues/ostium-chain';
export * from './venues/spot-chain';
export * from './venues/gmx-chain';
export * from './venues/gmx/tickers-server';
export * from './python-literal';
export * from './llm/openai-server';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the trader snapshot fixtures live next to the domain's specs
export * from '../../domain/src/trader/fixtures';
export * from './x/x-server';
export * from './notify/notify-servers';
export * from './otel/otlp-server';
export * from './auth';
export * from './http';
export * from './clock';
export * from './vectors';
export * from './tolerance';
export * from './wait';
export * from './traders';
import { seedTestAdmin, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TEST_WALLET } from './auth';
import { Test } from '@nestjs/testing';
import type { Clock } from '@conduit/domain';
import { CLOCK } from '@conduit/runtime';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new database with every migration applied and the test admin seeded; drop() removes it. Each test file gets its own. */
export async function createTestDatabase(migrated = true): Promise<TestDatabase> {
  const name = `conduit_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  if (migrated) {
    await migrate(url.toString(), MIGRATIONS, 'up');
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    await seedTestAdmin(c, url.toString()).finally(() => c.end());
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Master key of test runs (random per process; agent keys sealed in one run never outlive its databases). */
export const TEST_MASTER_KEY = randomBytes(32).toString('hex');

/** A validated Env for a test: its own database and its own BullMQ key prefix. */
export function testEnv(db: TestDatabase, overrides: Record<string, string> = {}): Env {
  return loadEnv({
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: `conduit-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'error',
    ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    GATEWAY_WAIT_MS: '15000',
    WORKER_CONCURRENCY: '8',
    PAPER_RANDOM_WALK: 'false',
    // No periodic generation job: tests trigger Agent What themselves, and queues must be able to drain.
    SIGNAL_GENERATE_INTERVAL_MS: '0',
    // The position monitor is run by the tests that need it.
    MONITOR_INTERVAL_MS: '0',
    BILLING_INTERVAL_MS: '0',
    // LLM traders' cycles run when a test asks for them (POST /agents/:id/cycle or the job).
    TRADER_TICK_MS: '0',
    AGENT_PERFORMANCE_INTERVAL_MS: '0',
    RETENTION_INTERVAL_MS: '0',
    // Wallet polls, bias and the daily view's refresh run when a test asks for them.
    WALLET_POLL_INTERVAL_MS: '0',
    WALLET_BIAS_INTERVAL_MS: '0',
    DAILY_PERFORMANCE_INTERVAL_MS: '0',
    // Reports are generated when a test asks for them.
    REPORTS_INTERVAL_MS: '0',
    // The notifier's sweep is a repeatable job (queues would never drain); the notification tests set it.
    NOTIFY_SWEEP_MS: '0',
    // Test receivers (webhooks) listen on 127.0.0.1; the guard itself is tested with 'false'.
    NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
    // Tests drive the API harder than a client would; the limit itself is tested with its own value.
    THROTTLE_LIMIT: '1000000',
    // Test gateways listen on a random port.
    AUTH_DOMAINS: '127.0.0.1:*,localhost:*',
    MASTER_KEY: TEST_MASTER_KEY,
    ...overrides,
  });
}

/** Starts a Nest application on an ephemeral port (with the test's clock in place of the wall clock, if given). */
export async function startHttpApp(
  module: unknown,
  env: Env,
  configure?: (app: INestApplication) => void | Promise<void>,
  options: { clock?: Clock } = {},
): Promise<{ app: INestApplication; url: string }> {
  const app = options.clock
    ? (await withClock(module, options.clock)).createNestApplication({ logger: ['error'] })
    : await NestFactory.create(module as any, { logger: ['error'] });
  app.enableShutdownHooks();
  await configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/**
 * Starts a Nest application context (workers only, no HTTP). With `rpc` (the test's env), a microservice listening on
 * the RPC channel under the test's prefix, as bootstrapWorker starts the router.
 */
export async function startContext(module: unknown, options: { clock?: Clock; rpc?: Env } = {}): Promise<INestApplicationContext> {
  if (options.rpc) {
    const strategy = new RpcServer(options.rpc);
    const app = options.clock
      ? (await withClock(module, options.clock)).createNestMicroservice({ strategy })
      : await NestFactory.createMicroservice(module as any, { strategy, logger: ['error'] });
    await app.listen();
    return app;
  }
  if (!options.clock) {
    const app = await NestFactory.createApplicationContext(module as any, { logger: ['error'] });
    await app.init();
    return app;
  }
  const ref = await withClock(module, options.clock);
  await ref.init();
  return ref;
}

/** The module compiled with the test's clock in place of the wall clock (the runtime module's CLOCK). */
function withClock(module: unknown, clock: Clock) {
  return Test.createTestingModule({ imports: [module as any] })
    .setLogger({ log() {}, warn() {}, error: console.error, debug() {}, verbose() {} } as any)
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
}

/** Queue handles for assertions, on the test's prefix. */
export function testQueues(env: Env): Record<QueueName, Queue> & { close(): Promise<void> } {
  const connection = redisOptions(env.REDIS_URL);
  const queues = Object.fromEntries(
    Object.values(QueueName).map((q) => [q, new Queue(q, { connection, prefix: env.QUEUE_PREFIX })]),
  ) as Record<QueueName, Queue>;
  return Object.assign(queues, {
    async close() {
      await Promise.all(Object.values(QueueName).map((q) => queues[q].close()));
    },
  });
}

/** Waits until no queue has waiting, active, delayed or prioritized jobs (twice in a row, to catch hand-offs). */
export async function waitForQueuesToDrain(env: Env, timeoutMs = 30_000): Promise<void> {
  const queues = testQueues(env);
  try {
    const deadline = Date.now() + timeoutMs;
    let idleRounds = 0;
    while (idleRounds < 2) {
      const counts = await Promise.all(
        Object.values(QueueName).map((q) => queues[q].getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')),
      );
      const busy = counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
      idleRounds = busy === 0 ? idleRounds + 1 : 0;
      if (Date.now() > deadline) throw new Error(`queues did not drain in ${timeoutMs} ms (${busy} jobs left)`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await queues.close();
  }
}

/** Deletes every Redis key under the env's queue prefix. */
export async function cleanupRedis(env: Env): Promise<void> {
  const redis = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The seed's quick-start request bodies (000-002), verbatim apart from the ids they leave as placeholders and the
 * wallets: '0xYourWallet' is TEST_WALLET, whose key signs in and signs the proof of intent — and except deploy:
 * the seed's placeholder agent key ('...') must now decrypt under the master key or be refused,
 * so the quick start deploys the recommended way (the server generates the agent wallets). The seed's own
 * deploy body is SEED_DEPLOY_PLACEHOLDERS.
 */
export const QUICK_START = {
  createAgent: {
    creator_wallet: TEST_WALLET.address.toLowerCase(),
    name: 'Alpha Hunter V3',
    x_account_ids: ['123456789'],
    research_institute_ids: [],
    weights: { x: 1.0, research: 0 },
    profit_receiver_address: TEST_WALLET.address.toLowerCase(),
  },
  deploy: (agentId: string) => ({
    agent_id: agentId,
    user_wallet: TEST_WALLET.address.toLowerCase(),
  }),
  signal: (agentId: string) => ({
    agent_id: agentId,
    token_symbol: 'ETH',
    side: 'LONG',
    size_model: { type: 'percentage', value: 25 },
    risk_model: { type: 'trailing-stop', stop: 0.03 },
    confidence: 0.85,
  }),
  execute: (signalId: string) => ({ signal_id: signalId }),
};

/** Seed 001's deploy body as written, with placeholder key material (refused with 400 since the vault). */
export const SEED_DEPLOY_PLACEHOLDERS = (agentId: string) => ({
  agent_id: agentId,
  user_wallet: TEST_WALLET.address.toLowerCase(),
  hyperliquid_agent_address: '0x...',
  hyperliquid_agent_key_encrypted: '...',
  hyperliquid_agent_key_iv: '...',
  hyperliquid_agent_key_tag: '...',
});

/** Polls a job until it reaches one of the states (default: completed or failed); returns the job. */
export async function waitForJob(queue: Queue, id: string, states = ['completed', 'failed'], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // State first, then the job: read the other way round, the job could be a snapshot from before it finished.
    const state = await queue.getJobState(id);
    if (states.includes(state)) {
      const job = await queue.getJob(id);
      if (job) return Object.assign(job, { state });
    }
    if (Date.now() > deadline) throw new Error(`job ${id} on ${queue.name} is ${state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Inserts an agent and returns its id (direct SQL: fixtures, not the API under test). */
export async function insertAgent(
  pg: { query: (sql: string, params?: unknown[]) => Promise<{ rows: any[] }> },
  fields: Record<string, unknown> = {},
) {
  const row = {
    creator_wallet: TEST_WALLET.address.toLowerCase(),
    name: 'Test agent',
    profit_receiver_address: '0x' + 'ee'.repeat(20),
    status: 'ACTIVE',
    ...fields,
  };
  const cols = Object.keys(row);
  const { rows } = await pg.query(
    `INSERT INTO agents_v3 (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(row),
  );
  return rows[0].id as string;
}

/** Inserts a deployment (ACTIVE, subscription active by default) and returns its id. */
export async function insertDeployment(
  pg: { query: (sql: string, params?: unknown[]) => Promise<{ rows: any[] }> },
  agentId: string,
  fields: Record<string, unknown> = {},
) {
  const row = { agent_id: agentId, user_wallet: `0x${randomBytes(20).toString('hex')}`, status: 'ACTIVE', sub_active: true, ...fields };
  const cols = Object.keys(row);
  const { rows } = await pg.query(
    `INSERT INTO agent_deployments_v3 (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(row),
  );
  return rows[0].id as string;
}

export interface ServiceHarness {
  db: TestDatabase;
  env: Env;
  app: INestApplicationContext;
  pg: Client;
  queues: ReturnType<typeof testQueues>;
}

/**
 * Registers beforeAll/afterAll for a service test: a fresh migrated database, a unique queue prefix, the service's
 * app module booted as a Nest context, a pg client and queue handles; everything dropped afterwards.
 * Returns an object whose fields are filled once beforeAll has run.
 */
export function useServiceHarness(
  module: (env: Env) => unknown,
  envOverrides: Record<string, string> = {},
  options: { clock?: Clock } = {},
): ServiceHarness {
  const h = {} as ServiceHarness;
  beforeAll(async () => {
    h.db = await createTestDatabase();
    h.env = testEnv(h.db, envOverrides);
    h.app = await startContext(module(h.env), options);
    h.pg = new Client({ connectionString: h.db.url });
    await h.pg.connect();
    h.queues = testQueues(h.env);
  });
  afterAll(async () => {
    await h.app?.close();
    await h.queues?.close();
    await h.pg?.end();
    if (h.env) await cleanupRedis(h.env);
    await h.db?.drop();
  });
  return h;
}
/** A migrated test database and a client on it, for the tests of one describe block. */
export interface TestPostgres {
  db: TestDatabase;
  pg: Client;
  /** The rows of one statement. */
  rows(sql: string, params?: unknown[]): Promise<any[]>;
}

/** Registers beforeAll/afterAll: a fresh migrated database and a connected client, dropped afterwards. */
export function useTestDatabase(): TestPostgres {
  const t = { rows: async (sql: string, params: unknown[] = []) => (await t.pg.query(sql, params)).rows } as TestPostgres;
  beforeAll(async () => {
    t.db = await createTestDatabase();
    t.pg = new Client({ connectionString: t.db.url });
    await t.pg.connect();
  });
  afterAll(async () => {
    await t.pg?.end();
    await t.db?.drop();
  });
  return t;
}

export * from './processes';
