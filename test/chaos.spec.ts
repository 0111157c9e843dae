import { spawn, spawnSync } from 'child_process';
import { join } from 'path';
import { postgresBinDir } from '../tools/chaos/infra';

/** The chaos harness needs redis-server and the Postgres server binaries (initdb, pg_ctl) to start its own instances. */
const available =
  spawnSync('redis-server', ['--version']).status === 0 && spawnSync(join(postgresBinDir(), 'initdb'), ['--version']).status === 0;

/**
 * A small `npm run chaos` (docs/CHAOS.md), so the harness keeps working: its own Redis and Postgres, a baseline run,
 * then the run with the executor killed, Redis killed and Postgres stopped (immediate) while signals flow; it must
 * report nothing lost, nothing duplicated and every row equal to the baseline's.
 */
(available ? describe : describe.skip)('chaos harness (small run)', () => {
  it('kill -9 executor, Redis and Postgres restarts: nothing lost or duplicated, the same ledger as without faults', async () => {
    const args = ['-r', '@swc-node/register', 'tools/chaos/run.ts'];
    args.push('--signals', '6', '--deployments', '4', '--interval-ms', '1200', '--faults', 'executor,redis,postgres');
    args.push('--pg-outage-ms', '2000', '--redis-outage-ms', '1000', '--gap-ms', '500', '--timeout-ms', '60000');
    const child = spawn(process.execPath, args, { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('CHAOS_JSON '));
    expect({ code, found: !!line, out: line ? '' : out }).toEqual({ code: 0, found: true, out: '' });
    const report = JSON.parse(line!.slice('CHAOS_JSON '.length));
    expect(report).toMatchObject({ ok: true, lost: 0, duplicates: 0, mismatches: 0, violations: [] });
    expect(report.faults.map((f: { fault: string }) => f.fault)).toEqual(['executor', 'redis', 'postgres']);
    expect(report.totals).toEqual(report.baseline_totals);
    expect(report.totals).toMatchObject({ signals: 6, outcomes: 24, pending: 0, failed: 0 });
  }, 240_000);
});
