// What the pipeline benchmark and the bare BullMQ chain share: the scenarios (one signal at a time, a burst of
// signals × deployments), how their end is observed, and the per-hop profile read from the jobs' own timestamps.
import { randomUUID } from 'crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Env } from '@conduit/config';
import { JobName, jobId, OPEN_CHUNK, QUEUE_JOB_OPTIONS, QueueName, redisOptions } from '@conduit/queue';
import { percentile, sleep, wallMs } from './fleet';

/** Signals of the light-load scenario (one at a time, to one deployment). */
export const LIGHT_SIGNALS = 100;
/** Fan-out sizes: one signal to this many deployments (`--fanout=` chooses others). */
export const DEFAULT_FANOUTS = [1_000, 3_000, 10_000];
/** The burst: this many signals at once, each to this many deployments. */
export const BURST_SIGNALS = 20;
export const BURST_DEPLOYMENTS = 100;
/** How often the end of a fan-out or a burst is polled. */
export const POLL_MS = 5;

/** A non-latency figure (seconds, positions/s, MiB, a ratio), with its target when it has one. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  meets_target?: boolean;
  [extra: string]: unknown;
}

/** The hops of a signal's way to a position, in order: the job each queue runs. */
export const HOPS = [
  { queue: QueueName.Signal, job: JobName.SignalIngest },
  { queue: QueueName.Policy, job: JobName.PolicyEvaluate },
  { queue: QueueName.Router, job: JobName.RouterRoute },
  { queue: QueueName.Executor, job: JobName.ExecutorOpenMany },
] as const;

/**
 * The executor jobs of one signal: the router fans out one executor.open-many job per OPEN_CHUNK deployments (`chunk`),
 * under the ids jobId(executor.open-many, signal, chunk index) (apps/router/src/router.processor.ts). A tree from before
 * the chunked fan-out (`chunk` 0, --legacy-open) sent one executor.open job per deployment instead.
 */
export function openJobIds(signalId: string, deploymentIds: readonly string[], chunk = OPEN_CHUNK): string[] {
  if (chunk === 0) return deploymentIds.map((d) => jobId(JobName.ExecutorOpen, signalId, d));
  return Array.from({ length: Math.ceil(deploymentIds.length / chunk) }, (_, i) => jobId(JobName.ExecutorOpenMany, signalId, String(i)));
}

/** The executor's job in a chain: open-many, or open for a tree from before the chunked fan-out. */
const executorJob = (chain: ChainUnderTest) => (chain.chunk === 0 ? JobName.ExecutorOpen : JobName.ExecutorOpenMany);

/** Something signals can be pushed through: the services, or the bare chain standing in for them. */
export interface ChainUnderTest {
  readonly label: string;
  readonly env: Env;
  /** Deployments per executor job (the services: OPEN_CHUNK, 0 for one executor.open each; the bare chain: --bare-chunk). */
  readonly chunk: number;
  readonly queues: Record<QueueName, Queue>;
  /** Adds the first job of each signal in one round trip (addBulk); the deployments are the signal agent's. */
  send(signals: { signalId: string; agent: BenchAgent }[]): Promise<void>;
  /** How many of the signals' final effects exist (positions OPEN, or the bare chain's last jobs completed). */
  done(signalIds: string[]): Promise<number>;
  /** Throws when a process of the chain died. */
  check(): void;
}

export interface BenchAgent {
  id: string;
  deploymentIds: string[];
}

export function chainQueues(env: Env): Record<QueueName, Queue> {
  const connection = redisOptions(env.REDIS_URL);
  return Object.fromEntries(
    Object.values(QueueName).map((q) => [
      q,
      new Queue(q, { connection, prefix: env.QUEUE_PREFIX, defaultJobOptions: QUEUE_JOB_OPTIONS[q] }),
    ]),
  ) as Record<QueueName, Queue>;
}

/** Resolves when a job of the executor queue completes (QueueEvents: Redis stream reads, no polling). */
export class Completions {
  private readonly waiters = new Map<string, { resolve: (at: { at: number; returnvalue: any }) => void; reject: (e: Error) => void }>();
  readonly events: QueueEvents;

