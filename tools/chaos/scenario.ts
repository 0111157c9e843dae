// The workload of a chaos run and what is checked afterwards: one agent, M paper deployments, N signals, each on a
// token of its own whose mark the harness moves once every deployment has its outcome, so the position monitor
// closes every position (take profit or stop loss) and billing takes a profit share of the winners.
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { deterministicId } from '@conduit/domain';
import { JobName, jobId, QUEUE_JOB_OPTIONS, QueueName, redisOptions, SCHEDULES } from '@conduit/queue';
import { sleep } from './infra';

export interface Workload {
  signals: number;
  deployments: number;
  /** Live deployments of the same agent trading on the harness's GMX chain (gmx.ts). */
  gmxDeployments: number;
  /** Time between two signals entering the pipeline. */
  intervalMs: number;
}

export interface SignalSpec {
  index: number;
  id: string;
  token: string;
  side: 'LONG' | 'SHORT';
  /** The mark the position opens at, and the one the harness moves it to (a take profit or a stop loss). */
  openMark: string;
  closeMark: string;
  win: boolean;
}

export const AGENT_ID = deterministicId('chaos', 'agent');
export const deploymentId = (j: number) => deterministicId('chaos', 'deployment', String(j));
/** Every deployment of the agent: the paper ones and the live GMX ones. */
export const allDeployments = (w: Workload) => w.deployments + w.gmxDeployments;

/** Every 7th deployment denies the tokens of every 5th signal: those outcomes are SKIPPED by Agent How. */
const denies = (j: number) => j % 7 === 6;
const deniedSignal = (i: number) => i % 5 === 4;

export function signalSpecs(n: number): SignalSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const side = i % 2 ? 'SHORT' : 'LONG';
    const win = i % 4 !== 3;
    const open = 10 + i * 1.25;
    // Take profit at +10 % (entry includes 5 bps slippage), stop loss at -5 %: move well past either.
    const factor = side === 'LONG' ? (win ? 1.2 : 0.9) : win ? 0.8 : 1.1;
    return {
      index: i,
      id: deterministicId('chaos', 'signal', String(i)),
      token: `CHX${i}`,
      side,
      openMark: open.toFixed(4),
      closeMark: (open * factor).toFixed(4),
      win,
    } as SignalSpec;
  });
}

/** Markets, one agent and its deployments, straight into Postgres (fixtures, not the API under test). */
export async function seed(pg: Pool, w: Workload): Promise<SignalSpec[]> {
  const specs = signalSpecs(w.signals);
  await pg.query(
    `INSERT INTO venue_markets (venue, token_symbol, market_name, market_index, is_active, min_position, max_leverage, current_price,
      last_synced, metadata)
     SELECT 'HYPERLIQUID', t.token, t.token, 10000 + t.i, TRUE, 10, 10, t.mark::numeric, now(),
       '{"szDecimals": 3, "source": "chaos"}'::jsonb
       FROM unnest($1::text[], $2::int[], $3::text[]) AS t(token, i, mark)`,
    [specs.map((s) => s.token), specs.map((s) => s.index), specs.map((s) => s.openMark)],
  );
  await pg.query(
    `INSERT INTO agents_v3 (id, creator_wallet, name, profit_receiver_address, status) VALUES ($1, '0xchaoscreator', 'Chaos agent',
      '0xchaosreceiver', 'ACTIVE')`,
    [AGENT_ID],
  );
  const denied = specs.filter((s) => deniedSignal(s.index)).map((s) => s.token);
  // With a GMX leg the tokens are on both venues: the paper deployments' policies keep them on Hyperliquid.
  const venues = w.gmxDeployments ? { enabled_venues: ['HYPERLIQUID'] } : {};
  for (let j = 0; j < w.deployments; j++) {
    await pg.query(
      `INSERT INTO agent_deployments_v3 (id, agent_id, user_wallet, status, sub_active, policy) VALUES ($1, $2, $3, 'ACTIVE', TRUE, $4)`,
      [deploymentId(j), AGENT_ID, `0xchaosuser${j}`, denies(j) ? { ...venues, denied_tokens: denied } : venues],
    );
  }
  return specs;
}

