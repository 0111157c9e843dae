import type { Queue } from 'bullmq';
import { JobName } from './contract';

/** Scheduled jobs run once per tick: a missed tick is the next one's work, so no retries and short retention. */
export const SCHEDULED_JOB_OPTIONS = { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } as const;

/**
 * One BullMQ job scheduler per id, whatever the number of replicas: upserted to run `name` every `everyMs` when
 * `everyMs` > 0, removed otherwise (so turning a setting off also stops what an earlier boot scheduled).
 */
export async function syncJobScheduler(queue: Queue, id: string, everyMs: number, name: JobName): Promise<void> {
  if (everyMs > 0) await queue.upsertJobScheduler(id, { every: everyMs }, { name, data: {}, opts: SCHEDULED_JOB_OPTIONS });
  else await queue.removeJobScheduler(id);
}
