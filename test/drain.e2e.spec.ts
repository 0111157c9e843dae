import { randomUUID } from 'crypto';
import { networkInterfaces } from 'os';
import { join } from 'path';
import IORedis from 'ioredis';
import { Env } from '@conduit/config';
import { JobName, QueueName } from '@conduit/queue';
import type { DrainReport, HealthReport } from '@conduit/runtime';
import {
  cleanupRedis,
  createTestDatabase,
  exited,
  freePort,
  startServiceProcess,
  TestDatabase,
  testEnv,
  testQueues,
  waitFor,
  waitHealthy,
} from '@conduit/testing';
import { gateKey } from './fixtures/gated-worker';

/** An address of this machine other than the loopback, if it has one (a peer the drain must refuse). */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/**
 * The preStop of a worker's pod (deploy/k8s): POST /drain on its probe server pauses its BullMQ workers, readiness
 * turns 503 `draining` while liveness stays 200, the answer comes once the active job is done, a job added meanwhile
 * stays waiting, and the SIGTERM afterwards still shuts the process down with exit 0. A worker process of the test's
 * own (test/fixtures/gated-worker.ts: its job holds until the test pushes to a Redis list), on real Redis and Postgres.
 */
describe('POST /drain: a worker stops taking jobs before its SIGTERM', () => {
  let db: TestDatabase;
  let env: Env;
  let redis: IORedis;
  let queues: ReturnType<typeof testQueues>;
  let worker: ReturnType<typeof startServiceProcess> | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, { WORKER_CONCURRENCY: '4' });
    redis = new IORedis(env.REDIS_URL);
    queues = testQueues(env);
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await queues?.close();
    redis?.disconnect();
    await cleanupRedis(env);
    await db?.drop();
  });

  it('drains the active job, takes no new one, answers after it, and exits 0 on the SIGTERM that follows', async () => {
    const port = await freePort();
    const child = startServiceProcess('gated', env, port, {}, join('test', 'fixtures', 'gated-worker.ts'));
    worker = child;
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${child.output()}`);
    });
    const base = `http://127.0.0.1:${port}`;
    const policy = queues[QueueName.Policy];
    const status = (path: string) => fetch(`${base}${path}`).then((r) => r.status);
    expect(await status('/health/ready')).toBe(200);

    const first = randomUUID();
    await policy.add(JobName.PolicyEvaluate, { signalId: first }, { jobId: 'drain-first' });
    await waitFor('the first job active', async () => (await policy.getJobState('drain-first')) === 'active');

    // Two requests (the preStop run twice, or retried): both wait for the one drain.
    const answeredAt: number[] = [];
    const post = () =>
      fetch(`${base}/drain`, { method: 'POST' }).then(async (r) => {
        answeredAt.push(Date.now());
        return { status: r.status, body: (await r.json()) as DrainReport };
      });
    const drains = [post(), post()];

    await waitFor('readiness 503', async () => (await status('/health/ready')) === 503);
    const ready = (await fetch(`${base}/health/ready`).then((r) => r.json())) as HealthReport;
    expect(ready.status).toBe('shutting_down');
    expect(ready.error.draining).toEqual({ status: 'down', message: expect.stringMatching(/^draining/) });
    expect(await status('/health')).toBe(503);
    expect(await status('/health/live')).toBe(200);

    // A job added once the drain began is not taken; the active one still holds the drain's answer.
    const second = randomUUID();
    await policy.add(JobName.PolicyEvaluate, { signalId: second }, { jobId: 'drain-second' });
    expect(await policy.getJobState('drain-first')).toBe('active');
    expect(answeredAt).toEqual([]);

    await redis.lpush(gateKey(env, first), 'go');
    const answers = await Promise.all(drains);
    for (const { status: code, body } of answers) {
      expect(code).toBe(200);
      expect(body).toEqual({
        status: 'drained',
        paused: [QueueName.Policy],
        activeAtStart: 1,
        activeAtEnd: 0,
        waitedMs: expect.any(Number),
        timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      });
    }
    expect(answers[1].body).toEqual(answers[0].body); // the same drain
    const done = await policy.getJob('drain-first');
    expect(await done!.getState()).toBe('completed');
    expect(done!.returnvalue).toBe('released');
    expect(Math.min(...answeredAt)).toBeGreaterThanOrEqual(done!.finishedOn!);

    // After the drain: still not taken, a later POST answers at once with the same report, live is still 200.
    expect(await policy.getJobState('drain-second')).toBe('waiting');
    expect((await post()).body).toEqual(answers[0].body);
    expect(await status('/health/live')).toBe(200);

    // The kubelet's SIGTERM after the preStop: the paused worker closes and the process exits 0, the job still waiting.
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(await policy.getJobState('drain-second')).toBe('waiting');
    const counts = await policy.getJobCounts('active', 'waiting', 'completed');
    expect(counts).toEqual(expect.objectContaining({ active: 0, waiting: 1, completed: 1 }));
    await (await policy.getJob('drain-second'))!.remove(); // never released: the next worker must not take it
  }, 90_000);

  it('refuses POST /drain from a peer that is not the loopback (403), and keeps taking jobs', async () => {
    // Never skipped: a machine without another address cannot show the refusal, so the test says so and fails.
    if (!outside) throw new Error('this machine has no IPv4 address besides the loopback: no peer to be refused from');
    const port = await freePort();
    const child = startServiceProcess('gated', env, port, {}, join('test', 'fixtures', 'gated-worker.ts'));
    worker = child;
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${child.output()}`);
    });
    // The probe server listens on every interface (HOST 0.0.0.0, as in a pod): reached on another address of the host.
    const refused = await fetch(`http://${outside}:${port}/drain`, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect(await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status)).toBe(200);
    const signalId = randomUUID();
    const policy = queues[QueueName.Policy];
    await policy.add(JobName.PolicyEvaluate, { signalId }, { jobId: 'after-refusal' });
    await waitFor('the job taken', async () => (await policy.getJobState('after-refusal')) === 'active');
    await redis.lpush(gateKey(env, signalId), 'go');
    await waitFor('the job completed', async () => (await policy.getJobState('after-refusal')) === 'completed');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }, 90_000);
});
