import { Writable } from 'stream';
import pino from 'pino';
import { telemetry } from '@conduit/domain';
import { withJobLogContext } from '@conduit/queue';
import { loggerOptions, safeUrl } from './logging';
import { MetricsService, QUEUE_COUNTS_TIMEOUT_MS } from './metrics';

describe('logger options', () => {
  const run = (level: string, write: (log: pino.Logger) => void) => {
    const lines: Record<string, unknown>[] = [];
    const out = new Writable({
      write(chunk, _e, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    write(pino(loggerOptions({ LOG_LEVEL: level }, 'policy'), out));
    return lines;
  };

  it('writes level names, ISO time and the service; LOG_LEVEL in Nest names', () => {
    const lines = run('warn', (log) => {
      log.info('hidden');
      log.warn('shown');
    });
    expect(lines).toEqual([
      { level: 'warn', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'policy', pid: process.pid, msg: 'shown' },
    ]);
    expect(run('log', (log) => log.info('x'))).toHaveLength(1);
    expect(run('verbose', (log) => log.trace('x'))).toHaveLength(1);
  });

  it('adds the job context to every line written while a job runs', async () => {
    const lines = run('log', (log) => {
      log.info('outside');
      void withJobLogContext({ traceId: 't-1', jobId: 'j-1', queue: 'conduit-policy', jobName: 'policy.evaluate' }, async () => {
        log.info('inside');
      });
    });
    expect(lines[0]).not.toHaveProperty('job_id');
    expect(lines[1]).toMatchObject({ trace_id: 't-1', job_id: 'j-1', queue: 'conduit-policy', job_name: 'policy.evaluate', msg: 'inside' });
  });

  it('redacts secret fields and secret query values', () => {
    const [line] = run('log', (log) =>
      log.info(
        { req: { headers: { authorization: 'Bearer abc' } }, row: { ostium_agent_key_encrypted: 'sealed', id: 1 }, totp_code: '1' },
        'm',
      ),
    );
    expect(line).toMatchObject({
      req: { headers: { authorization: '[Redacted]' } },
      row: { ostium_agent_key_encrypted: '[Redacted]', id: 1 },
      totp_code: '[Redacted]',
    });
    expect(safeUrl('/api/v3/stream?token=abc.def&x=1')).toBe('/api/v3/stream?token=[Redacted]&x=1');
    expect(safeUrl('/api/v3/stream?x=1&access_token=abc')).toBe('/api/v3/stream?x=1&access_token=[Redacted]');
    expect(safeUrl('/health')).toBe('/health');
  });
});

describe('MetricsService', () => {
  const service = (getJobCounts: () => Promise<Record<string, number>>) => {
    const modules = { get: () => ({ getJobCounts }) };
    return new MetricsService('test', modules as any);
  };

  it('reports queue depth per queue and state, and answers without a queue Redis did not count in time', async () => {
    const counts = { wait: 3, prioritized: 1, active: 2, delayed: 0, failed: 4 };
    const fast = service(async () => counts);
    fast.consumes('conduit-policy');
    const text = await fast.registry.metrics();
    expect(text).toContain('conduit_queue_jobs{queue="conduit-policy",state="waiting",service="test"} 3');
    expect(text).toContain('conduit_queue_jobs{queue="conduit-policy",state="failed",service="test"} 4');
    expect(text).not.toContain('queue="conduit-signal"');
    fast.onModuleDestroy();

    const slow = service(() => new Promise(() => undefined));
    const started = Date.now();
    const answer = await slow.registry.metrics();
    expect(Date.now() - started).toBeLessThan(QUEUE_COUNTS_TIMEOUT_MS + 1_000);
    expect(answer).not.toMatch(/^conduit_queue_jobs\{/m);
    expect(answer).toContain('conduit_process_cpu_user_seconds_total');
    slow.onModuleDestroy();
  });

  it('counts what the libraries report through telemetry, once registered', async () => {
    const metrics = service(async () => ({}));
    telemetry.order('HYPERLIQUID', 'filled');
    telemetry.outcome('SKIPPED', 2);
    telemetry.llmRequest('m', 'ok', 0.2, { prompt: 10, completion: 5 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('conduit_orders_total{venue="HYPERLIQUID",result="filled",service="test"} 1');
    expect(text).toContain('conduit_outcomes_total{status="SKIPPED",service="test"} 2');
    expect(text).toContain('conduit_llm_tokens_total{model="m",kind="completion",service="test"} 5');
    metrics.onModuleDestroy();
    telemetry.order('HYPERLIQUID', 'filled');
    expect(await metrics.registry.metrics()).toContain('conduit_orders_total{venue="HYPERLIQUID",result="filled",service="test"} 1');
  });
});