/** Expected outcome count per kind, from the workload alone (the GMX deployments deny nothing). */
export function expectedOutcomes(w: Workload): { opened: number; skipped: number; gmxOpened: number } {
  let skipped = 0;
  for (let i = 0; i < w.signals; i++) for (let j = 0; j < w.deployments; j++) if (denies(j) && deniedSignal(i)) skipped++;
  return { opened: w.signals * allDeployments(w) - skipped, skipped, gmxOpened: w.signals * w.gmxDeployments };
}

/** Runs a query, retrying while Postgres is away (the harness's own reads must survive the outage too). */
export async function q<T = any>(pg: Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  for (;;) {
    try {
      return (await pg.query(sql, params)).rows as T[];
    } catch (e: any) {
      if (!isConnectionError(e)) throw e;
      await sleep(200);
    }
  }
}

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'not queryable',
];

export function isConnectionError(e: any): boolean {
  const message = String(e?.message).toLowerCase();
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e?.code) ||
    /^(08|57P)/.test(String(e?.code ?? '')) ||
    CONNECTION_MESSAGES.some((m) => message.includes(m.toLowerCase()))
  );
}

export interface SignalTimeline {
  index: number;
  sentAt: number;
  /** Every deployment has its outcome (opened or skipped). */
  decidedAt?: number;
  /** Every opened position is closed. */
  closedAt?: number;
}

/**
 * Sends the signals one interval apart (as the gateway does: a signal.ingest job under the signal's id) and walks
 * each through its life: once every deployment has its outcome and every position is open (a GMX open waits for the
 * keeper), the mark moves — on the GMX chain first (`setMark`), so the keeper fills the closes there; then its positions
 * close.
 */
