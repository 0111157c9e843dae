// The pipeline end to end: the signal, policy, router, executor and billing services as separate processes (as
// deployed) on the paper venue, against a throw-away database and real Redis under their own queue prefix, with
// agents and deployments inserted directly in Postgres. Measures, after a warm-up:
//   - light load: one signal at a time to an agent with one deployment, enqueue of signal.ingest → position OPEN;
//   - fan-out: one signal to 1,000 approved deployments, until all 1,000 positions are OPEN;
//   - throughput: a burst of 20 signals × 100 deployments, positions per second;
//   - the same through the bare BullMQ chain (tools/bench/bare-chain.ts), and the pipeline's share of it;
//   - peak RSS of every process; and the per-hop profile (queue wait and handler time) from the jobs' timestamps.
// Run through tools/bench/run.ts (npm run bench; npm run bench -- --only=pipeline).
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { cleanupRedis, createTestDatabase, freePort, insertAgent, startServiceProcess, testEnv, waitHealthy } from '@conduit/testing';
import { bareAgent, startBareChain } from './bare-chain';
import {
  BenchAgent,
  BenchFigure,
  burst,
  BurstRun,
  chainQueues,
  ChainUnderTest,
  Completions,
  HopStats,
  hopProfile,
  lightLoad,
  LightRun,
  obliterate,
} from './chain';
import { Fleet, Teardown, wallMs } from './fleet';
import { BenchResult, summarize } from './routing';

export const SERVICES = ['signal', 'policy', 'router', 'executor', 'billing'] as const;

const LIGHT_SIGNALS = 100;
const LIGHT_GAP_MS = 10;
const WARMUP_SIGNALS = 10;
const FANOUT_DEPLOYMENTS = 1_000;
const BURST_SIGNALS = 20;
const BURST_DEPLOYMENTS = 100;
const POLL_MS = 5;

const TARGET_LIGHT_P99_MS = 25;
const TARGET_FANOUT_S = 1;
const TARGET_RATIO = 0.5;

export interface PipelineReport {
  benchmarks: BenchResult[];
  figures: BenchFigure[];
  hops: HopStats[];
}

const round = (x: number, places = 3) => Math.round(x * 10 ** places) / 10 ** places;
const msSamples = (ms: number[]) => Float64Array.from(ms.map((x) => x * 1e6));

/** The proposal every benchmark signal carries: 1% of equity on ETH (fixed mark 2000), fixed stop and take profit. */
function ingestPayload(signalId: string, agentId: string) {
  return {
    signalId,
    agentId,
    tokenSymbol: 'ETH',
    side: 'LONG',
    sizeModel: { type: 'percentage', value: 1 },
    riskModel: { type: 'fixed', stop: 0.05, take_profit: 0.1 },
    confidence: 0.8,
  };
}

/** An ACTIVE agent with `n` ACTIVE, subscribed paper deployments (no policies: every one is approved). */
async function seedAgent(pg: Client, name: string, n: number): Promise<BenchAgent> {
  const id = await insertAgent(pg, { name, status: 'ACTIVE' });
  const { rows } = await pg.query<{ id: string }>(
    `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, status, sub_active, trading_mode)
     SELECT $1::uuid, '0xbench' || md5($1::text || i::text), 'ACTIVE', TRUE, 'paper' FROM generate_series(1, $2::int) AS i
     RETURNING id`,
    [id, n],
  );
  return { id, deploymentIds: rows.map((r) => r.id) };
}

