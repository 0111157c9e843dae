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
  for (let j = 0; j < w.deployments; j++) {
    await pg.query(
      `INSERT INTO agent_deployments_v3 (id, agent_id, user_wallet, status, sub_active, policy) VALUES ($1, $2, $3, 'ACTIVE', TRUE, $4)`,
      [deploymentId(j), AGENT_ID, `0xchaosuser${j}`, denies(j) ? { denied_tokens: denied } : {}],
    );
  }
  return specs;
}

/** Expected outcome count per kind, from the workload alone. */
export function expectedOutcomes(w: Workload): { opened: number; skipped: number } {
  let skipped = 0;
  for (let i = 0; i < w.signals; i++) for (let j = 0; j < w.deployments; j++) if (denies(j) && deniedSignal(i)) skipped++;
  return { opened: w.signals * w.deployments - skipped, skipped };
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
 * each through its life: once every deployment has its outcome, the mark moves; then its positions close.
 */
export async function drive(
  pg: Pool,
  queue: Queue,
  specs: SignalSpec[],
  w: Workload,
  started: number,
  stop: { aborted: boolean },
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
      // Every deployment decided (opened, skipped or failed): only then may the mark move.
      while (!stop.aborted) {
        const [r] = await q(
          pg,
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome = 'PENDING')::int AS pending FROM signal_outcomes WHERE signal_id =
            $1`,
          [s.id],
        );
        if (r.n === w.deployments && r.pending === 0) break;
        await sleep(250);
      }
      t.decidedAt = Date.now();
      await q(pg, `UPDATE venue_markets SET current_price = $2 WHERE venue = 'HYPERLIQUID' AND token_symbol = $1`, [s.token, s.closeMark]);
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
            (SELECT count(*)::int FROM billing_events_v3 WHERE status = 'PENDING') AS uncollected`,
  );
  const jobs = await unfinishedJobs(queues);
  const detail = { ...r, jobs };
  const done =
    r.signals === w.signals &&
    r.outcomes === w.signals * w.deployments &&
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

/** What a run left in the database, keyed so that two runs (same ids) compare row by row. */
export interface Ledger {
  outcomes: Map<string, string>;
  positions: Map<string, { status: string; qty: string; entry: string; exit: string | null; pnl: string | null; reason: string | null }>;
  bills: Map<string, { amount: string; status: string }>;
  orders: Map<string, { status: string; qty: string | null; price: string | null; fee: string | null }>;
  totals: Totals;
  duplicates: Record<string, number>;
  signalsNotFinal: number;
}

export interface Totals {
  signals: number;
  outcomes: number;
  opened: number;
  skipped: number;
  failed: number;
  pending: number;
  positions: number;
  closed: number;
  pnl: string;
  fees: string;
  orders: number;
  bills: number;
  billed: string;
  collected: number;
}

export async function ledger(pg: Pool): Promise<Ledger> {
  const outcomes = new Map<string, string>();
  for (const r of await q(pg, `SELECT signal_id, deployment_id, outcome FROM signal_outcomes`))
    outcomes.set(`${r.signal_id}|${r.deployment_id}`, r.outcome);
  const positions: Ledger['positions'] = new Map();
  for (const r of await q(
    pg,
    `SELECT signal_id, deployment_id, status, qty::text, entry_price::text, exit_price::text, pnl::text, exit_reason FROM positions_v3`,
  )) {
    positions.set(`${r.signal_id}|${r.deployment_id}`, {
      status: r.status,
      qty: r.qty,
      entry: r.entry_price,
      exit: r.exit_price,
      pnl: r.pnl,
      reason: r.exit_reason,
    });
  }
  const bills: Ledger['bills'] = new Map();
  for (const r of await q(
    pg,
    `SELECT p.signal_id, p.deployment_id, b.amount::text, b.status FROM billing_events_v3 b JOIN positions_v3 p ON p.id = b.position_id
      WHERE b.kind = 'PROFIT_SHARE'`,
  )) {
    bills.set(`${r.signal_id}|${r.deployment_id}`, { amount: r.amount, status: r.status });
  }
  const orders: Ledger['orders'] = new Map();
  for (const r of await q(
    pg,
    `SELECT venue, client_order_id, status, filled_qty::text, avg_fill_price::text, fee::text FROM venue_orders`,
  )) {
    orders.set(`${r.venue}|${r.client_order_id}`, { status: r.status, qty: r.filled_qty, price: r.avg_fill_price, fee: r.fee });
  }
  const [t] = await q(
    pg,
    `SELECT (SELECT count(*)::int FROM signals_v3) AS signals,
            (SELECT count(*)::int FROM signal_outcomes) AS outcomes,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'OPENED') AS opened,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'SKIPPED') AS skipped,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'FAILED') AS failed,
            (SELECT count(*)::int FROM signal_outcomes WHERE outcome = 'PENDING') AS pending,
            (SELECT count(*)::int FROM positions_v3) AS positions,
            (SELECT count(*)::int FROM positions_v3 WHERE status = 'CLOSED') AS closed,
            (SELECT COALESCE(sum(pnl), 0)::text FROM positions_v3) AS pnl,
            (SELECT COALESCE(sum(fee), 0)::text FROM venue_orders WHERE status = 'FILLED') AS fees,
            (SELECT count(*)::int FROM venue_orders) AS orders,
            (SELECT count(*)::int FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE') AS bills,
            (SELECT COALESCE(sum(amount), 0)::text FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE') AS billed,
            (SELECT count(*)::int FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE' AND status = 'COLLECTED') AS collected`,
  );
  // The unique constraints make these zero by construction; counted anyway, since they are the claim.
  const [d] = await q(
    pg,
    `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM signal_outcomes GROUP BY signal_id, deployment_id HAVING count(*) > 1) x) AS outcomes,
            (SELECT count(*)::int FROM (SELECT 1 FROM positions_v3 GROUP BY deployment_id, signal_id HAVING count(*) > 1) x) AS positions,
            (SELECT count(*)::int FROM (SELECT 1 FROM venue_orders GROUP BY venue, client_order_id HAVING count(*) > 1) x) AS cloids,
            (SELECT count(*)::int FROM (SELECT 1 FROM venue_orders GROUP BY deployment_id, signal_id, reduce_only HAVING count(*) > 1) x)
              AS orders_per_leg,
            (SELECT count(*)::int FROM (SELECT 1 FROM billing_events_v3 WHERE kind = 'PROFIT_SHARE' GROUP BY position_id HAVING count(*) >
              1) x) AS bills,
            (SELECT count(*)::int FROM (SELECT 1 FROM venue_routing_history_v3 GROUP BY signal_id HAVING count(*) > 1) x) AS routings,
            (SELECT count(*)::int FROM (SELECT 1 FROM audit_logs WHERE action = 'v3.position.opened' GROUP BY entity_id HAVING
              count(*) > 1) x) AS open_audits,
            (SELECT count(*)::int FROM (SELECT 1 FROM audit_logs WHERE action = 'v3.position.closed' GROUP BY entity_id HAVING
              count(*) > 1) x) AS close_audits`,
  );
  const [{ n: signalsNotFinal }] = await q(
    pg,
    `SELECT count(*)::int AS n FROM signals_v3 WHERE status NOT IN ('EXECUTED', 'SKIPPED', 'FAILED')`,
  );
  return { outcomes, positions, bills, orders, totals: t, duplicates: d, signalsNotFinal };
}

/**
 * The verdict on a run: every signal × deployment has exactly one final outcome, nothing duplicated, and — against
 * the baseline when given — the same outcome, position, fill and bill for every key.
 */
export function verify(
  run: Ledger,
  w: Workload,
  baseline?: Ledger,
): { violations: string[]; lost: number; duplicates: number; mismatches: number } {
  const violations: string[] = [];
  const expected = expectedOutcomes(w);
  const t = run.totals;
  let lost = 0;
  const missingOutcomes = w.signals * w.deployments - t.outcomes;
  if (t.signals !== w.signals) {
    violations.push(`${w.signals - t.signals} signal(s) never stored`);
    lost += w.signals - t.signals;
  }
  if (missingOutcomes > 0) {
    violations.push(`${missingOutcomes} signal × deployment pair(s) have no outcome`);
    lost += missingOutcomes;
  }
  if (t.pending) {
    violations.push(`${t.pending} outcome(s) still PENDING`);
    lost += t.pending;
  }
  if (run.signalsNotFinal) violations.push(`${run.signalsNotFinal} signal(s) not final (EXECUTED / SKIPPED / FAILED)`);
  if (t.failed) violations.push(`${t.failed} outcome(s) FAILED (an infrastructure fault must not become a business failure)`);
  if (t.opened !== expected.opened || t.skipped !== expected.skipped)
    violations.push(`outcomes ${t.opened} opened / ${t.skipped} skipped, expected ${expected.opened} / ${expected.skipped}`);
  if (t.positions !== t.opened) violations.push(`${t.positions} position(s) for ${t.opened} opened outcome(s)`);
  if (t.closed !== t.positions) {
    violations.push(`${t.positions - t.closed} position(s) not closed`);
    lost += t.positions - t.closed;
  }
  if (t.orders !== 2 * t.positions)
    violations.push(`${t.orders} venue order(s) for ${t.positions} position(s) (expected one open and one close each)`);
  const profitable = [...run.positions.values()].filter((p) => p.pnl !== null && Number(p.pnl) > 0).length;
  if (t.bills !== profitable) {
    violations.push(`${t.bills} profit-share bill(s) for ${profitable} profitable position(s)`);
    lost += Math.max(0, profitable - t.bills);
  }
  if (t.collected !== t.bills) violations.push(`${t.bills - t.collected} bill(s) not collected`);
  const duplicates = Object.values(run.duplicates).reduce((a, b) => a + b, 0);
  for (const [what, n] of Object.entries(run.duplicates)) if (n) violations.push(`${n} duplicate ${what}`);

  let mismatches = 0;
  if (baseline) {
    const differ = (what: string, a: unknown, b: unknown, key: string) => {
      if (JSON.stringify(a) === JSON.stringify(b)) return;
      mismatches++;
      if (mismatches <= 10) violations.push(`${what} ${key}: ${JSON.stringify(a)} vs baseline ${JSON.stringify(b)}`);
    };
    const keys = <T>(a: Map<string, T>, b: Map<string, T>) => new Set([...a.keys(), ...b.keys()]);
    for (const k of keys(run.outcomes, baseline.outcomes)) differ('outcome', run.outcomes.get(k), baseline.outcomes.get(k), k);
    for (const k of keys(run.positions, baseline.positions)) differ('position', run.positions.get(k), baseline.positions.get(k), k);
    for (const k of keys(run.bills, baseline.bills)) differ('bill', run.bills.get(k), baseline.bills.get(k), k);
    for (const k of keys(run.orders, baseline.orders)) differ('order', run.orders.get(k), baseline.orders.get(k), k);
    const totals = (x: Totals) => ({
      positions: x.positions,
      pnl: x.pnl,
      fees: x.fees,
      orders: x.orders,
      bills: x.bills,
      billed: x.billed,
    });
    if (JSON.stringify(totals(t)) !== JSON.stringify(totals(baseline.totals))) {
      violations.push(`totals ${JSON.stringify(totals(t))} differ from the baseline's ${JSON.stringify(totals(baseline.totals))}`);
    }
    if (mismatches > 10) violations.push(`… ${mismatches - 10} more row(s) differ from the baseline`);
  }
  return { violations, lost, duplicates, mismatches };
}
