// What a chaos run prints: the violations found, the tables of faults, jobs and totals, and one CHAOS_JSON line.
import { QueueName } from '@conduit/queue';
import { JobStats, SignalTimeline } from './scenario';
import { Ledger, verify } from './ledger';
import { GmxChainFigures } from './gmx';
import { Fault, Options } from './options';
import { WORKERS, WorkerName } from './services';

export const QUEUE_OF: Record<WorkerName, QueueName> = {
  signal: QueueName.Signal,
  policy: QueueName.Policy,
  router: QueueName.Router,
  executor: QueueName.Executor,
  billing: QueueName.Billing,
};

export interface FaultRecord {
  fault: Fault;
  /** Seconds after the run started. */
  at: number;
  /** Pipeline jobs running when it hit (they are cut off and must come back as stalled jobs). */
  activeJobs: number;
  /** How long the component was down (kill to restart, or the outage). */
  downMs: number;
  /** Fault → every service answers /health again. */
  healthyMs: number | null;
  /** Fault → every job cut off is completed and the pipeline has moved on. */
  recoveredMs: number | null;
  /** Jobs cut off that ended up completed. */
  recoveredJobs: number;
  note?: string;
}

export interface RunResult {
  name: string;
  ledger: Ledger;
  jobs: JobStats[];
  faults: FaultRecord[];
  durationMs: number;
  quiesceMs: number;
  timelines: SignalTimeline[];
  unexpectedExits: string[];
  gracefulExits: number;
  routerListening: boolean;
  logRetries: Record<string, { retries: number; outageWaits: number }>;
  /** What the GMX chain recorded (a run with a GMX leg). */
  gmx?: GmxChainFigures;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

/** Per signal: sent → every deployment decided, and mark moved → every position closed (p50 and max, seconds). */
function latencies(timelines: SignalTimeline[]) {
  const stat = (xs: number[]) => {
    const sorted = xs.sort((a, b) => a - b);
    return sorted.length
      ? { p50: round1(sorted[Math.floor(sorted.length / 2)] / 1000), max: round1(sorted[sorted.length - 1] / 1000) }
      : null;
  };
  return {
    decided_s: stat(timelines.filter((t) => t.decidedAt).map((t) => t.decidedAt! - t.sentAt)),
    closed_s: stat(timelines.filter((t) => t.closedAt && t.decidedAt).map((t) => t.closedAt! - t.decidedAt!)),
  };
}
export const secs = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1));
export function log(s: string) {
  console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${s}`);
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/**
 * Checks both runs (the baseline's ledger on its own, the fault run's against the baseline), prints the report and
 * answers the summary printed as CHAOS_JSON, with every violation found.
 */
export function report(opts: Options, chaos: RunResult, baseline: RunResult | undefined, redisConfig: Record<string, string>) {
  const base = baseline && verify(baseline.ledger, opts, undefined, baseline.gmx);
  const verdict = verify(chaos.ledger, opts, baseline?.ledger, chaos.gmx);
  const violations = [...(base?.violations.map((v) => `baseline: ${v}`) ?? []), ...verdict.violations];
  for (const r of [baseline, chaos]) {
    if (!r) continue;
    for (const e of r.unexpectedExits) violations.push(`${r.name}: ${e}`);
    if (r.gracefulExits !== WORKERS.length)
      violations.push(`${r.name}: ${WORKERS.length - r.gracefulExits} service(s) did not stop on SIGTERM`);
    if (!r.routerListening) violations.push(`${r.name}: the router's LISTEN connection was not there at the end`);
  }
  for (const f of chaos.faults) {
    if (f.recoveredMs === null) violations.push(`${f.fault}: not recovered (${f.recoveredJobs}/${f.activeJobs} cut-off jobs completed)`);
  }
  const failedJobs = chaos.jobs.reduce((n, j) => n + j.failed, 0);
  if (failedJobs) violations.push(`${failedJobs} job(s) failed after their last attempt`);

  console.log('\nFaults');
  console.log(
    table(
      ['fault', 'at s', 'jobs in flight', 'down s', 'healthy after s', 'recovered after s', 'cut-off jobs completed'],
      chaos.faults.map((f) => [
        f.fault,
        f.at.toFixed(1),
        f.activeJobs,
        secs(f.downMs),
        secs(f.healthyMs),
        secs(f.recoveredMs),
        `${f.recoveredJobs}/${f.activeJobs}`,
      ]),
    ),
  );
  console.log('\nJobs (fault run; baseline in brackets)');
  console.log(
    table(
      ['queue', 'jobs', 'retried', 'retries', 'stalled', 'uncounted runs', 'database waits (log)', 'failed'],
      chaos.jobs.map((j) => {
        const b = baseline?.jobs.find((x) => x.queue === j.queue);
        const both = (k: keyof JobStats) => (b ? `${j[k]} (${b[k]})` : String(j[k]));
        const service = WORKERS.find((w) => QUEUE_OF[w] === j.queue)!;
        return [
          j.queue,
          both('jobs'),
          both('retried'),
          both('retries'),
          both('stalled'),
          both('extraStarts'),
          String(chaos.logRetries[service]?.outageWaits ?? 0),
          both('failed'),
        ];
      }),
    ),
  );
  console.log('\nTotals');
  const keys = Object.keys(chaos.ledger.totals) as (keyof Ledger['totals'])[];
  console.log(
    table(
      ['figure', 'baseline', 'with faults'],
      keys.map((k) => [k, baseline ? String(baseline.ledger.totals[k]) : '-', String(chaos.ledger.totals[k])]),
    ),
  );
  if (chaos.gmx) {
    console.log(`\nGMX chain (keeper after ${opts.gmxKeeperMs} ms)`);
    const figures: (keyof GmxChainFigures)[] = ['accounts', 'ordersCreated', 'ordersExecuted', 'ordersCancelled', 'ordersFrozen'];
    figures.push('openPositions', 'pendingOrders');
    console.log(
      table(
        ['figure', 'baseline', 'with faults'],
        figures.map((k) => [k, baseline?.gmx ? String(baseline.gmx[k]) : '-', String(chaos.gmx![k])]),
      ),
    );
  }
  const lat = { faults: latencies(chaos.timelines), baseline: baseline ? latencies(baseline.timelines) : null };
  const fmt = (x: { p50: number; max: number } | null | undefined) => (x ? `p50 ${x.p50} s, max ${x.max} s` : '-');
  console.log(`\nsignal sent → every deployment decided: ${fmt(lat.faults.decided_s)} (baseline ${fmt(lat.baseline?.decided_s)})`);
  console.log(`mark moved → every position closed:     ${fmt(lat.faults.closed_s)} (baseline ${fmt(lat.baseline?.closed_s)})`);
  console.log(
    `\nlost ${verdict.lost}, duplicates ${verdict.duplicates}, rows differing from the baseline ` +
      `${baseline ? verdict.mismatches : 'n/a'}; ` +
      `run ${secs(chaos.durationMs)} s with faults${baseline ? `, ${secs(baseline.durationMs)} s baseline` : ''}`,
  );
  if (violations.length) {
    console.log('\nVIOLATIONS');
    for (const v of violations) console.log(`  - ${v}`);
  } else {
    console.log('\nOK: every signal × deployment has exactly one outcome; nothing lost, nothing duplicated; totals equal the baseline');
  }
  const summary = {
    workload: {
      signals: opts.signals,
      deployments: opts.deployments,
      gmx_deployments: opts.gmxDeployments,
      gmx_keeper_ms: opts.gmxKeeperMs,
      interval_ms: opts.intervalMs,
      pg_outage_ms: opts.pgOutageMs,
      redis_outage_ms: opts.redisOutageMs,
    },
    redis: redisConfig,
    faults: chaos.faults,
    jobs: chaos.jobs,
    baseline_jobs: baseline?.jobs,
    logged_retries: chaos.logRetries,
    totals: chaos.ledger.totals,
    baseline_totals: baseline?.ledger.totals,
    gmx_chain: chaos.gmx,
    baseline_gmx_chain: baseline?.gmx,
    lost: verdict.lost,
    duplicates: verdict.duplicates,
    duplicates_by_kind: chaos.ledger.duplicates,
    mismatches: baseline ? verdict.mismatches : null,
    latency: lat,
    duration_s: { faults: round1(chaos.durationMs / 1000), baseline: baseline ? round1(baseline.durationMs / 1000) : null },
    settle_s: { faults: round1(chaos.quiesceMs / 1000), baseline: baseline ? round1(baseline.quiesceMs / 1000) : null },
    violations,
    ok: violations.length === 0,
  };
  return summary;
}