/** The five services as processes, with signals sent as the gateway would (signal.ingest) and positions counted. */
async function startPipeline(env: Env, pg: Client, teardown: Teardown): Promise<ChainUnderTest & { fleet: Fleet }> {
  const queues = chainQueues(env);
  teardown.add('obliterate the pipeline queues', () => obliterate(queues));
  const fleet = new Fleet();
  teardown.add('stop the services', () => fleet.stop());
  const started = await Promise.all(
    SERVICES.map(async (name) => {
      const port = await freePort();
      const child = startServiceProcess(name, env, port, { LOG_LEVEL: env.LOG_LEVEL });
      fleet.add(name, child, child.output);
      return { name, child, port };
    }),
  );
  await Promise.all(
    started.map(({ name, child, port }) =>
      waitHealthy(child, port, 120_000).catch((e) => {
        throw new Error(`${name}: ${e.message}\n${child.output().slice(-4000)}`);
      }),
    ),
  );
  return {
    label: 'pipeline',
    env,
    queues,
    fleet,
    async send(signals) {
      await queues[QueueName.Signal].addBulk(
        signals.map(({ signalId, agent }) => ({
          name: JobName.SignalIngest,
          data: ingestPayload(signalId, agent.id),
          opts: { jobId: jobId(JobName.SignalIngest, signalId) },
        })),
      );
    },
    async done(signalIds) {
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = ANY($1::uuid[]) AND status = 'OPEN'`, [
        signalIds,
      ]);
      return rows[0].n as number;
    },
    check: () => fleet.check(),
  };
}

/** Every signal × deployment ended OPENED (anything else would make the figures meaningless). */
async function assertAllOpened(pg: Client, signalIds: string[], expected: number) {
  const { rows } = await pg.query(
    `SELECT outcome, count(*)::int AS n, min(reason) AS reason FROM signal_outcomes WHERE signal_id = ANY($1::uuid[]) GROUP BY outcome`,
    [signalIds],
  );
  const opened = rows.find((r) => r.outcome === 'OPENED')?.n ?? 0;
  if (opened !== expected) throw new Error(`expected ${expected} OPENED outcomes, got ${JSON.stringify(rows)}`);
}

/** opened_at of the signals' positions (Postgres now() of the executor's transaction), as wall ms. */
async function openedAt(pg: Client, signalIds: string[]): Promise<Map<string, number[]>> {
  const { rows } = await pg.query<{ signal_id: string; ms: number }>(
    `SELECT signal_id, extract(epoch FROM opened_at)::float8 * 1000 AS ms FROM positions_v3 WHERE signal_id = ANY($1::uuid[])`,
    [signalIds],
  );
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.signal_id, [...(out.get(r.signal_id) ?? []), Number(r.ms)]);
  return out;
}

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

/** Runs the bare chain, then the pipeline, on one throw-away database and two queue prefixes; cleans up always. */
export async function pipelineBench(log: (line: string) => void = () => undefined): Promise<PipelineReport> {
  const teardown = new Teardown();
  const benchmarks: BenchResult[] = [];
  const figures: BenchFigure[] = [];
  const hops: HopStats[] = [];
  let pg: Client | undefined;
  try {
    const db = await createTestDatabase();
    teardown.add('drop the database', () => db.drop());
    // The production defaults of the worker concurrencies unless WORKER_CONCURRENCY / EXECUTOR_CONCURRENCY are set
    // (testEnv lowers the first for tests), the same for the bare chain; quiet logs; schedulers off (testEnv).
    const defaults = new Env();
    const overrides = {
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? String(defaults.WORKER_CONCURRENCY),
      EXECUTOR_CONCURRENCY: process.env.EXECUTOR_CONCURRENCY ?? String(defaults.EXECUTOR_CONCURRENCY),
    };
    const env = testEnv(db, overrides);
    const bareEnv = testEnv(db, overrides);
    teardown.add('clean Redis', async () => {
      await cleanupRedis(env);
      await cleanupRedis(bareEnv);
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const client = pg;
    teardown.add('close the pg client', () => client.end());

    // ---- the bare chain, alone on the machine -------------------------------------------------------------
    log('bare chain: starting 4 worker processes');
    const bare = await startBareChain(bareEnv, teardown);
    const bareDone = new Completions(bareEnv, QueueName.Executor);
    teardown.add('close the bare chain events', () => bareDone.close());
    await bareDone.ready();
    bare.fleet.sample();
    await lightLoad(bare, bareDone, bareAgent(1), WARMUP_SIGNALS, LIGHT_GAP_MS);
    await burst(bare, bareAgent(BURST_DEPLOYMENTS), 1, POLL_MS, 30_000);
    log('bare chain: light load');
    const bareLight = await lightLoad(bare, bareDone, bareAgent(1), LIGHT_SIGNALS, LIGHT_GAP_MS);
    benchmarks.push(
      lightResult('bare.light.enqueue→last-job-done', bareLight, (s) => s.seenAt - s.sentAt, { signals: LIGHT_SIGNALS, hops: 4 }),
    );
    hops.push(
      ...(await hopProfile(
        bare,
        'light',
        bareLight.samples.map((s) => s.signalId),
        ['d0'],
      )),
    );
    log('bare chain: fan-out');
    const bareFan = await burst(bare, bareAgent(FANOUT_DEPLOYMENTS), 1, POLL_MS, 60_000);
    const bareFanF = burstFigures(bareFan);
    hops.push(
      ...(await hopProfile(bare, `fanout 1×${FANOUT_DEPLOYMENTS}`, bareFan.signalIds, bareAgent(FANOUT_DEPLOYMENTS).deploymentIds)),
    );
    log('bare chain: burst');
    const bareBurst = await burst(bare, bareAgent(BURST_DEPLOYMENTS), BURST_SIGNALS, POLL_MS, 120_000);
    const bareBurstF = burstFigures(bareBurst);
    hops.push(
      ...(await hopProfile(
        bare,
        `burst ${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`,
        bareBurst.signalIds,
        bareAgent(BURST_DEPLOYMENTS).deploymentIds,
      )),
    );
    const bareMemory = bare.fleet.memory();
    await bare.stop();

    // ---- the pipeline -------------------------------------------------------------------------------------
    await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`); // a fixed table of marks
    const lightAgent = await seedAgent(pg, 'Bench light', 1);
    const warmAgent = await seedAgent(pg, 'Bench warm-up', BURST_DEPLOYMENTS);
    const fanAgent = await seedAgent(pg, 'Bench fan-out', FANOUT_DEPLOYMENTS);
    const burstAgent = await seedAgent(pg, 'Bench burst', BURST_DEPLOYMENTS);
    await pg.query('ANALYZE');
    log(
      `pipeline: starting ${SERVICES.join(', ')} (database ${db.name}, queue prefixes ${env.QUEUE_PREFIX} and ` +
        `${bareEnv.QUEUE_PREFIX} for the bare chain)`,
    );
    const pipeline = await startPipeline(env, pg, teardown);
    const done = new Completions(env, QueueName.Executor);
    teardown.add('close the pipeline events', () => done.close());
    await done.ready();
    pipeline.fleet.sample();
    const warm = await lightLoad(pipeline, done, lightAgent, WARMUP_SIGNALS, LIGHT_GAP_MS);
    const warmBurst = await burst(pipeline, warmAgent, 1, POLL_MS, 60_000);
    await assertAllOpened(pg, [...warm.samples.map((s) => s.signalId), ...warmBurst.signalIds], WARMUP_SIGNALS + BURST_DEPLOYMENTS);

    log('pipeline: light load');
    const light = await lightLoad(pipeline, done, lightAgent, LIGHT_SIGNALS, LIGHT_GAP_MS);
    const lightIds = light.samples.map((s) => s.signalId);
    await assertAllOpened(pg, lightIds, LIGHT_SIGNALS);
    const opened = await openedAt(pg, lightIds);
    const dbLight = lightResult('pipeline.light.enqueue→opened_at', light, (s) => opened.get(s.signalId)![0] - s.sentAt, {
      signals: LIGHT_SIGNALS,
      deployments: 1,
      measured: 'positions_v3.opened_at (now() of the executor transaction) − enqueue time',
    });
    const seenLight = lightResult('pipeline.light.enqueue→position-seen', light, (s) => s.seenAt - s.sentAt, {
      signals: LIGHT_SIGNALS,
      deployments: 1,
      measured: 'completion event of executor.open (after the position commit) seen by the bench − enqueue time',
    });
    seenLight.target_p99_ms = TARGET_LIGHT_P99_MS;
    seenLight.meets_target = seenLight.p99 <= TARGET_LIGHT_P99_MS;
    benchmarks.push(dbLight, seenLight);
    hops.push(...(await hopProfile(pipeline, 'light', lightIds, lightAgent.deploymentIds)));

    log('pipeline: fan-out');
    const fan = await burst(pipeline, fanAgent, 1, POLL_MS, 60_000);
    await assertAllOpened(pg, fan.signalIds, FANOUT_DEPLOYMENTS);
    const fanF = burstFigures(fan);
    const fanOpened = (await openedAt(pg, fan.signalIds)).get(fan.signalIds[0])!;
    hops.push(...(await hopProfile(pipeline, `fanout 1×${FANOUT_DEPLOYMENTS}`, fan.signalIds, fanAgent.deploymentIds)));

    log('pipeline: burst');
    const burstRun = await burst(pipeline, burstAgent, BURST_SIGNALS, POLL_MS, 120_000);
    await assertAllOpened(pg, burstRun.signalIds, BURST_SIGNALS * BURST_DEPLOYMENTS);
    const burstF = burstFigures(burstRun);
    const burstOpened = [...(await openedAt(pg, burstRun.signalIds)).values()].flat();
    hops.push(...(await hopProfile(pipeline, `burst ${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`, burstRun.signalIds, burstAgent.deploymentIds)));
    const memory = pipeline.fleet.memory();

    figures.push(
      {
        name: `pipeline.fanout.1×${FANOUT_DEPLOYMENTS}`,
        value: fanF.seconds,
        unit: 's',
        target: `≤ ${TARGET_FANOUT_S} s`,
        meets_target: fanF.seconds <= TARGET_FANOUT_S,
        positions_per_s: fanF.perSecond,
        last_opened_at_s: round((Math.max(...fanOpened) - fan.sentAt) / 1000),
        measured: `enqueue → all ${FANOUT_DEPLOYMENTS} positions OPEN, polled every ${POLL_MS} ms`,
      },
      { name: `bare.fanout.1×${FANOUT_DEPLOYMENTS}`, value: bareFanF.seconds, unit: 's', jobs_per_s: bareFanF.perSecond },
      {
        name: `pipeline.fanout.ratio`,
        value: round(bareFanF.seconds / fanF.seconds),
        unit: '× bare',
        measured: 'bare chain time / pipeline time',
      },
      {
        name: `pipeline.burst.${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`,
        value: burstF.perSecond,
        unit: 'positions/s',
        seconds: burstF.seconds,
        last_opened_at_s: round((Math.max(...burstOpened) - burstRun.sentAt) / 1000),
        measured:
          `${BURST_SIGNALS * BURST_DEPLOYMENTS} positions / (enqueue of ${BURST_SIGNALS} signals → all OPEN, polled ` +
          `every ${POLL_MS} ms)`,
      },
      {
        name: `bare.burst.${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`,
        value: bareBurstF.perSecond,
        unit: 'jobs/s',
        seconds: bareBurstF.seconds,
      },
      {
        name: 'pipeline.burst.ratio',
        value: round(burstF.perSecond / bareBurstF.perSecond),
        unit: '× bare',
        target: `≥ ${TARGET_RATIO}`,
        meets_target: burstF.perSecond / bareBurstF.perSecond >= TARGET_RATIO,
        measured: 'pipeline positions/s / bare chain last-hop jobs/s',
      },
    );
    for (const m of [...memory, ...bareMemory]) {
      figures.push({
        name: `rss.${m.name}`,
        value: round(m.hwmMb, 1),
        unit: 'MiB peak',
        max_sampled_rss_mb: round(m.maxSampledRssMb, 1),
        rss_end_mb: round(m.rssMb, 1),
        measured: 'VmHWM of /proc/<pid>/status at the end (peak resident set of the whole life, boot included)',
      });
    }
    log(`pipeline: done at ${new Date(wallMs()).toISOString()}`);
    return { benchmarks, figures, hops };
  } finally {
    await teardown.run();
  }
}
