// One hop of the bare BullMQ chain (tools/bench/bare-chain.ts), as its own process: a worker on one of the
// pipeline's queues that does nothing but add the next hop's job (the router hop adds one executor.open-many job per
// OPEN_CHUNK deployments, in bulk, as the router does), under the same queue names, job names, deterministic job
// ids, job options and worker concurrency as the services. The executor hop counts the deployments of the jobs it
// completed in Redis (<prefix>:bench:opened), the bare chain's stand-in for positions. Configured by the environment:
// REDIS_URL, QUEUE_PREFIX, BARE_HOP (signal | policy | router | executor), WORKER_CONCURRENCY (the hop's service's),
// BARE_CHUNK (deployments per executor job; OPEN_CHUNK unless set, 1 = one job per deployment).
// Tells its parent `ready` over IPC; exits on SIGTERM after closing the worker.
import { Job, Queue, Worker } from 'bullmq';
// The queue contract and the Redis options alone, not the @conduit/queue barrel: the barrel brings Nest, Ajv and
// the config validation with it, and the bare worker is to load BullMQ and nothing else.
import { EXECUTOR_WORKER_OPTIONS, JobName, jobId, OPEN_CHUNK, QUEUE_JOB_OPTIONS, QueueName } from '../../libs/queue/src/contract';
import { redisOptions } from '../../libs/queue/src/redis';

export interface BareJob {
  signalId: string;
  /** Deployments the router hop fans out to. */
  deployments: number;
  /** The executor job's chunk of deployments. */
  deploymentIds?: string[];
  traceId?: string;
}

/** The Redis key (under the queue prefix) counting the deployments of completed executor jobs. */
export const openedKey = (prefix: string) => `${prefix}:bench:opened`;

/** The hops in pipeline order: queue consumed, and the job it adds next (none after the executor). */
export const BARE_HOPS = {
  signal: { queue: QueueName.Signal, next: JobName.PolicyEvaluate, nextQueue: QueueName.Policy },
  policy: { queue: QueueName.Policy, next: JobName.RouterRoute, nextQueue: QueueName.Router },
  router: { queue: QueueName.Router, next: JobName.ExecutorOpenMany, nextQueue: QueueName.Executor },
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
  const chunk = Number(process.env.BARE_CHUNK ?? OPEN_CHUNK);
  const next = hop.nextQueue ? new Queue(hop.nextQueue, { connection, prefix, defaultJobOptions: QUEUE_JOB_OPTIONS[hop.nextQueue] }) : null;

  const processor = async (job: Job<BareJob>) => {
    const d = job.data;
    if (!next || !hop.next) {
      const redis = (await worker.client) as unknown as { incrby(key: string, by: number): Promise<number> };
      await redis.incrby(openedKey(prefix), d.deploymentIds?.length ?? 0);
      return { done: true };
    }
    if (hop.next === JobName.ExecutorOpenMany) {
      // As the router: the deployments in chunks of OPEN_CHUNK, one job per chunk, added in bulk.
      const ids = Array.from({ length: d.deployments }, (_, i) => `d${i}`);
      const jobs = Array.from({ length: Math.ceil(ids.length / chunk) }, (_, i) => ({
        name: hop.next,
        data: { signalId: d.signalId, deployments: d.deployments, deploymentIds: ids.slice(i * chunk, (i + 1) * chunk) },
        opts: { jobId: jobId(JobName.ExecutorOpenMany, d.signalId, String(i)) },
      }));
      for (let i = 0; i < jobs.length; i += BULK_CHUNK) await next.addBulk(jobs.slice(i, i + BULK_CHUNK));
      return { fannedOut: ids.length };
    }
    await next.add(hop.next, d, { jobId: jobId(hop.next, d.signalId) });
    return { next: hop.next };
  };
  const options = hop.queue === QueueName.Executor ? EXECUTOR_WORKER_OPTIONS : {};
  const worker: Worker<BareJob> = new Worker<BareJob>(hop.queue, processor, { connection, prefix, concurrency, ...options });
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
