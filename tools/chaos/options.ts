// The chaos harness's command line (docs/CHAOS.md): the workload, the faults and their lengths.
import { Workload } from './scenario';
import { WORKERS } from './services';

export const FAULTS = [...WORKERS, 'redis', 'postgres'] as const;
export type Fault = (typeof FAULTS)[number];

export interface Options extends Workload {
  faults: Fault[];
  pgOutageMs: number;
  redisOutageMs: number;
  baseline: boolean;
  keep: boolean;
  quiesceTimeoutMs: number;
  /** Pause between one fault's component being healthy again and the next fault. */
  gapMs: number;
  redisPersistence: 'aof' | 'none';
  /** The GMX chain's keeper executes each order this long after the transaction that created it. */
  gmxKeeperMs: number;
}

const FLAGS = [
  'signals',
  'deployments',
  'gmx-deployments',
  'gmx-keeper-ms',
  'interval-ms',
  'pg-outage-ms',
  'redis-outage-ms',
  'timeout-ms',
  'gap-ms',
  'redis-persistence',
  'faults',
];
const SWITCHES = ['no-baseline', 'keep'];

export function options(argv: string[]): Options {
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (FLAGS.includes(name)) i++;
    else if (!SWITCHES.includes(name))
      throw new Error(`unknown argument ${argv[i]} (flags: ${[...FLAGS, ...SWITCHES].map((f) => `--${f}`).join(' ')})`);
  }
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, dflt: number) => {
    const v = flag(name);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number`);
    return Number(v);
  };
  const faults = (flag('faults') ?? FAULTS.join(',')).split(',').filter(Boolean) as Fault[];
  const unknown = faults.filter((f) => !FAULTS.includes(f));
  if (unknown.length) throw new Error(`unknown fault(s): ${unknown.join(', ')} (known: ${FAULTS.join(', ')})`);
  return {
    signals: int('signals', 30),
    deployments: int('deployments', 20),
    gmxDeployments: int('gmx-deployments', 3),
    gmxKeeperMs: int('gmx-keeper-ms', 2000),
    intervalMs: int('interval-ms', 1500),
    pgOutageMs: int('pg-outage-ms', 5000),
    redisOutageMs: int('redis-outage-ms', 2000),
    quiesceTimeoutMs: int('timeout-ms', 180_000),
    gapMs: int('gap-ms', 2000),
    redisPersistence: persistence(flag('redis-persistence')),
    faults,
    baseline: !argv.includes('--no-baseline'),
    keep: argv.includes('--keep'),
  };
}

function persistence(v: string | undefined): 'aof' | 'none' {
  if (v === undefined || v === 'aof' || v === 'none') return v ?? 'aof';
  throw new Error('--redis-persistence must be aof or none');
}
