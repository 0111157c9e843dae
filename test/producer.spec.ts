import { randomUUID } from 'crypto';
import { Test } from '@nestjs/testing';
import { Worker } from 'bullmq';
import { JobName, jobId, JobProducer, QueueModule, QueueName, redisOptions, syncJobScheduler } from '@conduit/queue';
import { cleanupRedis, createTestDatabase, startContext, TestDatabase, testEnv, waitForJob } from '@conduit/testing';
import { PolicyAppModule } from '../apps/policy/src/app.module';
import { PolicyProcessor } from '../apps/policy/src/policy.processor';

/** A job name outside the contract, handled by the test's own worker only. */
const BARRIER = 'test.barrier';

describe('JobProducer on real Redis', () => {
  let db: TestDatabase;
  const setup = async () => {
    db = await createTestDatabase(false);
    const env = testEnv(db);
    const moduleRef = await Test.createTestingModule({ imports: [QueueModule.forRoot(env)] }).compile();
    await moduleRef.init();
    return { env, moduleRef, producer: moduleRef.get(JobProducer) };
  };
  afterAll(async () => db?.drop());

  it('de-duplicates by job id, and retries a job that failed for good when the user asks again', async () => {
    const { env, moduleRef, producer } = await setup();
    let runs = 0;
    let fail = true;
    // One job at a time, in the order added: once a barrier job added last has completed, every job added before it
    // has run, so a job that did not run by then was never added.
    const worker = new Worker(
      QueueName.Executor,
      async (job) => {
        if (job.name === BARRIER) return 'barrier';
        runs++;
        if (fail) throw new Error('venue down');
        return 'closed';
      },
      { connection: redisOptions(env.REDIS_URL), prefix: env.QUEUE_PREFIX, concurrency: 1 },
    );
    let barriers = 0;
    const afterQueuedJobs = async () => {
      const barrier = await producer.queue(QueueName.Executor).add(BARRIER, {}, { jobId: `barrier-${++barriers}` });
      expect((await waitForJob(producer.queue(QueueName.Executor), barrier.id!, ['completed'])).returnvalue).toBe('barrier');
    };
    try {
      const positionId = randomUUID();
      const req = {
        name: JobName.ExecutorClose,
        data: { positionId, reason: 'MANUAL' },
        jobId: jobId(JobName.ExecutorClose, positionId),
        opts: { attempts: 1 },
      };
      expect(await producer.emitOrRetry(req)).toBe('added');
      const queue = producer.queue(QueueName.Executor);
      expect((await waitForJob(queue, req.jobId)).state).toBe('failed');
      await producer.emit(req); // plain emit: the failed job's id blocks a duplicate
      await afterQueuedJobs();
      expect(runs).toBe(1);

      fail = false;
      expect(await producer.emitOrRetry(req)).toBe('retried');
      const job = await waitForJob(queue, req.jobId, ['completed']);
      expect(job.returnvalue).toBe('closed');
      expect(runs).toBe(2);
      expect(await producer.emitOrRetry(req)).toBe('completed'); // done once: not run again
      await afterQueuedJobs();
      expect(runs).toBe(2);
    } finally {
      await worker.close();
      await moduleRef.close();
      await cleanupRedis(env);
    }
  });
});

describe('worker concurrency', () => {
  it('comes from the validated environment', async () => {
    const db = await createTestDatabase();
    const env = testEnv(db, { WORKER_CONCURRENCY: '3' });
    const app = await startContext(PolicyAppModule.forRoot(env));
    try {
      expect(app.get(PolicyProcessor).worker.concurrency).toBe(3); // closed right after boot: must not leak its connection
    } finally {
      await app.close();
      await cleanupRedis(env);
      await db.drop();
    }
  });
});

describe('job schedulers on real Redis', () => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());

  it('keeps one job scheduler per id: upserted while its interval is positive, removed at 0', async () => {
    db = await createTestDatabase(false);
    const env = testEnv(db);
    const moduleRef = await Test.createTestingModule({ imports: [QueueModule.forRoot(env)] }).compile();
    await moduleRef.init();
    const producer = moduleRef.get(JobProducer);
    try {
      const queue = producer.queue(QueueName.Billing);
      await syncJobScheduler(queue, 'test-scheduler', 60_000, JobName.BillingSubscriptions);
      await syncJobScheduler(queue, 'test-scheduler', 30_000, JobName.BillingSubscriptions);
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.name, s.every])).toEqual([['test-scheduler', JobName.BillingSubscriptions, 30_000]]);
      await syncJobScheduler(queue, 'test-scheduler', 0, JobName.BillingSubscriptions);
      expect(await queue.getJobSchedulers()).toEqual([]);
    } finally {
      await moduleRef.close();
      await cleanupRedis(env);
    }
  });
});
