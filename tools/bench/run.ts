// Benchmarks on throw-away databases (Postgres and Redis as for the tests): prints tables, then one line
// `BENCH_JSON {"benchmarks":[...],"figures":[...],"hops":[...],"machine":{...}}` for machines. Exits 1 if a
// benchmark fails. The services and the bare chain run from the build (built first when the sources changed).
//   npm run bench                              routing and pipeline (light, fan-out 1k/3k/10k, burst), about a minute
//   npm run bench -- --only=routing            the routing decision only (in-process, seconds)
//   npm run bench -- --only=pipeline           the services as processes, and the bare BullMQ chain they are compared with
//   npm run bench -- --only=light,burst        some of the pipeline's scenarios (light, fanout, burst)
//   npm run bench -- --only=fanout --fanout=1000,3000   fan-out sizes
//   npm run bench -- --only=modules            what each compiled service loads at boot, its RSS and CPU at idle
//   npm run bench -- --build-dir <dir>         the services of another tree's dist (its migrate script too)
//   npm run bench -- --bare-chunk=1            the bare chain with one executor job per deployment (default OPEN_CHUNK)
//   npm run bench -- --build-dir <dir> --open-job=open   a tree from before the chunked fan-out (one executor.open each)
import 'reflect-metadata';
import { cpus, loadavg } from 'os';
import { BuildTree, ensureBuild, givenBuild } from './build';
import { OPEN_CHUNK } from '@conduit/queue';
import { BenchFigure, DEFAULT_FANOUTS, HopStats } from './chain';
import { Teardown } from './fleet';
import { modulesBench, ModulesReport, modulesTable } from './modules';
import { pipelineBench } from './pipeline';
import { BenchResult, routingBench } from './routing';

const SUITES = ['routing', 'light', 'fanout', 'burst', 'modules'] as const;
type Suite = (typeof SUITES)[number];
/** Names that stand for several suites. */
const ALIASES: Record<string, Suite[]> = { pipeline: ['light', 'fanout', 'burst'] };
const DEFAULT_SUITES: Suite[] = ['routing', 'light', 'fanout', 'burst'];

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
      f.deployments_per_s !== undefined ? `${f.deployments_per_s} deployments/s` : '',
      f.last_opened_at_s !== undefined ? `last opened_at at ${f.last_opened_at_s} s` : '',
      f.bare !== undefined ? `bare chain ${f.bare}` : '',
      f.max_sampled_rss_mb !== undefined ? `idle ${f.idle_rss_mb}, under load ≤ ${f.max_sampled_rss_mb}, at end ${f.rss_end_mb} MiB` : '',
      f.cpu_seconds !== undefined ? `${f.cpu_seconds} CPU s under load, ${f.cpu_cores_avg} cores on average` : '',
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

/** `--name=value` or `--name value`. */
function option(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const value = argv[i] === `--${name}` ? argv[i + 1] : argv[i].slice(name.length + 3);
  if (!value || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

function suites(argv: string[]): Set<Suite> {
  const only = option(argv, 'only');
  if (!only) return new Set(DEFAULT_SUITES);
  const picked = only.split(',').flatMap((s) => ALIASES[s.trim()] ?? [s.trim()]);
  const unknown = picked.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length)
    throw new Error(`unknown suite(s) ${unknown.join(', ')}; choose from ${[...SUITES, ...Object.keys(ALIASES)].join(', ')}`);
  return new Set(picked as Suite[]);
}

function fanouts(argv: string[]): number[] {
  const given = option(argv, 'fanout');
  if (!given) return DEFAULT_FANOUTS;
  const sizes = given.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--fanout takes deployment counts, like 1000,3000`);
  return sizes;
}

function checkArgs(argv: string[]): void {
  const known = ['only', 'fanout', 'build-dir', 'bare-chunk', 'open-job'];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)/.exec(argv[i])?.[1];
    if (!name || !known.includes(name)) throw new Error(`unknown argument ${argv[i]}; known: ${known.map((k) => `--${k}`).join(', ')}`);
    if (!argv[i].includes('=')) i++;
  }
}

async function main() {
  const argv = process.argv.slice(2);
  checkArgs(argv);
  const run = suites(argv);
  const sizes = fanouts(argv);
  const buildDir = option(argv, 'build-dir');
  const bareChunk = Number(option(argv, 'bare-chunk') ?? OPEN_CHUNK);
  if (!Number.isInteger(bareChunk) || bareChunk < 1) throw new Error('--bare-chunk takes a number of deployments, like 1 or 200');
  const openJob = option(argv, 'open-job') ?? 'open-many';
  if (openJob !== 'open' && openJob !== 'open-many') throw new Error('--open-job takes open-many (default) or open (a tree before chunks)');
  const benchmarks: BenchResult[] = [];
  const figures: BenchFigure[] = [];
  const hops: HopStats[] = [];
  let modules: ModulesReport | undefined;
  const started = Date.now();
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const pipeline = run.has('light') || run.has('fanout') || run.has('burst');
  // The bare workers always come from this checkout's build; the services from it or from --build-dir.
  let tree: BuildTree | undefined;
  if (pipeline || run.has('modules')) {
    const own = ensureBuild(log);
    tree = buildDir ? givenBuild(buildDir) : own;
    log(`services: ${tree.dist} (${tree.label}${tree.commit ? `, commit ${tree.commit}` : ''}, ${tree.how})`);
  } else if (buildDir) log('--build-dir applies to the services; the routing benchmark runs in-process from this checkout');
  if (run.has('routing')) {
    log('routing decision');
    benchmarks.push(...(await routingBench()));
  }
  if (pipeline) {
    const report = await pipelineBench(
      {
        tree: tree!,
        bareChunk,
        legacyOpen: openJob === 'open',
        light: run.has('light'),
        burst: run.has('burst'),
        fanouts: run.has('fanout') ? sizes : [],
      },
      log,
    );
    benchmarks.push(...report.benchmarks);
    figures.push(...report.figures);
    hops.push(...report.hops);
  }
  if (run.has('modules')) modules = await modulesBench(tree!, log);
  if (benchmarks.length) console.log(table(benchmarks));
  if (figures.length) console.log(`\n${figureTable(figures)}`);
  if (hops.length)
    console.log(`\nper hop (ms, from job timestamps: wait = processedOn − timestamp, run = finishedOn − processedOn)\n${hopTable(hops)}`);
  if (modules) console.log(`\n${modulesTable(modules)}`);
  // Other work on the machine moves these figures: the load average is printed with them.
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadavg_start: loadStart,
    loadavg_end: loadavg().map((x) => +x.toFixed(2)),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    services: tree ? { dist: tree.dist, commit: tree.commit, build: tree.how, build_s: tree.buildSeconds } : undefined,
    bare_chunk: pipeline ? bareChunk : undefined,
  };
  console.log(
    `\nmachine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load average ` +
      `${machine.loadavg_start.join(' ')} at start, ${machine.loadavg_end.join(' ')} at end; the bench took ${machine.seconds} s` +
      (tree ? `\nservices: ${tree.dist} (${tree.label}${tree.commit ? `, commit ${tree.commit}` : ''}, ${tree.how})` : ''),
  );
  console.log(`BENCH_JSON ${JSON.stringify({ benchmarks, figures, hops, modules, machine })}`);
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
