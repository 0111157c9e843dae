import { AsyncLocalStorage } from 'async_hooks';

/** What every log line written while a job runs carries (the runtime lib's logger mixes it in). */
export interface JobLogContext {
  /** The payload's traceId (the request that started the chain), or one made of the job's queue and id. */
  traceId: string;
  jobId: string;
  queue: string;
  jobName: string;
}

const storage = new AsyncLocalStorage<JobLogContext>();

/** Runs `fn` (one job's handling) with its log context. */
export function withJobLogContext<T>(context: JobLogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the job being handled, if any. */
export function jobLogContext(): JobLogContext | undefined {
  return storage.getStore();
}
