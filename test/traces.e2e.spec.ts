import { Client } from 'pg';
import { Env } from '@conduit/config';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  freePort,
  OtlpServer,
  QUICK_START,
  ReceivedSpan,
  startOtlpServer,
  startServiceProcess,
  TestDatabase,
  testEnv,
  waitFor,
  waitHealthy,
  WalletClient,
} from '@conduit/testing';

type Service = ReturnType<typeof startServiceProcess>;

/** OTLP's span kinds. */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

const ok = <T extends { status: number; body: any }>(r: T, status: number, what: string): T => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
};

/** The consumer span of a job of this name (bullmq-otel names it `process <queue>`; the processor tags the job's name). */
const consumed = (spans: ReceivedSpan[], service: string, job: string) =>
  spans.find((s) => s.service === service && s.kind === CONSUMER && s.attributes['conduit.job_name'] === job);

/**
 * Traces across the job chain, as deployed: the gateway and the workers each in its own process with tracing on
 * (OTEL_EXPORTER_OTLP_ENDPOINT), exporting over OTLP/HTTP to a collector's receiving end kept in memory. A signal
 * asked for over HTTP is one trace from the request through signal, policy, router and executor; closing its position
 * is one trace from the request through executor and billing. The trace id is the audit trail's.
 */
describe('OpenTelemetry traces across the services', () => {
  const SECRET = 'seeded-secret-in-a-query-string';
  let db: TestDatabase;
  let env: Env;
  let otlp: OtlpServer;
  let pg: Client;
  let api: string;
  const services: Service[] = [];
  const traceOf = (traceId: string) => otlp.spans.filter((s) => s.traceId === traceId);
  /** The trace of the gateway's request to this path (its server span's URL attributes name it). */
  const requestTrace = (path: string) =>
    waitFor(`the request span of ${path}`, () => {
      const span = otlp.spans.find((s) => s.service === 'gateway' && s.kind === SERVER && JSON.stringify(s.attributes).includes(path));
      return span?.traceId;
    });

  beforeAll(async () => {
    otlp = await startOtlpServer();
    db = await createTestDatabase();
    env = testEnv(db);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`);
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'debug' };
    const names = ['gateway', 'signal', 'policy', 'router', 'executor', 'billing'];
    const ports = await Promise.all(names.map(() => freePort()));
    names.forEach((name, i) => services.push(startServiceProcess(name, env, ports[i], tracing)));
    await Promise.all(services.map((s, i) => waitHealthy(s, ports[i], 90_000)));
    api = `http://127.0.0.1:${ports[0]}`;
  }, 120_000);

  afterAll(async () => {
    for (const s of services) s.kill('SIGTERM');
    await Promise.all(services.map((s) => new Promise((r) => (s.exitCode !== null ? r(null) : s.once('exit', r)))));
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
    await otlp?.close();
  });

  it('follows a signal from the HTTP request through signal, policy, router and executor, then its close to billing', async () => {
    const creator = new WalletClient(api);
    const agentId = ok(await creator.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent), 201, 'create').body.agent.id;
    ok(await creator.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agentId)), 201, 'deploy');
    const generated = ok(await creator.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId)), 201, 'generate');
    const traceId: string = generated.body.trace_id;
    // With tracing on, the audit trail's trace id is the OpenTelemetry trace id of the request.
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const executed = ok(
      await creator.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(generated.body.signal.id)),
      200,
      'execute',
    );
    expect(executed.body.signal.status).toBe('EXECUTED');

    // Every hop's span arrives (exports are batched per process): wait until the executor's open is in.
    const spans = await waitFor(
      'the executor span of the signal trace',
      () => {
        const trace = traceOf(traceId);
        return consumed(trace, 'executor', 'executor.open-many') ? trace : null;
      },
      { timeoutMs: 20_000 },
    );

    // One root, the gateway's HTTP server span; every other span's parent is in the trace: the chain is unbroken.
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => [s.service, s.kind])).toEqual([['gateway', SERVER]]);
    expect(roots[0].name).toMatch(/^POST/);
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).map((s) => `${s.service} ${s.name}`)).toEqual([]);
    // Each hop: produced by the one before, consumed by its service, with Postgres statements under it.
    for (const [service, job] of [
      ['signal', 'signal.ingest'],
      ['policy', 'policy.evaluate'],
      ['router', 'router.route'],
      ['executor', 'executor.open-many'],
    ]) {
      const consumer = consumed(spans, service, job);
      expect(consumer && { service, job, traceId: consumer.attributes['conduit.trace_id'] }).toEqual({ service, job, traceId });
      const parent = spans.find((s) => s.spanId === consumer!.parentSpanId)!;
      expect([parent.kind, parent.service === service]).toEqual([PRODUCER, false]);
      const below = (id: string): ReceivedSpan[] => spans.filter((s) => s.parentSpanId === id).flatMap((s) => [s, ...below(s.spanId)]);
      expect(below(consumer!.spanId).some((s) => s.attributes['db.system'] === 'postgresql' || s.name.startsWith('pg.'))).toBe(true);
    }
    // The Nest handler and the gateway's own statements are in it too.
    expect(spans.some((s) => s.service === 'gateway' && s.attributes['nestjs.type'] === 'handler')).toBe(true);

    // Closing the position: another request, another trace, through the executor to billing.
    const position = executed.body.outcomes[0].position.id;
    ok(
      await creator.http(
        'PUT',
        `${api}/api/v3/admin/paper/marks`,
        { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '2100' },
        adminAuth(env),
      ),
      200,
      'mark',
    );
    ok(await creator.http('POST', `${api}/api/v3/positions/${position}/close`, {}), 200, 'close');
    const closeTrace = await requestTrace(`/api/v3/positions/${position}/close`);
    expect(closeTrace).toMatch(/^[0-9a-f]{32}$/);
    const billed = await waitFor(
      'the billing span of the close trace',
      () => consumed(traceOf(closeTrace), 'billing', 'billing.position-closed'),
      {
        timeoutMs: 20_000,
      },
    );
    expect(billed.attributes['conduit.trace_id']).toBe(closeTrace);
    expect(consumed(traceOf(closeTrace), 'executor', 'executor.close')).toBeDefined();

    // The audit trail carries the same id: the agent created by a request is found under that request's trace.
    const audited = await pg.query(`SELECT DISTINCT trace_id FROM audit_logs WHERE trace_id ~ '^[0-9a-f]{32}$'`);
    expect(audited.rows.length).toBeGreaterThan(0);
    for (const { trace_id } of audited.rows)
      await waitFor(`the request span of the audited trace ${trace_id}`, () =>
        otlp.spans.some((s) => s.traceId === trace_id && !s.parentSpanId),
      );

    // The executor's log lines of the open carry the signal's trace id and the span they were written in.
    const lines = services[4]
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const open = lines.find((l) => l.job_name === 'executor.open-many');
    expect(open && { trace_id: open.trace_id, span: /^[0-9a-f]{16}$/.test(open.span_id) }).toEqual({ trace_id: traceId, span: true });
  }, 90_000);

  it('carries a question to the router on the RPC channel into the trace of the request that asks', async () => {
    const creator = new WalletClient(api);
    const agentId = ok(await creator.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent), 201, 'create').body.agent.id;
    const query = new URLSearchParams({ agent_id: agentId, token_symbol: 'ETH', side: 'LONG', notional_usd: '100' });
    ok(await creator.http('GET', `${api}/api/v3/routing/preview?${query.toString()}`), 200, 'preview');
    const traceId = await requestTrace('/api/v3/routing/preview');
    const served = await waitFor('the router span of the preview', () =>
      traceOf(traceId).find((s) => s.service === 'router' && s.name === 'rpc routing.preview'),
    );
    const asked = traceOf(traceId).find((s) => s.spanId === served.parentSpanId);
    expect([served.kind, asked?.service, asked?.name, asked?.kind]).toEqual([SERVER, 'gateway', 'rpc routing.preview', CLIENT]);
  });

  it('sends no secret of a query string and no probe or scrape', async () => {
    await fetch(`${api}/api/v3/agents?token=${SECRET}&limit=1`);
    const probes = [`${api}/health`, `${api}/health/live`, `${api}/metrics`];
    for (const url of probes) await fetch(url);
    await waitFor('the request span with the redacted query', () =>
      otlp.spans.find((s) => s.service === 'gateway' && JSON.stringify(s.attributes).includes('token=[Redacted]')),
    );
    expect(otlp.bodies.some((b) => b.includes(SECRET))).toBe(false);
    const probed = otlp.spans.filter((s) =>
      /\/(health|metrics)/.test(String(s.attributes['http.target'] ?? s.attributes['url.path'] ?? '')),
    );
    expect(probed.map((s) => s.name)).toEqual([]);
  });
});
