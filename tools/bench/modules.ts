// What each compiled service loads at boot, and what it costs: the five workers and a bare BullMQ worker (one hop of
// the bare chain), each booted from the build with tools/bench/census.js preloaded, left idle until healthy and
// settled, then asked (SIGUSR2) for its loaded modules by package; RSS (VmRSS) and the boot peak (VmHWM) from /proc,
// and CPU (utime + stime of /proc/<pid>/stat): what the boot used, and what idling used over IDLE_CPU_MS (BullMQ's
// blocking fetch and stalled-job checks, the metrics' collectors, timers). No job runs: CPU under load is the pipeline
// bench's (cpu.<service> figures). Run through tools/bench/run.ts: npm run bench -- --only=modules [--build-dir <dir>].
import { ChildProcess, spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { cleanupRedis, createTestDatabase, freePort, testEnv, waitHealthy } from '@conduit/testing';
import { BARE_WORKER, BuildTree, migrateWith, ROOT, startBuiltService } from './build';
import { cpuSecondsOf, Fleet, memoryOf, sleep, Teardown } from './fleet';
import { SERVICES } from './pipeline';

const CENSUS = join(__dirname, 'census.js');
/** After /health answers, this long before RSS is read and the census taken. */
const SETTLE_MS = 2_000;
/** The idle CPU window, after the settle: every process measured over the same window (10 ms ticks: 0.1 % of a core). */
const IDLE_CPU_MS = 10_000;
/** Packages listed in the table: those with at least this much source loaded in some process. */
const MIN_KIB = 40;

interface Census {
  files: number;
  packages: Record<string, { files: number; bytes: number }>;
  memory: NodeJS.MemoryUsage;
}

export interface ProcessModules {
  name: string;
  rssMb: number;
  bootPeakMb: number;
  heapUsedMb: number;
  files: number;
  packages: number;
  sourceKib: number;
  /** CPU seconds from the start to healthy and settled (the boot), and millicores used over the idle window. */
  bootCpuS: number;
  idleMillicores: number;
  /** Source KiB loaded per package. */
  byPackage: Record<string, number>;
}

export interface ModulesReport {
  dist: string;
  processes: ProcessModules[];
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

type Cpu = { bootCpuS: number; idleMillicores: number };

async function takeCensus(name: string, child: ChildProcess, dir: string, cpu: Cpu): Promise<ProcessModules> {
  const mem = memoryOf(child.pid!);
  if (!mem) throw new Error(`${name} is gone`);
  const file = join(dir, `${child.pid}.json`);
  child.kill('SIGUSR2');
  for (let i = 0; !existsSync(file); i++) {
    if (i > 100) throw new Error(`${name}: no census after 5 s`);
    await sleep(50);
  }
  const c = JSON.parse(readFileSync(file, 'utf8')) as Census;
  const byPackage = Object.fromEntries(Object.entries(c.packages).map(([p, v]) => [p, Math.round(v.bytes / 1024)]));
  const sourceKib = Object.values(byPackage).reduce((a, b) => a + b, 0);
  return {
    name,
    rssMb: Math.round(mem.rssMb * 10) / 10,
    bootPeakMb: Math.round(mem.hwmMb * 10) / 10,
    heapUsedMb: mib(c.memory.heapUsed),
    bootCpuS: Math.round(cpu.bootCpuS * 100) / 100,
    idleMillicores: Math.round(cpu.idleMillicores * 10) / 10,
    files: c.files,
    packages: Object.keys(c.packages).length,
    sourceKib,
    // The packages that weigh (the JSON line stays readable); the totals above count every one.
    byPackage: Object.fromEntries(Object.entries(byPackage).filter(([, kib]) => kib >= 10)),
  };
}

export async function modulesBench(tree: BuildTree, log: (line: string) => void): Promise<ModulesReport> {
  const teardown = new Teardown();
  const dir = mkdtempSync(join(tmpdir(), 'conduit-census-'));
  teardown.add('remove the census files', async () => rmSync(dir, { recursive: true, force: true }));
  try {
    const db = await createTestDatabase(false);
    teardown.add('drop the database', () => db.drop());
    migrateWith(tree, db.url);
    const env = testEnv(db, { LOG_LEVEL: 'warn' });
    teardown.add('clean Redis', () => cleanupRedis(env));
    const fleet = new Fleet();
    teardown.add('stop the processes', () => fleet.stop());
    // The pipeline's five, and the notifier and the gateway (their containers need sizing too: deploy/k8s).
    const measured = [...SERVICES, 'notifier', 'gateway'];
    log(`modules: booting ${measured.join(', ')} and a bare worker, each with the census preloaded`);
    const services = await Promise.all(
      measured.map(async (name) => {
        const port = await freePort();
        const child = startBuiltService(tree, name, env, port, { LOG_LEVEL: 'warn', CENSUS_DIR: dir }, ['-r', CENSUS]);
        fleet.add(name, child, child.output);
        await waitHealthy(child, port, 120_000).catch((e) => {
          throw new Error(`${name}: ${e.message}\n${child.output().slice(-4000)}`);
        });
        return { name, child };
      }),
    );
    const bare = spawn(process.execPath, ['-r', CENSUS, BARE_WORKER], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: env.REDIS_URL, QUEUE_PREFIX: env.QUEUE_PREFIX, BARE_HOP: 'policy', CENSUS_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    bare.stdout!.on('data', (d) => (output += d));
    bare.stderr!.on('data', (d) => (output += d));
    fleet.add('bare-worker', bare, () => output);
    await new Promise<void>((resolve, reject) => {
      bare.once('message', () => resolve());
      bare.once('exit', (code) => reject(new Error(`bare worker exited with ${code}\n${output}`)));
    });
    await sleep(SETTLE_MS);
    const all = [...services, { name: 'bare-worker', child: bare }];
    const cpuNow = () =>
      all.map(({ name, child }) => {
        const s = cpuSecondsOf(child.pid!);
        if (s === null) throw new Error(`${name} is gone`);
        return s;
      });
    log(`modules: CPU of every process over ${IDLE_CPU_MS / 1000} s of idle`);
    const before = cpuNow();
    const startedAt = performance.now();
    await sleep(IDLE_CPU_MS);
    const after = cpuNow();
    const seconds = (performance.now() - startedAt) / 1000;
    const processes: ProcessModules[] = [];
    for (const [i, { name, child }] of all.entries()) {
      const cpu = { bootCpuS: before[i], idleMillicores: ((after[i] - before[i]) / seconds) * 1000 };
      processes.push(await takeCensus(name, child, dir, cpu));
    }
    return { dist: tree.dist, processes };
  } finally {
    await teardown.run();
  }
}

/** One summary row per process, then the source loaded per package (KiB) for the packages that weigh. */
export function modulesTable(report: ModulesReport): string {
  const procs = report.processes;
  const names = procs.map((p) => p.name);
  const rows: string[][] = [
    ['RSS idle, MiB', ...procs.map((p) => p.rssMb.toFixed(1))],
    ['boot peak (VmHWM), MiB', ...procs.map((p) => p.bootPeakMb.toFixed(1))],
    ['V8 heap used, MiB', ...procs.map((p) => p.heapUsedMb.toFixed(1))],
    ['CPU of the boot, s', ...procs.map((p) => p.bootCpuS.toFixed(2))],
    [`CPU idle (${IDLE_CPU_MS / 1000} s), millicores`, ...procs.map((p) => p.idleMillicores.toFixed(1))],
    ['modules loaded', ...procs.map((p) => String(p.files))],
    ['packages', ...procs.map((p) => String(p.packages))],
    ['source loaded, KiB', ...procs.map((p) => String(p.sourceKib))],
  ];
  const all = new Set(procs.flatMap((p) => Object.keys(p.byPackage)));
  const heavy = [...all]
    .map((pkg) => ({ pkg, max: Math.max(...procs.map((p) => p.byPackage[pkg] ?? 0)) }))
    .filter((x) => x.max >= MIN_KIB)
    .sort((a, b) => b.max - a.max);
  const header = ['idle, from the build', ...names];
  const second = `source KiB per package (≥ ${MIN_KIB})`;
  const widths = header.map((h, i) =>
    Math.max(h.length, ...[...rows, [second], ...heavy.map((h) => [h.pkg])].map((r) => (r[i] ?? '').length), 6),
  );
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : c.padStart(widths[i]))).join('  ');
  const packageRows = heavy.map(({ pkg }) => line([pkg, ...procs.map((p) => (p.byPackage[pkg] ? String(p.byPackage[pkg]) : '·'))]));
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    line([second, ...names]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...packageRows,
  ].join('\n');
}
