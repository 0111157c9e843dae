import type { Queue } from 'bullmq';
import { FAILED_JOB_RETENTION, JobName } from './contract';

/**
 * Scheduled jobs run once per tick: a missed tick is the next one's work, so no retries. A completed tick is removed
 * at once (`true` removes that job only). Not a count: BullMQ trims the queue's whole completed (failed) set to the
 * count, so `removeOnComplete: 100` on a tick every second left the executor's completed opens and closes — the
 * window in which their deterministic job ids de-duplicate — a minute or two instead of COMPLETED_JOB_RETENTION.
 * Failed ticks are kept like any failed job (an age no shorter than the queue's, for the same reason).
 */
export const SCHEDULED_JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: FAILED_JOB_RETENTION } as const;

/**
 * One BullMQ job scheduler per id, whatever the number of replicas: upserted to run `name` every `everyMs` when
 * `everyMs` > 0, removed otherwise (so turning a setting off also stops what an earlier boot scheduled).
 */
export async function syncJobScheduler(queue: Queue, id: string, everyMs: number, name: JobName): Promise<void> {
  if (everyMs > 0) await queue.upsertJobScheduler(id, { every: everyMs }, { name, data: {}, opts: SCHEDULED_JOB_OPTIONS });
  else await queue.removeJobScheduler(id);
}
