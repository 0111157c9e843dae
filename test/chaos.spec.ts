import { spawn, spawnSync } from 'child_process';
import { join } from 'path';
import { postgresBinDir } from '../tools/chaos/infra';

/**
 * What the harness needs to start servers of its own, looked up as tools/chaos/infra.ts looks them up: redis-server
 * (or $REDIS_SERVER), the Postgres server binaries (in $PG_BIN, `pg_config --bindir` or /usr/lib/postgresql/<v>/bin),
 * and runuser when it runs as root (initdb refuses root). Each missing one is named with how to install it.
 */
function missingPrerequisites(): string[] {
  const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  const missing: string[] = [];
  const redis = process.env.REDIS_SERVER ?? 'redis-server';
  if (!works(redis, ['--version'])) missing.push(`${redis} (Debian: apt-get install redis-server; or set REDIS_SERVER)`);
  const bin = postgresBinDir();
  for (const tool of ['initdb', 'pg_ctl'])
    if (!works(bin ? join(bin, tool) : tool, ['--version']))
      missing.push(
        `the PostgreSQL server's ${tool}, looked for in ${bin || 'PATH'} (Debian: apt-get install postgresql, ` +
          'which puts it in /usr/lib/postgresql/<version>/bin; or set PG_BIN to the folder that has it)',
      );
  if (process.getuid?.() === 0 && !works('runuser', ['--version']))
    missing.push('runuser, to run initdb as postgres (Debian: apt-get install util-linux)');
  return missing;
}

/** The harness's verdict for a failure message: the report's findings, or the end of its output when there is none. */
function verdict(code: number | null, report: any, out: string): string {
  const findings = report && {
    ok: report.ok,
    lost: report.lost,
    duplicates: report.duplicates,
    mismatches: report.mismatches,
    violations: report.violations,
    totals: report.totals,
    baseline_totals: report.baseline_totals,
  };
  const tail = out.trimEnd().split('\n').slice(-60).join('\n');
  return [
    `chaos harness exited with code ${code}`,
    findings ? `its report: ${JSON.stringify(findings, null, 2)}` : 'it printed no CHAOS_JSON report',
    `the end of its output:\n${tail}`,
  ].join('\n');
}

/**
 * A small `npm run chaos` (docs/CHAOS.md), so the harness keeps working: its own Redis and Postgres, a baseline run,
 * then the run with the executor killed, Redis killed and Postgres stopped (immediate) while signals flow; it must
 * report nothing lost, nothing duplicated and every row equal to the baseline's. Where the servers it needs are not
 * installed, the test fails and says what to install: .ci/run installs them.
 */
describe('chaos harness (small run)', () => {
  it('kill -9 executor, Redis and Postgres restarts: nothing lost or duplicated, the same ledger as without faults', async () => {
    const missing = missingPrerequisites();
    if (missing.length) throw new Error(`the chaos harness cannot start its own servers; missing:\n- ${missing.join('\n- ')}`);

    const args = ['-r', '@swc-node/register', 'tools/chaos/run.ts'];
    args.push(
      '--signals',
      '6',
      '--deployments',
      '4',
      '--gmx-deployments',
      '2',
      '--interval-ms',
      '1200',
      '--faults',
      'executor,redis,postgres',
    );
    args.push('--pg-outage-ms', '2000', '--redis-outage-ms', '1000', '--gap-ms', '500', '--timeout-ms', '60000');
    const child = spawn(process.execPath, args, { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('CHAOS_JSON '));
    const report = line ? JSON.parse(line.slice('CHAOS_JSON '.length)) : null;
    if (code !== 0 || !report?.ok) throw new Error(verdict(code, report, out));

    expect(report).toMatchObject({ ok: true, lost: 0, duplicates: 0, mismatches: 0, violations: [] });
    expect(report.faults.map((f: { fault: string }) => f.fault)).toEqual(['executor', 'redis', 'postgres']);
    expect(report.totals).toEqual(report.baseline_totals);
    // 6 signals × (4 paper + 2 GMX deployments); on GMX one open and one close per position, each executed once
    expect(report.totals).toMatchObject({
      signals: 6,
      outcomes: 36,
      pending: 0,
      failed: 0,
      gmx_positions: 12,
      gmx_closed: 12,
      gmx_orders: 24,
    });
    expect(report.gmx_chain).toMatchObject({ accounts: 2, ordersCreated: 24, ordersExecuted: 24, openPositions: 0, pendingOrders: 0 });
  }, 240_000);
});