  constructor(env: Env, queue: QueueName) {
    this.events = new QueueEvents(queue, { connection: redisOptions(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
    this.events.on('completed', ({ jobId: id, returnvalue }) => {
      const at = wallMs();
      const w = this.waiters.get(id);
      if (!w) return;
      this.waiters.delete(id);
      let value: any = returnvalue;
      try {
        value = typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue;
      } catch {
        /* not JSON */
      }
      w.resolve({ at, returnvalue: value });
    });
    this.events.on('failed', ({ jobId: id, failedReason }) => {
      const w = this.waiters.get(id);
      if (!w) return;
      this.waiters.delete(id);
      w.reject(new Error(`job ${id} failed: ${failedReason}`));
    });
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
    // The first blocking read starts at the stream's end ('$'): let it start before anything is awaited.
    await sleep(300);
  }

  wait(id: string, timeoutMs: number, check: () => void): Promise<{ at: number; returnvalue: any }> {
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          check();
        } catch (e) {
          finish();
          reject(e as Error);
        }
      }, 250);
      const deadline = setTimeout(() => {
        finish();
        reject(new Error(`job ${id} did not complete within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearInterval(timer);
        clearTimeout(deadline);
        this.waiters.delete(id);
      };
      this.waiters.set(id, {
        resolve: (v) => {
          finish();
          resolve(v);
        },
        reject: (e) => {
          finish();
          reject(e);
        },
      });
    });
  }

  close(): Promise<void> {
    return this.events.close();
  }
}

export interface LightRun {
  /** Per signal: enqueue time (wall ms) and when the executor job's completion was seen. */
  samples: { signalId: string; sentAt: number; seenAt: number }[];
}

/**
 * Light load: `n` signals one at a time to an agent with one deployment; each is sent once the previous one's
 * executor job completed, after `gapMs` of idle (workers back to waiting, as between real signals).
 */
export async function lightLoad(
  chain: ChainUnderTest,
  completions: Completions,
  agent: BenchAgent,
  n: number,
  gapMs: number,
): Promise<LightRun> {
  const samples: LightRun['samples'] = [];
  for (let i = 0; i < n; i++) {
    const signalId = randomUUID();
    const [last] = openJobIds(signalId, agent.deploymentIds, chain.chunk);
    const seen = completions.wait(last, 30_000, () => chain.check());
    const sentAt = wallMs();
    await chain.send([{ signalId, agent }]);
    const { at, returnvalue } = await seen;
    // executor.open-many answers its outcomes by count ({ OPENED: 1 }), executor.open with { outcome }; anything else than
    // an open ends the run.
    const legacy = returnvalue && typeof returnvalue === 'object' && 'outcome' in returnvalue;
    const other = legacy
      ? returnvalue.outcome !== 'OPENED'
      : returnvalue && typeof returnvalue === 'object' && Object.keys(returnvalue).some((k) => k !== 'OPENED' && k !== 'done');
    if (other) throw new Error(`${chain.label}: signal ${signalId} ended ${JSON.stringify(returnvalue)}`);
    samples.push({ signalId, sentAt, seenAt: at });
    await sleep(gapMs);
  }
  return { samples };
}

export interface BurstRun {
  signalIds: string[];
  expected: number;
  sentAt: number;
  /** When the poll first saw every expected effect. */
  seenAt: number;
  pollMs: number;
}

/**
 * A burst: `signals` signals at once (one addBulk), each to every deployment of `agent`; polls every `pollMs`
 * until all signals × deployments effects exist.
 */
export async function burst(
  chain: ChainUnderTest,
  agent: BenchAgent,
  signals: number,
  pollMs: number,
  timeoutMs: number,
): Promise<BurstRun> {
  const signalIds = Array.from({ length: signals }, () => randomUUID());
  const expected = signals * agent.deploymentIds.length;
  const sentAt = wallMs();
  await chain.send(signalIds.map((signalId) => ({ signalId, agent })));
  for (;;) {
    const n = await chain.done(signalIds);
    if (n >= expected) return { signalIds, expected, sentAt, seenAt: wallMs(), pollMs };
    chain.check();
    if (wallMs() - sentAt > timeoutMs) throw new Error(`${chain.label}: ${n} of ${expected} done after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

export interface HopStats {
  chain: string;
  scenario: string;
  hop: string;
  jobs: number;
  /** Queue wait: processedOn − timestamp (added → taken by a worker), ms. */
  wait_p50: number;
  wait_p99: number;
  /** Handler: finishedOn − processedOn, ms. */
  run_p50: number;
  run_p99: number;
  /** First job added → last job finished, ms. */
  span: number;
}

/**
 * Per-hop profile of finished jobs, from BullMQ's own timestamps (each set with Date.now() of the process that
 * added, took or finished the job: one machine, one clock, millisecond resolution).
 */
export async function hopProfile(
  chain: ChainUnderTest,
  scenario: string,
  signalIds: string[],
  deploymentIds: string[],
): Promise<HopStats[]> {
  const out: HopStats[] = [];
  for (const { queue, job } of HOPS) {
    const hop = { queue, job: job === JobName.ExecutorOpenMany ? executorJob(chain) : job };
    const ids =
      queue === QueueName.Executor
        ? signalIds.flatMap((s) => openJobIds(s, deploymentIds, chain.chunk))
        : signalIds.map((s) => jobId(job, s));
    const jobs = [];
    for (let i = 0; i < ids.length; i += 200) {
      jobs.push(...(await Promise.all(ids.slice(i, i + 200).map((id) => chain.queues[hop.queue].getJob(id)))));
    }
    const finished = jobs.filter((j) => j?.processedOn && j.finishedOn);
    if (!finished.length) continue;
    const wait = finished.map((j) => j!.processedOn! - j!.timestamp);
    const run = finished.map((j) => j!.finishedOn! - j!.processedOn!);
    out.push({
      chain: chain.label,
      scenario,
      hop: hop.job,
      jobs: finished.length,
      wait_p50: percentile(wait, 50),
      wait_p99: percentile(wait, 99),
      run_p50: percentile(run, 50),
      run_p99: percentile(run, 99),
      span: Math.max(...finished.map((j) => j!.finishedOn!)) - Math.min(...finished.map((j) => j!.timestamp)),
    });
  }
  return out;
}

/** Empties the chain's queues and removes them from Redis (force: also with active jobs). */
export async function obliterate(queues: Record<QueueName, Queue>): Promise<void> {
  for (const q of Object.values(queues)) {
    await q.obliterate({ force: true });
    await q.close();
  }
}
