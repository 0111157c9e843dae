import { waitFor } from '@conduit/testing';
import { randomBytes } from 'crypto';
import { Queue, Worker } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, redisOptions, SCHEDULED_JOB_OPTIONS } from '@conduit/queue';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Retention is per queue, not per job: BullMQ trims a queue's whole completed (failed) set to the count a finishing
 * job carries. Scheduled ticks used to carry `removeOnComplete: 100`, so on the executor's queue (a monitor tick
 * every second or two) the completed opens and closes — and the de-duplication their deterministic ids give while
 * retained — lasted a minute or two instead of an hour. Found by `npm run chaos` (docs/CHAOS.md).
 */
describe('scheduled ticks leave the retention of the pipeline jobs on their queue alone (real Redis)', () => {
  const connection = redisOptions(REDIS_URL);
  const prefix = `conduit-test-${randomBytes(4).toString('hex')}`;
  const queue = new Queue('retention', { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  let worker: Worker;

  beforeAll(async () => {
    worker = new Worker(
      'retention',
      async (job) => {
        if (job.name.endsWith('-fails')) throw new Error('refused');
        return 'ok';
      },
      { connection, prefix, concurrency: 20 },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const until = (check: () => Promise<boolean>) => waitFor('the jobs to settle', check, { timeoutMs: 20_000 });

  it('keeps a completed and a failed pipeline job through 150 completed and 150 failed ticks; completed ticks are not kept', async () => {
    await queue.add('executor.open', {}, { jobId: 'open-1' });
    await queue.add('executor.open-fails', {}, { jobId: 'open-2', attempts: 1 });
    await until(async () => (await queue.getJobState('open-1')) === 'completed' && (await queue.getJobState('open-2')) === 'failed');

    const ticks = Array.from({ length: 150 }, (_, i) => [
      { name: 'executor.monitor', data: {}, opts: { ...SCHEDULED_JOB_OPTIONS, jobId: `tick-${i}` } },
      { name: 'executor.monitor-fails', data: {}, opts: { ...SCHEDULED_JOB_OPTIONS, jobId: `tick-failed-${i}` } },
    ]).flat();
    await queue.addBulk(ticks);
    await until(async () => {
      const c = await queue.getJobCounts('waiting', 'active');
      return c.waiting + c.active === 0;
    });
    await until(async () => (await queue.getJobState('tick-failed-149')) === 'failed');

    expect(await queue.getJobState('open-1')).toBe('completed');
    expect(await queue.getJobState('open-2')).toBe('failed');
    expect(await queue.getJob('tick-0')).toBeUndefined(); // a completed tick is removed at once
    expect((await queue.getJobCounts('completed')).completed).toBe(1);
    expect((await queue.getJobCounts('failed')).failed).toBe(151); // failed ticks are kept like any failed job
  });
});
