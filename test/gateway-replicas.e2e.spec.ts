import { randomBytes } from 'crypto';
import { INestApplication } from '@nestjs/common';
import IORedis from 'ioredis';
import { Env, loadEnv } from '@conduit/config';
import {
  cleanupRedis,
  createTestDatabase,
  exited,
  freePort,
  http,
  QUICK_START,
  signInMessage,
  startHttpApp,
  startServiceProcess,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_WALLET,
  TestDatabase,
  testEnv,
  WalletClient,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/** Reads a GET /api/v3/stream as EventSource would, keeping the names and data of its events. */
async function openStream(url: string) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  const events: { event: string; data: any }[] = [];
  void (async () => {
    let buffer = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ? JSON.parse(data) : null });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  const until = async (what: string, test: () => boolean, timeoutMs = 15_000) => {
    for (const deadline = Date.now() + timeoutMs; !test(); await new Promise((r) => setTimeout(r, 50)))
      if (Date.now() > deadline) throw new Error(`no ${what} on the stream; it had ${JSON.stringify(events)}`);
  };
  return { res, events, until, close: () => abort.abort() };
}

/**
 * Two gateways on one Postgres and one Redis, with the same environment (AUTH_TOKEN_SECRET included), behave as one:
 * the rate limit is counted once, a nonce or a token of one is good at the other, a logout or a session at one holds
 * at the other, and a stream at one sees what a request to the other did.
 */
describe('replicated gateways', () => {
  const LIMIT = 10;
  let db: TestDatabase;
  let env: Env;
  const apps: INestApplication[] = [];
  let a: string;
  let b: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, {
      GATEWAY_REPLICAS: '2',
      AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
      THROTTLE_LIMIT: String(LIMIT),
      THROTTLE_TTL_MS: '60000',
    });
    for (let i = 0; i < 2; i++) apps.push((await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway)).app);
    [a, b] = await Promise.all(apps.map(async (app) => `http://127.0.0.1:${app.getHttpServer().address().port}`));
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  it('counts the rate limit once across both: alternating requests hit 429 at the limit, not at twice the limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < LIMIT + 4; i++) codes.push((await http('GET', `${i % 2 ? b : a}/api/v3/agents/list`)).status);
    expect(codes).toEqual([...Array(LIMIT).fill(200), 429, 429, 429, 429]);
    // The count is in Redis, under the queue prefix's throttle namespace.
    const redis = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      expect((await redis.keys(`${env.QUEUE_PREFIX}:throttle:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('verifies at B a nonce issued by A, once: the same nonce again at A is refused', async () => {
    const nonce = (await http('GET', `${a}/api/v3/auth/nonce`)).body.nonce as string;
    const message = signInMessage(b, TEST_WALLET.address, nonce);
    const signature = await TEST_WALLET.signMessage(message);
    const atB = await http('POST', `${b}/api/v3/auth/verify`, { message, signature });
    expect([atB.status, atB.body.address]).toEqual([200, TEST_WALLET.address.toLowerCase()]);
    const reused = signInMessage(a, TEST_WALLET.address, nonce);
    const replay = await http('POST', `${a}/api/v3/auth/verify`, { message: reused, signature: await TEST_WALLET.signMessage(reused) });
    expect([replay.status, replay.body.message]).toEqual([401, ['nonce is unknown, expired or already used']]);
  });

  it('accepts at B a token issued by A; a logout at B refuses it at A', async () => {
    const wallet = WalletClient.random(a);
    const auth = await wallet.authorization();
    const settings = '/api/v3/notifications/settings';
    expect((await http('GET', `${b}${settings}`, undefined, auth)).status).toBe(200);
    expect((await http('POST', `${b}/api/v3/auth/logout`, {}, auth)).status).toBeLessThan(300);
    expect((await http('GET', `${a}${settings}`, undefined, auth)).status).toBe(401);
    expect((await http('GET', `${b}${settings}`, undefined, auth)).status).toBe(401);
  });

  it('accepts at B an operator session opened at A; a logout at B ends it at A', async () => {
    const login = await http('POST', `${a}/api/v3/operators/login`, { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    const bearer = { authorization: `Bearer ${login.body.token}` };
    const me = await http('GET', `${b}/api/v3/operators/me`, undefined, bearer);
    expect([me.status, me.body.email ?? me.body.user?.email]).toEqual([200, TEST_ADMIN_EMAIL]);
    expect((await http('POST', `${b}/api/v3/operators/logout`, {}, bearer)).status).toBeLessThan(300);
    expect((await http('GET', `${a}/api/v3/operators/me`, undefined, bearer)).status).toBe(401);
  });

  it('streams at B what a request to A did: the kill switch notification', async () => {
    const wallet = WalletClient.random(a);
    const agent = (await wallet.http('POST', `${a}/api/v3/agents/create`, { ...QUICK_START.createAgent, creator_wallet: wallet.address }))
      .body.agent;
    const deployed = await wallet.http('POST', `${a}/api/v3/agents/deploy`, { agent_id: agent.id, user_wallet: wallet.address });
    expect(deployed.status).toBeLessThan(300);
    const deployment = deployed.body.deployment.id as string;
    const settings = await wallet.http('PUT', `${a}/api/v3/notifications/settings`, { events: ['deployment.kill_switch'], channels: {} });
    expect(settings.status).toBe(200);

    const token = (await wallet.authorization()).authorization.slice(7);
    const s = await openStream(`${b}/api/v3/stream?token=${encodeURIComponent(token)}`);
    try {
      expect(s.res.status).toBe(200);
      await s.until('ready', () => s.events.some((e) => e.event === 'ready'));
      const killed = await wallet.http('POST', `${a}/api/v3/deployments/${deployment}/kill-switch`, { enabled: true });
      expect(killed.status).toBe(200);
      await s.until('notification', () => s.events.some((e) => e.event === 'notification'));
      expect(s.events.find((e) => e.event === 'notification')!.data).toMatchObject({
        event_type: 'deployment.kill_switch',
        deployment_id: deployment,
      });
    } finally {
      s.close();
    }
  }, 30_000);
});

describe('a replicated gateway without a shared token key', () => {
  it('is refused at configuration, naming AUTH_TOKEN_SECRET; a token key or MASTER_KEY lets it start', () => {
    expect(() => GatewayAppModule.forRoot(loadEnv({ GATEWAY_REPLICAS: '2' }))).toThrow(/GATEWAY_REPLICAS is 2.*AUTH_TOKEN_SECRET/);
    expect(() => GatewayAppModule.forRoot(loadEnv({ GATEWAY_REPLICAS: '2', AUTH_TOKEN_SECRET: 'k'.repeat(32) }))).not.toThrow();
    expect(() => GatewayAppModule.forRoot(loadEnv({ GATEWAY_REPLICAS: '2', MASTER_KEY: 'ab'.repeat(32) }))).not.toThrow();
    expect(() => GatewayAppModule.forRoot(loadEnv({}))).not.toThrow();
  });

  it('exits non-zero at start as a process, with the error naming AUTH_TOKEN_SECRET', async () => {
    const env = loadEnv({ GATEWAY_REPLICAS: '2' });
    // Empty is unset: neither key comes from the test runner's own environment.
    const child = startServiceProcess('gateway', env, await freePort(), { AUTH_TOKEN_SECRET: '', MASTER_KEY: '' });
    try {
      expect(await exited(child)).not.toBe(0);
      expect(child.output()).toMatch(/AUTH_TOKEN_SECRET/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
