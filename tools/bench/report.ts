// The pipeline benchmark's figures from what the bare chain and the services did (tools/bench/pipeline.ts): latency
// summaries, fan-out and burst times with their ratios to the bare chain, the growth of the fan-out's cost with the
// number of deployments, RSS per process, and the per-hop profile grouped by scenario.
import { BenchFigure, BURST_DEPLOYMENTS, BURST_SIGNALS, BurstRun, HopStats, LIGHT_SIGNALS, LightRun, POLL_MS } from './chain';
import type { ChainRun, PipelineOptions, PipelineReport } from './pipeline';
import { BenchResult, summarize } from './routing';

const TARGET_LIGHT_P99_MS = 25;
/** The fan-out target applies to one signal to 1,000 deployments. */
const TARGET_FANOUT = { deployments: 1_000, seconds: 1 };
const TARGET_RATIO = 0.5;

const round = (x: number, places = 3) => Math.round(x * 10 ** places) / 10 ** places;
const msSamples = (ms: number[]) => Float64Array.from(ms.map((x) => x * 1e6));

function burstFigures(run: BurstRun): { seconds: number; perSecond: number } {
  const seconds = (run.seenAt - run.sentAt) / 1000;
  return { seconds: round(seconds), perSecond: round(run.expected / seconds, 1) };
}

function lightResult(
  name: string,
  run: LightRun,
  ms: (s: LightRun['samples'][number]) => number,
  extra: Record<string, unknown> = {},
): BenchResult {
  return { ...summarize(name, msSamples(run.samples.map(ms))), ...extra };
}

/** Last opened_at of a run's positions, in seconds after the send. */
function lastOpened(run: ChainRun, burst: BurstRun): number | undefined {
  const all = burst.signalIds.flatMap((id) => run.openedAt?.get(id) ?? []);
  return all.length ? round((Math.max(...all) - burst.sentAt) / 1000) : undefined;
}

const SCENARIO_ORDER = ['light', 'fanout', 'burst'];
const CHAIN_ORDER = ['pipeline', 'bare'];

/** Hops by scenario (light, fan-outs by size, burst), the services' before the bare chain's, in hop order. */
function sortHops(hops: HopStats[]): HopStats[] {
  const size = (s: string) => Number(/×(\d+)/.exec(s)?.[1] ?? 0);
  const kind = (s: string) => SCENARIO_ORDER.indexOf(s.split(' ')[0]);
  return hops
    .map((h, i) => ({ h, i }))
    .sort(
      (a, b) =>
        kind(a.h.scenario) - kind(b.h.scenario) ||
        size(a.h.scenario) - size(b.h.scenario) ||
        CHAIN_ORDER.indexOf(a.h.chain) - CHAIN_ORDER.indexOf(b.h.chain) ||
        a.i - b.i,
    )
    .map(({ h }) => h);
}

