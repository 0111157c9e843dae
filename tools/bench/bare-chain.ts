// The bare BullMQ chain: the pipeline's four hops (signal → policy → router → executor, the router hop fanning
// out one job per deployment) as four worker processes that do nothing but add the next job
// (tools/bench/bare-worker.ts, compiled: `node dist/tools/bench/bare-worker.js`, as the services run from dist).
// What the same Redis, machine and job options allow at most; the pipeline's throughput is reported as a ratio of it.
import { spawn } from 'child_process';
import { Env } from '@conduit/config';
import { JobName, jobId, OPEN_CHUNK, QueueName } from '@conduit/queue';
import { BareHop, BARE_HOPS, openedKey } from './bare-worker';
import { BARE_WORKER, ROOT } from './build';
import { BenchAgent, chainQueues, ChainUnderTest, obliterate } from './chain';
import { Fleet, Teardown } from './fleet';

export type BareChain = ChainUnderTest & { fleet: Fleet; stop(): Promise<void> };

/** Starts one worker process per hop (same concurrency as the services) and resolves once all are ready. */
export async function startBareChain(env: Env, teardown: Teardown, chunk = OPEN_CHUNK): Promise<BareChain> {
  const queues = chainQueues(env);
  teardown.add('obliterate the bare chain queues', () => obliterate(queues));
  const fleet = new Fleet();
  teardown.add('stop the bare chain workers', () => fleet.stop(5_000));
  const ready = (Object.keys(BARE_HOPS) as BareHop[]).map((hop) => {
    // The services' concurrency, hop by hop (the executor takes EXECUTOR_CONCURRENCY jobs at once).
    const concurrency = hop === 'executor' ? Math.max(env.EXECUTOR_CONCURRENCY, env.WORKER_CONCURRENCY) : env.WORKER_CONCURRENCY;
    const child = spawn(process.execPath, [BARE_WORKER], {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL: env.REDIS_URL,
        QUEUE_PREFIX: env.QUEUE_PREFIX,
        BARE_HOP: hop,
        WORKER_CONCURRENCY: String(concurrency),
        BARE_CHUNK: String(chunk),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    fleet.add(`bare-${hop}`, child, () => output);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bare ${hop} worker not ready after 60 s\n${output}`)), 60_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bare ${hop} worker exited with ${code}\n${output}`));
      });
    });
  });
  await Promise.all(ready);
  let baseline = 0;
  // Deployments of the executor jobs completed so far (counted by the executor hop: tools/bench/bare-worker.ts).
  const client = await queues[QueueName.Executor].client;
  const opened = async () => Number((await client.get(openedKey(env.QUEUE_PREFIX))) ?? 0);
  return {
    label: 'bare',
    env,
    chunk,
    queues,
    fleet,
    async send(signals: { signalId: string; agent: BenchAgent }[]) {
      baseline = await opened();
      await queues[QueueName.Signal].addBulk(
        signals.map(({ signalId, agent }) => ({
          name: JobName.SignalIngest,
          data: { signalId, deployments: agent.deploymentIds.length },
          opts: { jobId: jobId(JobName.SignalIngest, signalId) },
        })),
      );
    },
    async done() {
      return (await opened()) - baseline;
    },
    check: () => fleet.check(),
    stop: () => fleet.stop(5_000),
  };
}

/** The bare chain's stand-in for an agent with `n` deployments (the ids its router hop fans out to). */
export const bareAgent = (n: number): BenchAgent => ({ id: 'bare', deploymentIds: Array.from({ length: n }, (_, i) => `d${i}`) });
