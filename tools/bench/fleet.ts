// Child processes of the pipeline benchmarks (the services, the bare chain's workers), their memory, and a
// teardown that runs whatever happens: on success, on failure, and on Ctrl-C (see run.ts).
import { ChildProcess } from 'child_process';
import { readFileSync } from 'fs';

/** Cleanup steps run in reverse order of registration, each once; one failing does not stop the others. */
export class Teardown {
  private static readonly active = new Set<Teardown>();
  private readonly steps: { what: string; fn: () => Promise<unknown> }[] = [];
  private ran: Promise<void> | null = null;

  constructor() {
    Teardown.active.add(this);
  }

  add(what: string, fn: () => Promise<unknown>): void {
    this.steps.push({ what, fn });
  }

  run(): Promise<void> {
    this.ran ??= (async () => {
      for (const { what, fn } of [...this.steps].reverse()) {
        try {
          await fn();
        } catch (e) {
          console.error(`bench cleanup: could not ${what}: ${(e as Error).message}`);
        }
      }
      Teardown.active.delete(this);
    })();
    return this.ran;
  }

  /** Every teardown not run yet (a signal arrived mid-benchmark). */
  static runAll(): Promise<void[]> {
    return Promise.all([...Teardown.active].map((t) => t.run()));
  }
}

/** VmRSS and VmHWM (peak resident set) of a process in MiB, from /proc; null once it is gone. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux for every architecture Node runs on). */
const USER_HZ = 100;

/**
 * CPU seconds a process has used so far (user + system, /proc/<pid>/stat fields 14 and 15, in 10 ms ticks); null once
 * it is gone. The fields are counted after the command name's closing parenthesis, which may itself hold spaces.
 */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime (14) and stime (15) are fields[11] and fields[12].
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

export interface MemoryFigures {
  name: string;
  pid: number;
  idleRssMb: number;
  hwmMb: number;
  maxSampledRssMb: number;
  rssMb: number;
  /** CPU seconds used from markIdle() to now (the load), and that over the wall seconds: cores used on average. */
  cpuSeconds: number;
  cpuCoresAvg: number;
  /** The most cores used over one sampled window of CPU_WINDOW_MS under load. */
  cpuCoresPeak: number;
}

/** The window the sampler computes a process's CPU rate over (10 ms ticks: 1 s gives 1 % resolution). */
const CPU_WINDOW_MS = 1_000;

export interface Member {
  name: string;
  child: ChildProcess;
  output: () => string;
  /** Largest VmRSS seen by the sampler (MiB). */
  maxRssMb: number;
  /** VmRSS when markIdle() was called: booted and healthy, before any load (MiB). */
  idleRssMb: number;
  /** CPU seconds and wall time (ms) at markIdle(); the last CPU window's start; the largest rate seen (cores). */
  idleCpu: { seconds: number; at: number };
  window: { seconds: number; at: number };
  peakCores: number;
}

/** A set of child processes: fails fast when one dies, samples their memory, stops them all (TERM, then KILL). */
export class Fleet {
  readonly members: Member[] = [];
  private sampler: NodeJS.Timeout | null = null;
  private stopping = false;
  private died: string | null = null;

  add(name: string, child: ChildProcess, output: () => string): Member {
    const member: Member = {
      name,
      child,
      output,
      maxRssMb: 0,
      idleRssMb: NaN,
      idleCpu: { seconds: NaN, at: NaN },
      window: { seconds: NaN, at: NaN },
      peakCores: 0,
    };
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.died ??= `${name} exited (${code ?? signal}) during the benchmark\n${output().slice(-4000)}`;
    });
    this.members.push(member);
    return member;
  }

  /** Throws when a member died unexpectedly (called from the waiting loops). */
  check(): void {
    if (this.died) throw new Error(this.died);
  }

  /** Records every member's VmRSS and CPU time now, as its idle figure (call once booted, before any load). */
  markIdle(): void {
    for (const m of this.members) {
      m.idleRssMb = (m.child.pid ? memoryOf(m.child.pid)?.rssMb : undefined) ?? NaN;
      m.idleCpu = { seconds: (m.child.pid ? cpuSecondsOf(m.child.pid) : null) ?? NaN, at: performance.now() };
      m.window = { ...m.idleCpu };
    }
  }

  /** Samples every member's VmRSS every `everyMs` while load runs, and its CPU rate over every CPU_WINDOW_MS. */
  sample(everyMs = 100): void {
    this.sampler ??= setInterval(() => {
      const now = performance.now();
      for (const m of this.members) {
        const mem = m.child.pid ? memoryOf(m.child.pid) : null;
        if (mem && mem.rssMb > m.maxRssMb) m.maxRssMb = mem.rssMb;
        if (!(now - m.window.at >= CPU_WINDOW_MS)) continue;
        const cpu = m.child.pid ? cpuSecondsOf(m.child.pid) : null;
        if (cpu === null) continue;
        m.peakCores = Math.max(m.peakCores, (cpu - m.window.seconds) / ((now - m.window.at) / 1000) || 0);
        m.window = { seconds: cpu, at: now };
      }
    }, everyMs);
    this.sampler.unref();
  }

  /**
   * Per member: RSS at idle, peak RSS of its whole life (VmHWM), the largest RSS sampled under load, RSS now (MiB);
   * CPU since markIdle() (seconds, average cores) and the busiest window.
   */
  memory(): MemoryFigures[] {
    return this.members.map((m) => {
      const mem = m.child.pid ? memoryOf(m.child.pid) : null;
      const cpuSeconds = ((m.child.pid ? cpuSecondsOf(m.child.pid) : null) ?? NaN) - m.idleCpu.seconds;
      return {
        cpuSeconds,
        cpuCoresAvg: cpuSeconds / ((performance.now() - m.idleCpu.at) / 1000),
        cpuCoresPeak: m.peakCores,
        name: m.name,
        pid: m.child.pid ?? -1,
        idleRssMb: m.idleRssMb,
        hwmMb: mem?.hwmMb ?? NaN,
        maxSampledRssMb: Math.max(m.maxRssMb, mem?.rssMb ?? 0),
        rssMb: mem?.rssMb ?? NaN,
      };
    });
  }

  /** SIGTERM to all (services drain and exit 0), SIGKILL to whatever is still alive after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    if (this.sampler) clearInterval(this.sampler);
    await Promise.all(
      this.members.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Wall-clock milliseconds with microsecond resolution (comparable with Postgres timestamps and BullMQ's Date.now()). */
export const wallMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
