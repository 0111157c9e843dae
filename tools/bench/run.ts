// Benchmarks on throw-away databases (Postgres and Redis as for the tests): prints tables, then one line
// `BENCH_JSON {"benchmarks":[...],"figures":[...],"hops":[...]}` for machines. Exits 1 if a benchmark fails.
//   npm run bench                      everything (about two minutes)
//   npm run bench -- --only=routing    the routing decision only (in-process, seconds)
//   npm run bench -- --only=pipeline   the services as processes, and the bare BullMQ chain they are compared with
import 'reflect-metadata';
import { cpus, loadavg } from 'os';
import { BenchFigure, HopStats } from './chain';
import { Teardown } from './fleet';
import { pipelineBench } from './pipeline';
import { BenchResult, routingBench } from './routing';

const SUITES = ['routing', 'pipeline'] as const;
type Suite = (typeof SUITES)[number];

const FIGURES = ['n', 'p50', 'p90', 'p99', 'max'] as const;

/** Columns left-aligned up to `leftColumns`, right-aligned after. */
function render(header: string[], rows: string[][], leftColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const verdict = (met: unknown) => (met ? 'met' : 'MISSED');

/** Latencies: one row per benchmark. */
function table(results: BenchResult[]): string {
  const header = ['benchmark', 'unit', ...FIGURES, 'markets', 'cold misses', 'p99 target'];
  const rows = results.map((r) => [
    r.name,
    r.unit,
    ...FIGURES.map((f) => (f === 'n' ? String(r.n) : r[f].toFixed(3))),
    r.markets === undefined ? '' : String(r.markets),
    r.coldMisses === undefined ? '' : String(r.coldMisses),
    r.target_p99_ms === undefined ? '' : `≤ ${r.target_p99_ms} ${verdict(r.meets_target)}`,
  ]);
  return render(header, rows, 2);
}

/** Seconds, rates, ratios and memory: one row per figure. */
function figureTable(figures: BenchFigure[]): string {
  const header = ['figure', 'value', 'unit', 'target', 'detail'];
  const detail = (f: BenchFigure) =>
    [
      f.seconds !== undefined ? `${f.seconds} s` : '',
      f.positions_per_s !== undefined ? `${f.positions_per_s} positions/s` : '',
      f.jobs_per_s !== undefined ? `${f.jobs_per_s} jobs/s` : '',
      f.last_opened_at_s !== undefined ? `last opened_at at ${f.last_opened_at_s} s` : '',
      f.max_sampled_rss_mb !== undefined ? `under load ≤ ${f.max_sampled_rss_mb}, at end ${f.rss_end_mb} MiB` : '',
    ]
      .filter(Boolean)
      .join('; ');
  const rows = figures.map((f) => [f.name, String(f.value), f.unit, f.target ? `${f.target} ${verdict(f.meets_target)}` : '', detail(f)]);
  return render(header, rows, 1);
}

/** Per-hop profile: queue wait and handler time from the jobs' timestamps (ms). */
function hopTable(hops: HopStats[]): string {
  const header = ['chain', 'scenario', 'hop', 'jobs', 'wait p50', 'wait p99', 'run p50', 'run p99', 'span'];
  const rows = hops.map((h) => [
    h.chain,
    h.scenario,
    h.hop,
    String(h.jobs),
    ...[h.wait_p50, h.wait_p99, h.run_p50, h.run_p99, h.span].map(String),
  ]);
  return render(header, rows, 3);
}

function suites(argv: string[]): Suite[] {
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (!only) return [...SUITES];
  const picked = only.split(',').map((s) => s.trim());
  const unknown = picked.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
  return picked as Suite[];
}

async function main() {
  const run = suites(process.argv.slice(2));
  const benchmarks: BenchResult[] = [];
  const figures: BenchFigure[] = [];
  const hops: HopStats[] = [];
  const started = Date.now();
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  if (run.includes('routing')) {
    log('routing decision');
    benchmarks.push(...(await routingBench()));
  }
  if (run.includes('pipeline')) {
    const report = await pipelineBench(log);
    benchmarks.push(...report.benchmarks);
    figures.push(...report.figures);
    hops.push(...report.hops);
  }
  console.log(table(benchmarks));
  if (figures.length) console.log(`\n${figureTable(figures)}`);
  if (hops.length)
    console.log(`\nper hop (ms, from job timestamps: wait = processedOn − timestamp, run = finishedOn − processedOn)\n${hopTable(hops)}`);
  // Other work on the machine moves these figures: the load average is printed with them.
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadavg_start: loadStart,
    loadavg_end: loadavg().map((x) => +x.toFixed(2)),
  };
  console.log(
    `\nmachine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load average ` +
      `${machine.loadavg_start.join(' ')} at start, ${machine.loadavg_end.join(' ')} at end`,
  );
  console.log(`BENCH_JSON ${JSON.stringify({ benchmarks, figures, hops, machine })}`);
}

// Ctrl-C or a kill: stop the children, remove the queues and the database before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    void Teardown.runAll().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
