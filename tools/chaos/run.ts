// Chaos harness: the five worker services as separate processes against a Redis and a Postgres of the harness's own,
// N signals × M paper deployments driven through them, first without faults (the baseline), then again on a fresh
// database while each service is killed with SIGKILL and restarted in turn, Redis is killed and restarted, and
// Postgres is stopped (immediate: a crash) and started again. Afterwards every signal × deployment must have exactly
// one outcome, nothing may be duplicated, and every outcome, fill, PnL and bill must equal the baseline's.
// With --gmx-deployments, live deployments trade on a local GMX chain in this process whose keeper executes orders
// after a delay (gmx.ts). Prints a table, then one line `CHAOS_JSON {...}`; exits 1 on any violation. See docs/CHAOS.md.
//   npm run chaos
//   npm run chaos -- --signals 30 --deployments 20 --interval-ms 1500 --pg-outage-ms 5000 --redis-outage-ms 2000
//   npm run chaos -- --faults executor,postgres --no-baseline --keep
//   npm run chaos -- --faults redis --redis-persistence none     (what a Redis without AOF loses: it fails)
//   npm run chaos -- --gmx-deployments 3
import 'reflect-metadata';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { migrate } from '@conduit/db';
import { QueueName } from '@conduit/queue';
import { MIGRATIONS } from '../../migrations';
import { freePort } from '@conduit/testing';
import { OwnPostgres, OwnRedis, sleep, until } from './infra';
import { drive, jobStats, openQueues, q, quiescent, SCHEDULED_JOBS, seed, SignalTimeline, unfinishedJobs } from './scenario';
import { ledger } from './ledger';
import { GmxLeg } from './gmx';
import { ServiceProcess, WORKERS, WorkerName } from './services';
import { Fault, Options, options } from './options';
import { FaultRecord, log, QUEUE_OF, report, round1, RunResult } from './report';

class Harness {
  readonly root = mkdtempSync(join(tmpdir(), 'conduit-chaos-'));
  redis!: OwnRedis;
  pg!: OwnPostgres;
  services: ServiceProcess[] = [];
  private torn = false;

  constructor(readonly opts: Options) {
    // The postgres OS user must reach its data directory inside.
    chmodSync(this.root, 0o755);
  }

  async up(): Promise<void> {
    this.redis = new OwnRedis(this.root, await freePort(), this.opts.redisPersistence);
    await this.redis.start();
    this.pg = new OwnPostgres(this.root, await freePort());
    await this.pg.init();
    await this.pg.start();
  }

  /** Stops everything the harness started; safe to call twice and from signal handlers. Files stay with --keep or `keepFiles`. */
  teardownSync(keepFiles = false): void {
    if (this.torn) return;
    this.torn = true;
    for (const s of this.services) s.killSync();
    this.redis?.stopSync();
    this.pg?.stopSync();
    if (!this.opts.keep && !keepFiles) rmSync(this.root, { recursive: true, force: true });
  }

  serviceEnv(databaseUrl: string, prefix: string): Record<string, string> {
    return {
      DATABASE_URL: databaseUrl,
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '8',
      DB_POOL_MAX: '10',
      PAPER_RANDOM_WALK: 'false',
      PAPER_STARTING_EQUITY_USD: '10000',
      PAPER_TAKER_FEE_BPS: '4.5',
      PAPER_SLIPPAGE_BPS: '5',
      PROFIT_SHARE_PCT: '20',
      // Only what the workload needs runs on a schedule: the position monitor closes positions when marks move.
      MONITOR_INTERVAL_MS: '1000',
      SIGNAL_GENERATE_INTERVAL_MS: '0',
      BILLING_INTERVAL_MS: '0',
      AGENT_PERFORMANCE_INTERVAL_MS: '0',
      RETENTION_INTERVAL_MS: '0',
      // The workload has no LLM traders.
      TRADER_TICK_MS: '0',
      // Nor watched wallets.
      WALLET_POLL_INTERVAL_MS: '0',
      WALLET_BIAS_INTERVAL_MS: '0',
      DAILY_PERFORMANCE_INTERVAL_MS: '0',
      REPORTS_INTERVAL_MS: '0',
      // A refused collection is retried after a second, not a minute (the paper ledger never refuses here).
      BILLING_COLLECT_BACKOFF_MS: '1000',
      LIVE_TRADING: 'false',
      SHUTDOWN_TIMEOUT_MS: '20000',
    };
  }

