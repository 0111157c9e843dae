import { ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName, jobId, QueueName, RpcClient, RpcPattern } from '@conduit/queue';
import {
  cleanupRedis,
  createTestDatabase,
  exited,
  insertAgent,
  freePort,
  startServiceProcess,
  TestDatabase,
  testEnv,
  testQueues,
  waitFor,
  waitHealthy,
} from '@conduit/testing';

describe('a service as its own process', () => {
  let db: TestDatabase;
  let env: Env;
  let pg: Client;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, { WORKER_CONCURRENCY: '4' });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await pg?.end();
    await cleanupRedis(env);
    await db?.drop();
  });

  it('serves /health and /metrics, and on SIGTERM drains its active jobs and exits 0', async () => {
    const port = await freePort();
    const service = startServiceProcess('signal', env, port);
    child = service;
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${service.output()}`);
    });
    expect(await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())).toMatch(/service="signal"/);
    // The Kubernetes probes: live, and ready with its BullMQ worker running.
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).info.workers).toEqual({ status: 'up' });

    const agentId = await insertAgent(pg);
    const queues = testQueues(env);
    try {
      const ids = Array.from({ length: 300 }, () => randomUUID());
      await queues[QueueName.Signal].addBulk(
        ids.map((signalId) => ({
          name: JobName.SignalIngest,
          data: {
            signalId,
            agentId,
            tokenSymbol: 'ETH',
            side: 'LONG',
            sizeModel: { type: 'percentage', value: 1 },
            riskModel: { type: 'none' },
          },
          opts: { jobId: jobId(JobName.SignalIngest, signalId) },
        })),
      );
      // let it get going, then ask it to stop mid-run
      const twentyDone = async () => (await queues[QueueName.Signal].getJobCountByTypes('completed')) >= 20;
      await waitFor('20 signal jobs completed by the service', twentyDone, { timeoutMs: 30_000, everyMs: 10 }).catch((e) => {
        throw new Error(`${e.message}\n${service.output()}`);
      });
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
      const processed = scraped.match(
        /conduit_jobs_total\{queue="conduit-signal",name="signal.ingest",status="completed",service="signal"\} (\d+)/,
      );
      expect(Number(processed?.[1])).toBeGreaterThanOrEqual(20);
      const code = exited(child);
      child.kill('SIGTERM');
      expect(await code).toBe(0);
      child = undefined;

      const counts = await queues[QueueName.Signal].getJobCounts('active', 'completed', 'waiting', 'failed');
      expect(counts.active).toBe(0); // nothing left half-done for the stalled-job checker
      expect(counts.failed).toBe(0);
      expect(counts.completed + counts.waiting).toBe(300);
      // every completed job left its row and its policy job
      const stored = (await pg.query(`SELECT count(*)::int AS n FROM signals_v3`)).rows[0].n;
      expect(stored).toBe(counts.completed);
      expect(await queues[QueueName.Policy].count()).toBe(counts.completed);
    } finally {
      await queues.close();
    }
    expect(service.output()).not.toMatch(/ERROR/);
  });

  it('the router answers questions on the RPC channel beside its probes, and on SIGTERM stops answering and exits 0', async () => {
    const port = await freePort();
    const service = startServiceProcess('router', env, port);
    child = service;
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${service.output()}`);
    });
    const client = new RpcClient(env);
    try {
      const agentId = await insertAgent(pg);
      const request = { agent_id: agentId, token_symbol: 'ETH', side: 'LONG' as const, notional_usd: '1000' };
      expect(await client.ask(RpcPattern.RoutingPreview, request, 5_000)).toMatchObject({ selected: 'HYPERLIQUID', config: 'global' });
      const code = exited(child);
      child.kill('SIGTERM');
      expect(await code).toBe(0);
      child = undefined;
      await expect(client.ask(RpcPattern.RoutingPreview, request, 300)).rejects.toThrow('no answer to routing.preview within 300 ms');
    } finally {
      await client.close();
    }
    expect(service.output()).not.toMatch(/ERROR/);
  });
  it('exits 0 on SIGTERM when its traces collector is gone, saying the last spans were not exported', async () => {
    const port = await freePort();
    // Spans stay buffered (an export every minute) until the shutdown flushes them to a port nothing listens on.
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_BSP_SCHEDULE_DELAY: '60000' };
    const service = startServiceProcess('signal', env, port, tracing);
    child = service;
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${service.output()}`);
    });
    const queues = testQueues(env);
    try {
      const signalId = randomUUID();
      const data = { signalId, agentId: await insertAgent(pg), tokenSymbol: 'ETH', side: 'LONG' as const };
      const payload = { ...data, sizeModel: { type: 'percentage', value: 1 }, riskModel: { type: 'none' } };
      await queues[QueueName.Signal].add(JobName.SignalIngest, payload, { jobId: jobId(JobName.SignalIngest, signalId) });
      await waitFor(
        'the traced job completed',
        async () => (await pg.query(`SELECT 1 FROM signals_v3 WHERE id = $1`, [signalId])).rowCount,
      );
    } finally {
      await queues.close();
    }
    const code = exited(child);
    child.kill('SIGTERM');
    expect(await code).toBe(0);
    child = undefined;
    expect(service.output()).toMatch(/signal: the last spans were not exported/);
  });
});
