import 'reflect-metadata';
import { spawnSync } from 'child_process';
import { Server } from 'http';
import { join } from 'path';
import { ApiExcludeController, ApiOkResponse, ApiOperation, ApiTags, DECORATORS } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { DrainReport, HealthController, HealthReport, HealthService, PostgresHealthIndicator, RedisHealthIndicator } from './health';
import { MetricsController } from './metrics';
import { HEALTH_SUMMARY, LIVE_SUMMARY, READY_SUMMARY, SWAGGER_METADATA } from './openapi';
import { closeProbes, isLoopback, probePort, serveProbes } from './probes';

const ROOT = join(__dirname, '..', '..', '..');

/** Packages in require.cache after requiring `entry` in a fresh Node (through the TypeScript loader, as in dev). */
function packagesLoadedBy(entry: string, then = ''): string[] {
  const script =
    `require(${JSON.stringify(entry)}); ${then}; const s = new Set(); ` +
    `for (const f of Object.keys(require.cache)) { const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(f); if (m) s.add(m[1]); } ` +
    `console.log(JSON.stringify([...s]));`;
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

describe('the runtime library loads no HTTP documentation or health framework', () => {
  it('requires neither @nestjs/swagger, @nestjs/terminus nor Express', () => {
    const loaded = packagesLoadedBy('./libs/runtime/src');
    expect(loaded).toEqual(expect.arrayContaining(['@nestjs/core', 'typeorm', 'bullmq', 'prom-client']));
    for (const pkg of ['@nestjs/swagger', 'lodash', 'js-yaml', '@nestjs/terminus', '@nestjs/platform-express', 'express'])
      expect(loaded).not.toContain(pkg);
  }, 30_000);
});

describe('OpenAPI metadata of /health and /metrics', () => {
  it('uses @nestjs/swagger metadata keys', () => {
    expect(SWAGGER_METADATA).toEqual({
      tags: DECORATORS.API_TAGS,
      excludeController: DECORATORS.API_EXCLUDE_CONTROLLER,
      responses: DECORATORS.API_RESPONSE,
      operation: DECORATORS.API_OPERATION,
    });
  });

  it('is what @ApiTags, @ApiOperation, @ApiExcludeController and terminus @HealthCheck() would write', () => {
    @ApiTags('health')
    class Terminus {
      @HealthCheck()
      @ApiOperation({ summary: HEALTH_SUMMARY })
      check() {}
    }
    @ApiExcludeController()
    class Excluded {}
    const keys = [DECORATORS.API_RESPONSE, DECORATORS.API_OPERATION, '__headers__'];
    for (const key of keys) {
      expect(Reflect.getMetadata(key, Terminus.prototype.check)).toBeDefined();
      expect(Reflect.getMetadata(key, HealthController.prototype.check)).toEqual(Reflect.getMetadata(key, Terminus.prototype.check));
    }
    expect(Reflect.getMetadata(DECORATORS.API_TAGS, HealthController)).toEqual(Reflect.getMetadata(DECORATORS.API_TAGS, Terminus));
    // The readiness probe answers as /health does, under its own summary.
    expect(Reflect.getMetadata(DECORATORS.API_RESPONSE, HealthController.prototype.ready)).toEqual(
      Reflect.getMetadata(DECORATORS.API_RESPONSE, Terminus.prototype.check),
    );
    expect(Reflect.getMetadata(DECORATORS.API_OPERATION, HealthController.prototype.ready)).toEqual({ summary: READY_SUMMARY });
    expect(Reflect.getMetadata(DECORATORS.API_EXCLUDE_CONTROLLER, MetricsController)).toEqual(
      Reflect.getMetadata(DECORATORS.API_EXCLUDE_CONTROLLER, Excluded),
    );
  });

  it('gives the liveness probe a summary and its one answer, as @ApiOperation and @ApiOkResponse would', () => {
    const schema = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'], example: 'ok' } } };
    class Swagger {
      @ApiOperation({ summary: LIVE_SUMMARY })
      @ApiOkResponse({ description: 'The process answers', schema })
      live() {}
    }
    for (const key of [DECORATORS.API_RESPONSE, DECORATORS.API_OPERATION])
      expect(Reflect.getMetadata(key, HealthController.prototype.live)).toEqual(Reflect.getMetadata(key, Swagger.prototype.live));
  });
});

describe('HealthService', () => {
  const never = () => new Promise<never>(() => undefined);
  const service = (query: () => Promise<unknown>, ping: () => Promise<unknown>) =>
    new HealthService(
      new PostgresHealthIndicator({ query } as any),
      new RedisHealthIndicator({ queue: () => ({ client: Promise.resolve({ ping }) }) } as any),
    );
  const up = () =>
    service(
      async () => [{}],
      async () => 'PONG',
    );

  it('is live whatever its dependencies say', () => {
    const health = service(
      async () => Promise.reject(new Error('down')),
      async () => Promise.reject(new Error('down')),
    );
    expect(health.live()).toEqual({ status: 'ok' });
    health.beforeApplicationShutdown();
    expect(health.live()).toEqual({ status: 'ok' });
  });

  it('is ready while its workers run, and names the ones that do not', async () => {
    const health = up();
    const running = { 'conduit-signal': true, 'conduit-notify': true };
    health.addWorker('conduit-signal', () => running['conduit-signal']);
    health.addWorker('conduit-notify', () => running['conduit-notify']);
    expect(await health.ready()).toEqual(
      expect.objectContaining({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' }, workers: { status: 'up' } } }),
    );
    running['conduit-notify'] = false;
    const report = await health.ready();
    expect(report.status).toBe('error');
    expect(report.error).toEqual({ workers: { status: 'down', message: 'not running: conduit-notify' } });
    // GET /health stays as it was: Postgres and Redis only.
    expect((await health.check()).status).toBe('ok');
    health.beforeApplicationShutdown();
    expect((await health.ready()).status).toBe('shutting_down');
  });

  it('drains once: pauses every worker, says draining, answers when the active jobs are done', async () => {
    const health = up();
    let active = 2;
    let finish!: () => void;
    const paused = new Promise<void>((resolve) => (finish = resolve));
    const pauses: string[] = [];
    const worker = (queue: string, pause: () => Promise<void>) =>
      health.addWorker(queue, () => true, { pause: () => (pauses.push(queue), pause()), active: () => active });
    worker('conduit-signal', () => paused);
    worker('conduit-notify', async () => undefined);
    health.addWorker('conduit-plain', () => true); // registered without a drain: not paused, not waited for
    const first = health.drain(30_000);
    const second = health.drain(30_000);
    expect(pauses).toEqual(['conduit-signal', 'conduit-notify']); // once, however many requests
    const ready = await health.ready();
    expect(ready.status).toBe('shutting_down');
    expect(ready.error).toEqual({ draining: { status: 'down', message: expect.stringMatching(/^draining/) } });
    expect(health.live()).toEqual({ status: 'ok' });
    active = 0;
    finish();
    const report: DrainReport = await first;
    expect(report).toEqual({
      status: 'drained',
      paused: ['conduit-signal', 'conduit-notify'],
      activeAtStart: 4,
      activeAtEnd: 0,
      waitedMs: expect.any(Number),
      timeoutMs: 30_000,
    });
    expect(await second).toBe(report);
    expect(pauses).toHaveLength(2);
  });

  it('answers a drain past its bound with what is still active, and a worker that cannot pause as failed', async () => {
    const slow = up();
    slow.addWorker('conduit-executor', () => true, { pause: () => new Promise<void>(() => undefined), active: () => 1 });
    expect(await slow.drain(20)).toEqual(expect.objectContaining({ status: 'timeout', activeAtStart: 1, activeAtEnd: 1, timeoutMs: 20 }));
    const broken = up();
    broken.addWorker('conduit-router', () => true, {
      pause: async () => Promise.reject(new Error('Connection is closed')),
      active: () => 0,
    });
    expect(await broken.drain(1_000)).toEqual(
      expect.objectContaining({ status: 'failed', errors: ['conduit-router: Connection is closed'] }),
    );
  });

  it('is ready without workers (the gateway) when Postgres and Redis answer', async () => {
    expect((await up().ready()).details).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('is ok when Postgres and Redis answer', async () => {
    expect(
      await service(
        async () => [{}],
        async () => 'PONG',
      ).check(),
    ).toEqual({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
      error: {},
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('is an error naming what is down, without the database error text', async () => {
    const report = await service(
      async () => Promise.reject(new Error('password authentication failed for user "x"')),
      async () => Promise.reject(new Error('connect ECONNREFUSED')),
    ).check();
    expect(report).toEqual({
      status: 'error',
      info: {},
      error: { postgres: { status: 'down' }, redis: { status: 'down', message: 'connect ECONNREFUSED' } },
      details: { postgres: { status: 'down' }, redis: { status: 'down', message: 'connect ECONNREFUSED' } },
    });
  });

  it('times out after a second', async () => {
    const report = await service(never, never).check();
    expect(report.error).toEqual({
      postgres: { status: 'down', message: 'timeout of 1000ms exceeded' },
      redis: { status: 'down', message: 'timeout' },
    });
  });

  it('says shutting_down once the application shuts down', async () => {
    const health = service(
      async () => [{}],
      async () => 'PONG',
    );
    health.beforeApplicationShutdown();
    expect((await health.check()).status).toBe('shutting_down');
  });
});

describe('the loopback check of POST /drain', () => {
  it('accepts the loopback in IPv4, IPv6 and IPv4-mapped form', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.1'])
      expect([address, isLoopback(address)]).toEqual([address, true]);
  });

  it('refuses every other peer, and none', () => {
    const others = [
      '10.0.0.7',
      '192.168.1.10',
      '0.0.0.0',
      '::',
      '::ffff:10.0.0.7',
      'fe80::1',
      '::2',
      '128.0.0.1',
      '127.0.0.256',
      '1127.0.0.1',
      'localhost',
      '',
    ];
    for (const address of [...others, undefined]) expect([address, isLoopback(address)]).toEqual([address, false]);
  });
});

describe('the probe server of the workers', () => {
  let server: Server;
  let report: HealthReport;
  let readiness: HealthReport;
  let drained: DrainReport;
  let base: string;
  beforeAll(async () => {
    server = await serveProbes(
      { health: async () => report, ready: async () => readiness, metrics: async () => 'conduit_up 1\n', drain: async () => drained },
      0,
      '127.0.0.1',
    );
    base = `http://127.0.0.1:${probePort(server)}`;
  });
  afterAll(() => closeProbes(server));

  it('answers /health with the report, 200 when ok and 503 otherwise, never cached', async () => {
    report = { status: 'ok', info: { postgres: { status: 'up' } }, error: {}, details: { postgres: { status: 'up' } } };
    const ok = await fetch(`${base}/health`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(await ok.json()).toEqual(report);
    report = { ...report, status: 'shutting_down' };
    const draining = await fetch(`${base}/health/`);
    expect(draining.status).toBe(503);
    expect(((await draining.json()) as HealthReport).status).toBe('shutting_down');
  });

  it('answers /health/ready with the readiness report and /health/live with 200 whatever the reports say', async () => {
    report = { status: 'error', info: {}, error: { postgres: { status: 'down' } }, details: { postgres: { status: 'down' } } };
    readiness = { status: 'ok', info: { workers: { status: 'up' } }, error: {}, details: { workers: { status: 'up' } } };
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(await ready.json()).toEqual(readiness);
    readiness = { ...readiness, status: 'shutting_down' };
    expect((await fetch(`${base}/health/ready/`)).status).toBe(503);
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(await live.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/health/live`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers /metrics in the Prometheus text format, and 404 elsewhere', async () => {
    const metrics = await fetch(`${base}/metrics?x=1`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await metrics.text()).toBe('conduit_up 1\n');
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${base}/api/v3/agents/list`)).status).toBe(404);
    expect((await fetch(`${base}/health`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/drain`)).status).toBe(404); // POST only
  });

  it('answers POST /drain from the loopback with the report: 200 drained, 504 past its bound, 500 failed', async () => {
    const report = { paused: ['conduit-signal'], activeAtStart: 1, activeAtEnd: 0, waitedMs: 12, timeoutMs: 30_000 };
    drained = { status: 'drained', ...report };
    const ok = await fetch(`${base}/drain`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(drained);
    drained = { status: 'timeout', ...report, activeAtEnd: 1 };
    expect((await fetch(`${base}/drain/`, { method: 'POST' })).status).toBe(504);
    drained = { status: 'failed', ...report, errors: ['conduit-signal: Connection is closed'] };
    expect((await fetch(`${base}/drain`, { method: 'POST' })).status).toBe(500);
  });

  it('has no POST /drain when the process gives no drain (404)', async () => {
    const plain = await serveProbes({ health: async () => report, ready: async () => readiness, metrics: async () => '' }, 0, '127.0.0.1');
    try {
      expect((await fetch(`http://127.0.0.1:${probePort(plain)}/drain`, { method: 'POST' })).status).toBe(404);
    } finally {
      await closeProbes(plain);
    }
  });
});