export function pipelineFigures(run: ChainRun, bare: ChainRun, options: PipelineOptions): PipelineReport {
  const benchmarks: BenchResult[] = [];
  const figures: BenchFigure[] = [];

  if (run.light && bare.light) {
    benchmarks.push(
      lightResult('bare.light.enqueue→last-job-done', bare.light, (s) => s.seenAt - s.sentAt, { signals: LIGHT_SIGNALS, hops: 4 }),
      lightResult('pipeline.light.enqueue→opened_at', run.light, (s) => run.openedAt!.get(s.signalId)![0] - s.sentAt, {
        signals: LIGHT_SIGNALS,
        deployments: 1,
        measured: 'positions_v3.opened_at (now() of the executor transaction) − enqueue time',
      }),
    );
    const seen = lightResult('pipeline.light.enqueue→position-seen', run.light, (s) => s.seenAt - s.sentAt, {
      signals: LIGHT_SIGNALS,
      deployments: 1,
      measured: 'completion event of executor.open (after the position commit) seen by the bench − enqueue time',
    });
    seen.target_p99_ms = TARGET_LIGHT_P99_MS;
    seen.meets_target = seen.p99 <= TARGET_LIGHT_P99_MS;
    benchmarks.push(seen);
  }

  // Fan-outs: time, the bare chain's, their ratio; per-deployment time relative to the smallest size (1.0 = linear).
  const [base] = options.fanouts;
  for (const n of options.fanouts) {
    const pipe = burstFigures(run.fanouts.get(n)!);
    const b = burstFigures(bare.fanouts.get(n)!);
    const target = n === TARGET_FANOUT.deployments;
    figures.push(
      {
        name: `pipeline.fanout.1×${n}`,
        value: pipe.seconds,
        unit: 's',
        ...(target ? { target: `≤ ${TARGET_FANOUT.seconds} s`, meets_target: pipe.seconds <= TARGET_FANOUT.seconds } : {}),
        positions_per_s: pipe.perSecond,
        last_opened_at_s: lastOpened(run, run.fanouts.get(n)!),
        measured: `enqueue → all ${n} positions OPEN, polled every ${POLL_MS} ms`,
      },
      { name: `bare.fanout.1×${n}`, value: b.seconds, unit: 's', deployments_per_s: b.perSecond },
      {
        name: `pipeline.fanout.1×${n}.ratio`,
        value: round(b.seconds / pipe.seconds),
        unit: '× bare',
        measured: 'bare chain time / pipeline time',
      },
    );
    if (n !== base) {
      const perDeployment = (r: ChainRun) =>
        burstFigures(r.fanouts.get(n)!).seconds / n / (burstFigures(r.fanouts.get(base)!).seconds / base);
      figures.push({
        name: `pipeline.fanout.1×${n}.growth`,
        value: round(perDeployment(run), 2),
        unit: `× per deployment at 1×${base}`,
        bare: round(perDeployment(bare), 2),
        measured: `(time / deployments) at 1×${n} ÷ the same at 1×${base}: 1 = linear, below 1 = cheaper per deployment`,
      });
    }
  }

  if (run.burst && bare.burst) {
    const pipe = burstFigures(run.burst);
    const b = burstFigures(bare.burst);
    figures.push(
      {
        name: `pipeline.burst.${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`,
        value: pipe.perSecond,
        unit: 'positions/s',
        seconds: pipe.seconds,
        last_opened_at_s: lastOpened(run, run.burst),
        measured:
          `${BURST_SIGNALS * BURST_DEPLOYMENTS} positions / (enqueue of ${BURST_SIGNALS} signals → all OPEN, polled ` +
          `every ${POLL_MS} ms)`,
      },
      {
        name: `bare.burst.${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`,
        value: b.perSecond,
        unit: 'deployments/s',
        seconds: b.seconds,
        measured: 'signals × deployments / (enqueue → every executor.open-many job completed)',
      },
      {
        name: 'pipeline.burst.ratio',
        value: round(pipe.perSecond / b.perSecond),
        unit: '× bare',
        target: `≥ ${TARGET_RATIO}`,
        meets_target: pipe.perSecond / b.perSecond >= TARGET_RATIO,
        measured: "pipeline positions/s / bare chain deployments/s (the same count over each one's time)",
      },
    );
  }

  for (const m of [...run.memory, ...bare.memory]) {
    figures.push({
      name: `rss.${m.name}`,
      value: round(m.hwmMb, 1),
      unit: 'MiB peak',
      idle_rss_mb: round(m.idleRssMb, 1),
      max_sampled_rss_mb: round(m.maxSampledRssMb, 1),
      rss_end_mb: round(m.rssMb, 1),
      measured: 'VmHWM of /proc/<pid>/status at the end (peak resident set of the whole life, boot included); idle: VmRSS once healthy',
    });
  }
  for (const m of [...run.memory, ...bare.memory]) {
    figures.push({
      name: `cpu.${m.name}`,
      value: round(m.cpuCoresPeak, 2),
      unit: 'cores peak (1 s)',
      cpu_cores_avg: round(m.cpuCoresAvg, 3),
      cpu_seconds: round(m.cpuSeconds, 2),
      measured:
        'utime + stime of /proc/<pid>/stat: the busiest 1 s window sampled under load (value), and the CPU seconds from ' +
        'the warm-up to the end over the wall time (average cores, every scenario and the waits between them)',
    });
  }
  return { benchmarks, figures, hops: sortHops([...run.hops, ...bare.hops]) };
}