export async function drive(
  pg: Pool,
  queue: Queue,
  specs: SignalSpec[],
  w: Workload,
  started: number,
  stop: { aborted: boolean },
  setMark: (token: string, price: string) => void = () => undefined,
): Promise<SignalTimeline[]> {
  const timelines: SignalTimeline[] = specs.map((s) => ({ index: s.index, sentAt: 0 }));
  await Promise.all(
    specs.map(async (s) => {
      const t = timelines[s.index];
      const at = started + s.index * w.intervalMs;
      if (at > Date.now()) await sleep(at - Date.now());
      if (stop.aborted) return;
      t.sentAt = Date.now();
      await queue.add(
        JobName.SignalIngest,
        {
          signalId: s.id,
          agentId: AGENT_ID,
          tokenSymbol: s.token,
          side: s.side,
          sizeModel: { type: 'fixed-usd', value: 1000 },
          riskModel: { type: 'fixed', stop: 0.05, take_profit: 0.1 },
          confidence: 0.8,
          traceId: deterministicId('chaos', 'trace', String(s.index)),
        },
        { jobId: jobId(JobName.SignalIngest, s.id) },
      );
      // Every deployment decided (opened, skipped or failed) and every position filled: only then may the mark move.
      while (!stop.aborted) {
        const [r] = await q(
          pg,
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome = 'PENDING')::int AS pending,
                  count(*) FILTER (WHERE outcome = 'OPENED')::int AS opened,
                  (SELECT count(*)::int FROM positions_v3 WHERE signal_id = $1 AND status <> 'PENDING') AS filled
             FROM signal_outcomes WHERE signal_id = $1`,
          [s.id],
        );
        if (r.n === allDeployments(w) && r.pending === 0 && r.filled >= r.opened) break;
        await sleep(250);
      }
      t.decidedAt = Date.now();
      setMark(s.token, s.closeMark);
      await q(pg, `UPDATE venue_markets SET current_price = $2 WHERE venue IN ('HYPERLIQUID', 'GMX') AND token_symbol = $1`, [
        s.token,
        s.closeMark,
      ]);
      while (!stop.aborted) {
        const [r] = await q(pg, `SELECT count(*)::int AS open FROM positions_v3 WHERE signal_id = $1 AND status IN ('OPEN', 'PENDING')`, [
          s.id,
        ]);
        if (r.open === 0) break;
        await sleep(250);
      }
      t.closedAt = Date.now();
    }),
  );
  return timelines;
}

/** Handles on the run's queues (its own prefix). */
export function openQueues(redisUrl: string, prefix: string): Record<QueueName, Queue> {
  const connection = redisOptions(redisUrl);
  return Object.fromEntries(
    Object.values(QueueName).map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions: QUEUE_JOB_OPTIONS[name] })]),
  ) as Record<QueueName, Queue>;
}

/**
 * Jobs the schedulers create (not pipeline work): every job of the schedules table. A tick has one attempt by design
 * (the next tick does its work), so one failing in an outage is not a lost effect.
 */
export const SCHEDULED_JOBS = new Set<string>(SCHEDULES.map((s) => s.name));

/** Pipeline jobs still waiting, active or delayed. */
export async function unfinishedJobs(queues: Record<QueueName, Queue>): Promise<number> {
  let n = 0;
  for (const queue of Object.values(queues)) {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
    n += jobs.filter((j) => j && !SCHEDULED_JOBS.has(j.name)).length;
  }
  return n;
}

/** The state the pipeline must reach: every outcome final, every position closed, every bill collected, queues empty. */
export async function quiescent(
  pg: Pool,
  queues: Record<QueueName, Queue>,
  w: Workload,
): Promise<{ done: boolean; detail: Record<string, number> }> {
  const [r] = await q(
    pg,
    `SELECT (SELECT count(*)::int FROM signals_v3) AS signals,
            (SELECT count(*)::int FROM signal_outcomes) AS outcomes,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'PENDING') AS pending,
            (SELECT count(*)::int FROM positions_v3 WHERE status IN ('OPEN', 'PENDING')) AS open,
            (SELECT count(*)::int FROM positions_v3 p WHERE p.status = 'CLOSED' AND p.pnl > 0
                AND NOT EXISTS (SELECT 1 FROM billing_events_v3 b WHERE b.position_id = p.id AND b.kind = 'PROFIT_SHARE')) AS unbilled,
            (SELECT count(*)::int FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
              WHERE b.status = 'PENDING' AND d.trading_mode = 'paper') AS uncollected`,
  );
  const jobs = await unfinishedJobs(queues);
  const detail = { ...r, jobs };
  const done =
    r.signals === w.signals &&
    r.outcomes === w.signals * allDeployments(w) &&
    r.pending === 0 &&
    r.open === 0 &&
    r.unbilled === 0 &&
    r.uncollected === 0 &&
    jobs === 0;
  return { done, detail };
}

export interface JobStats {
  queue: string;
  jobs: number;
  /** Jobs that needed more than one attempt (an attempt failed and was retried with backoff). */
  retried: number;
  /** Attempts that failed and were retried, summed. */
  retries: number;
  /** Jobs BullMQ found stalled (their worker died or lost the lock) and put back to wait. */
  stalled: number;
  /** Runs started beyond the attempts counted (stalled runs, and runs put back while the database was away). */
  extraStarts: number;
  /** Jobs that failed after their last attempt. */
  failed: number;
}

export async function jobStats(queues: Record<QueueName, Queue>): Promise<JobStats[]> {
  const out: JobStats[] = [];
  for (const [name, queue] of Object.entries(queues)) {
    const jobs = (await queue.getJobs(['completed', 'failed'])).filter((j) => j && !SCHEDULED_JOBS.has(j.name));
    const failed = (await queue.getJobs(['failed'])).filter((j) => j && !SCHEDULED_JOBS.has(j.name)).length;
    out.push({
      queue: name,
      jobs: jobs.length,
      retried: jobs.filter((j) => j.attemptsMade > 1).length,
      retries: jobs.reduce((n, j) => n + Math.max(0, j.attemptsMade - 1), 0),
      stalled: jobs.filter((j) => (j.stalledCounter ?? 0) > 0).length,
      extraStarts: jobs.reduce((n, j) => n + Math.max(0, (j.attemptsStarted ?? 0) - j.attemptsMade), 0),
      failed,
    });
  }
  return out;
}
