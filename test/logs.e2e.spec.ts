import { randomBytes } from 'crypto';
import { Writable } from 'stream';
import { INestApplication, INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { Env } from '@conduit/config';
import { KeyVault } from '@conduit/custody';
import { setLogDestination } from '@conduit/runtime';
import {
  cleanupRedis,
  createTestDatabase,
  QUICK_START,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_MASTER_KEY,
  TestDatabase,
  testEnv,
  waitForQueuesToDrain,
  WalletClient,
} from '@conduit/testing';
import { ExecutorAppModule } from '../apps/executor/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { PolicyAppModule } from '../apps/policy/src/app.module';
import { RouterAppModule } from '../apps/router/src/app.module';
import { SignalAppModule } from '../apps/signal/src/app.module';

/**
 * A run's logs, captured: the gateway and the pipeline's workers with the pino logger as bootstrap sets it up
 * (LOG_LEVEL=debug), a signal driven through them, secrets seeded on the way; then every line is read back. (In one
 * process, lines outside a request name the first app's service: nestjs-pino keeps one root logger per process, as
 * a deployed service has.)
 */
describe('structured logs (a run of the gateway and the pipeline workers)', () => {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  let db: TestDatabase;
  let env: Env;
  let gateway: INestApplication;
  let workers: INestApplicationContext[] = [];
  let api: string;

  beforeAll(async () => {
    setLogDestination(capture);
    db = await createTestDatabase();
    env = testEnv(db, { LOG_LEVEL: 'debug' });
    workers = await Promise.all(
      [SignalAppModule, PolicyAppModule, RouterAppModule, ExecutorAppModule].map(async (m) => {
        const app = await NestFactory.createApplicationContext(m.forRoot(env), { bufferLogs: true });
        app.useLogger(app.get(PinoLogger));
        await app.init();
        return app;
      }),
    );
    gateway = await NestFactory.create(GatewayAppModule.forRoot(env), { bufferLogs: true });
    gateway.useLogger(gateway.get(PinoLogger));
    configureGateway(gateway);
    await gateway.listen(0, '127.0.0.1');
    api = await gateway.getUrl();
    api = api.replace('[::1]', '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(workers.map((w) => w.close()));
    await cleanupRedis(env);
    await db?.drop();
    setLogDestination(null);
  });

  it('writes JSON lines with trace_id on request lines, job_id and trace_id on job lines, and no secret', async () => {
    // Seeded secrets: a wallet's bearer token (header and ?token=), an operator's password and session token, an agent
    // key sealed under MASTER_KEY (and the master key itself).
    const creator = new WalletClient(api);
    const bearer = (await creator.authorization()).authorization.replace(/^Bearer /, '');
    const agentKey = `0x${randomBytes(32).toString('hex')}`;
    const sealed = new KeyVault(TEST_MASTER_KEY).seal(agentKey, 'logs-test');

    const login = await fetch(`${api}/api/v3/operators/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const session = ((await login.json()) as { token: string }).token;
    expect(typeof session).toBe('string');

    const trace = 'logs-e2e-trace-0001';
    const agentId = (await creator.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent.id;
    expect((await creator.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agentId))).status).toBe(201);
    const generated = await creator.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId), {
      authorization: `Bearer ${bearer}`,
      'x-request-id': trace,
    });
    expect(generated.status).toBe(201);
    const executed = await creator.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(generated.body.signal.id));
    expect(executed.status).toBe(200);

    // The stream takes a token in its query: the request line must not carry it (nor the header's token).
    for (const [query, headers] of [
      [bearer, {}],
      [session, { authorization: `Bearer ${session}` }],
    ] as const) {
      const controller = new AbortController();
      const stream = await fetch(`${api}/api/v3/stream?token=${encodeURIComponent(query)}&x=1`, { headers, signal: controller.signal });
      expect(stream.status).toBe(200);
      controller.abort();
    }

    // A row with secret fields handed to the logger as an object: its secret fields are redacted.
    new NestLogger('logs-test').log(
      { deployment: { id: 'd1', hyperliquid_agent_key_encrypted: sealed.encrypted }, password: 'p' },
      'a row',
    );
    await waitForQueuesToDrain(env);
    await new Promise((r) => setTimeout(r, 200)); // the last request lines

    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, any>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) {
      expect(typeof e.level).toBe('string');
      expect(typeof e.time).toBe('string');
      expect(typeof e.service).toBe('string');
      expect(typeof e.msg).toBe('string');
    }

    // Request lines: one per request, with the trace id the gateway answered (X-Trace-Id) and no query secret.
    const requests = entries.filter((e) => e.req);
    const generate = requests.find((e) => e.req.url === '/api/v3/signals/generate');
    expect(generate).toMatchObject({ trace_id: trace, res: { statusCode: 201 } });
    for (const e of requests) expect(typeof e.trace_id).toBe('string');
    expect(requests.some((e) => /^\/api\/v3\/stream\?token=\[Redacted\]/.test(e.req.url))).toBe(true);
    expect(requests.every((e) => e.req.headers === undefined)).toBe(true);

    // Job lines: every line written while a job ran carries its job_id and trace_id; the signal's chain carries the
    // request's trace id from signal.ingest to the executor.
    const jobs = entries.filter((e) => e.job_id !== undefined);
    expect(jobs.length).toBeGreaterThan(0);
    for (const e of jobs) {
      expect(typeof e.trace_id).toBe('string');
      expect(typeof e.job_name).toBe('string');
    }
    const ingest = jobs.filter((e) => e.job_name === 'signal.ingest');
    expect(ingest.length).toBeGreaterThan(0);
    expect(ingest.every((e) => e.trace_id === trace)).toBe(true);
    expect(ingest.some((e) => e.msg === `signal.ingest ${e.job_id} completed in ${e.msg.split(' ')[4]} s`)).toBe(true);
    const chain = new Set(jobs.filter((e) => e.trace_id === trace).map((e) => e.job_name));
    expect([...chain]).toEqual(expect.arrayContaining(['signal.ingest', 'policy.evaluate', 'router.route']));

    const row = entries.find((e) => e.msg === 'a row');
    expect(row).toMatchObject({ deployment: { id: 'd1', hyperliquid_agent_key_encrypted: '[Redacted]' }, password: '[Redacted]' });

    const text = lines.join('\n');
    for (const secret of [bearer, session, TEST_ADMIN_PASSWORD, agentKey, sealed.encrypted, TEST_MASTER_KEY]) {
      expect(text.includes(secret)).toBe(false);
    }
  }, 120_000);
});