  async run(name: string, faults: Fault[]): Promise<RunResult> {
    const w = this.opts;
    const logDir = join(this.root, 'logs', name);
    mkdirSync(logDir, { recursive: true });
    const databaseUrl = await this.pg.createDatabase(`chaos_${name}`);
    await migrate(databaseUrl, MIGRATIONS, 'up');
    const pg = new Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 2000 });
    pg.on('error', () => undefined);
    const specs = await seed(pg, w);
    // A chain of its own per run (its events are that run's), in this process: no service fault touches it.
    const gmx = w.gmxDeployments ? await GmxLeg.start(specs, w.gmxKeeperMs) : undefined;
    await gmx?.seed(pg, specs, w.gmxDeployments);
    const prefix = `chaos-${name}`;
    const env = { ...this.serviceEnv(databaseUrl, prefix), ...(gmx?.env() ?? {}) };
    this.services = [];
    for (const worker of WORKERS) this.services.push(new ServiceProcess(worker, await freePort(), env, logDir));
    const byName = new Map(this.services.map((s) => [s.name, s]));
    for (const s of this.services) s.start();
    await Promise.all(this.services.map((s) => s.waitHealthy()));
    const queues = openQueues(this.redis.url, prefix);
    for (const queue of Object.values(queues)) queue.on('error', () => undefined);

    const started = Date.now();
    log(
      `${name}: ${w.signals} signals × ${w.deployments} paper + ${w.gmxDeployments} GMX deployments (keeper after ` +
        `${w.gmxKeeperMs} ms), one signal every ${w.intervalMs} ms${faults.length ? `; faults: ${faults.join(', ')}` : ''}`,
    );
    const stop = { aborted: false };
    const driving = drive(pg, queues[QueueName.Signal], specs, w, started, stop, (token, price) => gmx?.setPrice(token, price));
    const records: FaultRecord[] = [];
    // Faults one after the other, a few seconds apart, while signals flow; each is measured until it has recovered,
    // in the background (the next fault does not wait for the previous one's cut-off jobs).
    const injecting = (async () => {
      const recoveries: Promise<void>[] = [];
      await sleep(3000);
      for (const fault of faults) {
        const { record, recovery } = await this.inject(fault, byName, queues, pg, started);
        records.push(record);
        recoveries.push(recovery);
        await sleep(this.opts.gapMs);
      }
      await Promise.all(recoveries);
    })();

    let timelines: SignalTimeline[] = [];
    let quiesceMs = 0;
    const deadline = Date.now() + w.signals * w.intervalMs + w.quiesceTimeoutMs;
    try {
      let finished = false;
      await Promise.race([
        Promise.all([driving.then((t) => (timelines = t)), injecting]).finally(() => (finished = true)),
        (async () => {
          while (!finished && Date.now() < deadline) await sleep(500);
          if (!finished) throw new Error('the signals did not complete in time');
        })(),
      ]);
      const t0 = Date.now();
      let last: Record<string, number> = {};
      await until(
        'quiescence',
        async () => {
          const r = await quiescent(pg, queues, w);
          last = r.detail;
          return r.done;
        },
        Math.max(10_000, deadline - Date.now()),
        500,
      ).catch((e) => log(`${name}: ${e.message}: ${JSON.stringify(last)}`));
      quiesceMs = Date.now() - t0;
    } catch (e: any) {
      log(`${name}: ${e.message}`);
    } finally {
      stop.aborted = true;
    }
    const durationMs = Date.now() - started;
    const routerListening =
      (await q(pg, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`))[0].n >
      0;
    const result: RunResult = {
      name,
      ledger: await ledger(pg),
      jobs: await jobStats(queues),
      faults: records,
      durationMs,
      quiesceMs,
      timelines,
      unexpectedExits: this.services.flatMap((s) => s.unexpectedExits),
      gracefulExits: 0,
      routerListening,
      logRetries: {},
      gmx: gmx?.figures(),
    };
    // Graceful shutdown at the end: each service drains and exits 0.
    await Promise.all(
      this.services.map(async (s) => {
        await s.stop();
        await s.close();
      }),
    );
    result.gracefulExits = this.services.filter((s) => !s.alive).length;
    result.logRetries = await countRetries(logDir);
    await Promise.all(Object.values(queues).map((queue) => queue.close()));
    await pg.end();
    await gmx?.close();
    return result;
  }

  /**
   * One fault: waits for work in flight (the fault should cut jobs off), injects it, brings the component back and
   * returns once every service is healthy; `recovery` then resolves when every cut-off job is completed and the
   * pipeline has moved on.
   */
  private async inject(
    fault: Fault,
    services: Map<WorkerName, ServiceProcess>,
    queues: Record<QueueName, Queue>,
    pg: Pool,
    started: number,
  ): Promise<{ record: FaultRecord; recovery: Promise<void> }> {
    const target = (WORKERS as readonly string[]).includes(fault) ? services.get(fault as WorkerName)! : null;
    const watched = target ? [queues[QUEUE_OF[target.name]]] : Object.values(queues);
    const inFlight = async () =>
      (await Promise.all(watched.map((queue) => queue.getActive()))).flat().filter((j) => j && !SCHEDULED_JOBS.has(j.name));
    // Hit the component while it works: poll (tightly: most jobs take milliseconds) for a pipeline job in flight.
    let active = await inFlight();
    const busyDeadline = Date.now() + 10_000;
    while (!active.length && Date.now() < busyDeadline) {
      await sleep(1);
      active = await inFlight();
    }
    const cutOff = active.map((j) => ({ queue: watched.find((queue) => queue.name === j.queueName)!, id: j.id! }));
    const progressBefore = await progress(pg);
    const t0 = Date.now();
    if (target) {
      await target.kill9();
      target.start();
    } else if (fault === 'redis') {
      await this.redis.kill();
      await sleep(this.opts.redisOutageMs);
      await this.redis.start();
    } else {
      await this.pg.stop('immediate');
      await sleep(this.opts.pgOutageMs);
      await this.pg.start();
    }
    const backMs = Date.now() - t0;
    const record: FaultRecord = {
      fault,
      at: round1((t0 - started) / 1000),
      activeJobs: cutOff.length,
      downMs: backMs,
      healthyMs: null,
      recoveredMs: null,
      recoveredJobs: 0,
    };
    const deadline = t0 + 120_000;
    while (Date.now() < deadline) {
      if (target ? await target.healthy() : (await Promise.all(this.services.map((s) => s.healthy()))).every(Boolean)) {
        record.healthyMs = Date.now() - t0;
        break;
      }
      await sleep(50);
    }
    // A killed service is down until its replacement is healthy.
    if (target && record.healthyMs !== null) record.downMs = record.healthyMs;
    log(
      `  ${fault}: ${target ? 'kill -9, restarted' : `down, back after ${backMs} ms`}, healthy after ` +
        `${record.healthyMs ?? '-'} ms; ${cutOff.length} job(s) were in flight`,
    );
    const recovery = (async () => {
      while (Date.now() < deadline) {
        const states = await Promise.all(cutOff.map((j) => j.queue.getJobState(j.id).catch(() => 'unknown')));
        record.recoveredJobs = states.filter((s) => s === 'completed').length;
        const moved = (await progress(pg)) > progressBefore || (await unfinishedJobs(queues)) === 0;
        if (states.every((s) => s === 'completed' || s === 'failed') && moved) {
          record.recoveredMs = Date.now() - t0;
          log(`  ${fault}: recovered after ${record.recoveredMs} ms (${record.recoveredJobs}/${cutOff.length} cut-off jobs completed)`);
          return;
        }
        await sleep(100);
      }
      record.note = 'not recovered within 120 s';
    })();
    return { record, recovery };
  }
}

/** Everything that only ever grows while the pipeline works. */
async function progress(pg: Pool): Promise<number> {
  const [r] = await q(
    pg,
    `SELECT (SELECT count(*) FROM signals_v3) + (SELECT count(*) FROM signal_outcomes WHERE outcome <> 'PENDING')
          + (SELECT count(*) FROM positions_v3 WHERE status = 'CLOSED') + (SELECT count(*) FROM billing_events_v3 WHERE status =
            'COLLECTED') AS n`,
  );
  return Number(r.n);
}

/**
 * What the services logged, per service: attempts that failed and were retried (`will retry`), and failed runs that
 * waited for the database without spending an attempt (`attempt not counted`); the base processor logs each.
 */
async function countRetries(logDir: string): Promise<Record<string, { retries: number; outageWaits: number }>> {
  const { readFile } = await import('fs/promises');
  const out: Record<string, { retries: number; outageWaits: number }> = {};
  for (const worker of WORKERS) {
    const text = await readFile(join(logDir, `${worker}.log`), 'utf8').catch(() => '');
    out[worker] = { retries: (text.match(/will retry/g) ?? []).length, outageWaits: (text.match(/attempt not counted/g) ?? []).length };
  }
  return out;
}

async function main() {
  let opts: Options;
  try {
    opts = options(process.argv.slice(2));
  } catch (e: any) {
    console.error(e.message);
    process.exit(2);
  }
  const h = new Harness(opts);
  const bail = (signal: string) => {
    console.error(`\n${signal}: tearing down`);
    h.teardownSync();
    process.exit(130);
  };
  process.once('SIGINT', () => bail('SIGINT'));
  process.once('SIGTERM', () => bail('SIGTERM'));
  process.once('exit', () => h.teardownSync());
  let failed = false;
  try {
    await h.up();
    const redisConfig = await h.redis.config();
    log(
      `own Redis on :${h.redis.port} (${Object.entries(redisConfig)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}), own Postgres on :${h.pg.port}`,
    );
    const baseline = opts.baseline ? await h.run('baseline', []) : undefined;
    const chaos = await h.run('faults', opts.faults);

    const summary = report(opts, chaos, baseline, redisConfig);
    const violations = summary.violations;
    console.log(`CHAOS_JSON ${JSON.stringify(summary)}`);
    failed = violations.length > 0;
    if (opts.keep || failed) console.log(`\nkept: ${h.root} (service logs under logs/)`);
  } catch (e: any) {
    console.error(`chaos failed: ${e?.stack ?? e}`);
    failed = true;
    console.error(`kept: ${h.root} (service logs under logs/)`);
  } finally {
    h.teardownSync(failed);
  }
  process.exit(failed ? 1 : 0);
}

void main();
