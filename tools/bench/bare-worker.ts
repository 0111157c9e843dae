// One hop of the bare BullMQ chain (tools/bench/bare-chain.ts), as its own process: a worker on one of the
// pipeline's queues that does nothing but add the next hop's job (the router hop adds one per deployment, in
// bulk), under the same queue names, job names, deterministic job ids, job options and worker concurrency as the
// services. Configured by the environment: REDIS_URL, QUEUE_PREFIX, BARE_HOP (signal | policy | router |
// executor), WORKER_CONCURRENCY (the hop's service's). Tells its parent `ready` over IPC; exits on SIGTERM after closing the worker.
import { Job, Queue, Worker } from 'bullmq';
import { EXECUTOR_WORKER_OPTIONS, JobName, jobId, QUEUE_JOB_OPTIONS, QueueName, redisOptions } from '@conduit/queue';

export interface BareJob {
  signalId: string;
  /** Deployments the router hop fans out to. */
  deployments: number;
  deploymentId?: string;
  traceId?: string;
}

/** The hops in pipeline order: queue consumed, and the job it adds next (none after the executor). */
export const BARE_HOPS = {
  signal: { queue: QueueName.Signal, next: JobName.PolicyEvaluate, nextQueue: QueueName.Policy },
  policy: { queue: QueueName.Policy, next: JobName.RouterRoute, nextQueue: QueueName.Router },
  router: { queue: QueueName.Router, next: JobName.ExecutorOpen, nextQueue: QueueName.Executor },
  executor: { queue: QueueName.Executor, next: null, nextQueue: null },
} as const;
export type BareHop = keyof typeof BARE_HOPS;

/** The same chunking as JobProducer.emitBulk. */
const BULK_CHUNK = 500;

async function main() {
  const hop = BARE_HOPS[process.env.BARE_HOP as BareHop];
  if (!hop) throw new Error(`BARE_HOP must be one of ${Object.keys(BARE_HOPS).join(', ')}`);
  const connection = redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = process.env.QUEUE_PREFIX!;
  const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 16);
  const next = hop.nextQueue ? new Queue(hop.nextQueue, { connection, prefix, defaultJobOptions: QUEUE_JOB_OPTIONS[hop.nextQueue] }) : null;

  const processor = async (job: Job<BareJob>) => {
    const d = job.data;
    if (!next || !hop.next) return { done: true };
    if (hop.next === JobName.ExecutorOpen) {
      const jobs = Array.from({ length: d.deployments }, (_, i) => {
        const deploymentId = `d${i}`;
        return { name: hop.next, data: { ...d, deploymentId }, opts: { jobId: jobId(JobName.ExecutorOpen, d.signalId, deploymentId) } };
      });
      for (let i = 0; i < jobs.length; i += BULK_CHUNK) await next.addBulk(jobs.slice(i, i + BULK_CHUNK));
      return { fannedOut: jobs.length };
    }
    await next.add(hop.next, d, { jobId: jobId(hop.next, d.signalId) });
    return { next: hop.next };
  };
  const options = hop.queue === QueueName.Executor ? EXECUTOR_WORKER_OPTIONS : {};
  const worker = new Worker(hop.queue, processor, { connection, prefix, concurrency, ...options });
  worker.on('error', (e) => console.error(`bare ${hop.queue}: ${e.message}`));
  await worker.waitUntilReady();
  await next?.waitUntilReady();
  process.send?.('ready');

  const stop = async () => {
    await worker.close();
    await next?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  // Orphaned (the benchmark was killed): stop too.
  process.once('disconnect', () => void stop());
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`bare worker failed: ${e?.stack ?? e}`);
    process.exit(1);
  });
}
