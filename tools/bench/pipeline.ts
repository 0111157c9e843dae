// The pipeline end to end: the signal, policy, router, executor and billing services as separate processes, from a
// build (tools/bench/build.ts), on the paper venue, against a throw-away database and real Redis under their own
// queue prefix, with agents and deployments inserted directly in Postgres. After a warm-up, in this order:
//   - light load: one signal at a time to an agent with one deployment, enqueue of signal.ingest → position OPEN;
//   - fan-out: one signal to 1,000 approved deployments, until all 1,000 positions are OPEN;
//   - throughput: a burst of 20 signals × 100 deployments, positions per second;
//   - fan-out at scale: one signal to 3,000, then to 10,000 deployments;
// each scenario first through the bare BullMQ chain (tools/bench/bare-chain.ts), alone on the machine, then through
// the services; plus RSS of every process (idle and peak) and the per-hop profile from the jobs' timestamps.
// Run through tools/bench/run.ts (npm run bench; npm run bench -- --only=pipeline).
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName, jobId, OPEN_CHUNK, QueueName } from '@conduit/queue';
import { cleanupRedis, createTestDatabase, freePort, insertAgent, testEnv, waitHealthy } from '@conduit/testing';
import { bareAgent, startBareChain } from './bare-chain';
import { BuildTree, migrateWith, startBuiltService } from './build';
import {
  BenchAgent,
  BenchFigure,
  burst,
  BURST_DEPLOYMENTS,
  BURST_SIGNALS,
  BurstRun,
  chainQueues,
  ChainUnderTest,
  Completions,
  HopStats,
  hopProfile,
  LIGHT_SIGNALS,
  lightLoad,
  LightRun,
  obliterate,
  POLL_MS,
} from './chain';
import { Fleet, MemoryFigures, sleep, Teardown, wallMs } from './fleet';
import { pipelineFigures } from './report';
import { BenchResult } from './routing';

export const SERVICES = ['signal', 'policy', 'router', 'executor', 'billing'] as const;

const LIGHT_GAP_MS = 10;
const WARMUP_SIGNALS = 10;
/** Boot is done when /health answers; RSS is read this long after, before any job. */
const SETTLE_MS = 1_000;

/** Which scenarios to run (the --only selector) and the fan-out sizes. */
export interface PipelineOptions {
  tree: BuildTree;
  /** Deployments per executor job of the bare chain (OPEN_CHUNK, as the router; 1: one job per deployment). */
  bareChunk: number;
  /** The services are a tree from before the chunked fan-out: one executor.open job per deployment. */
  legacyOpen?: boolean;
  light: boolean;
  burst: boolean;
  fanouts: number[];
}

export interface PipelineReport {
  benchmarks: BenchResult[];
  figures: BenchFigure[];
  hops: HopStats[];
}

/** What one chain (bare or services) did in the scenarios. */
export interface ChainRun {
  light?: LightRun;
  fanouts: Map<number, BurstRun>;
  burst?: BurstRun;
  hops: HopStats[];
  memory: MemoryFigures[];
  /** Per signal and deployment: positions_v3.opened_at as wall ms (services only). */
  openedAt?: Map<string, number[]>;
}

/** The agents a scenario sends to: one deployment, the warm-up's, each fan-out size's, the burst's. */
interface Agents {
  light: BenchAgent;
  warm: BenchAgent;
  fan: Map<number, BenchAgent>;
  burst: BenchAgent;
}

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

/** The five compiled services as processes, with signals sent as the gateway would (signal.ingest) and positions counted. */
async function startPipeline(
  tree: BuildTree,
  env: Env,
  pg: Client,
  teardown: Teardown,
  legacyOpen = false,
): Promise<ChainUnderTest & { fleet: Fleet }> {
  const queues = chainQueues(env);
  teardown.add('obliterate the pipeline queues', () => obliterate(queues));
  const fleet = new Fleet();
  teardown.add('stop the services', () => fleet.stop());
  const started = await Promise.all(
    SERVICES.map(async (name) => {
      const port = await freePort();
      const child = startBuiltService(tree, name, env, port, { LOG_LEVEL: env.LOG_LEVEL });
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
    chunk: legacyOpen ? 0 : OPEN_CHUNK,
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

/**
 * The scenarios through one chain, in the order of the file's header: light, the first fan-out, the burst, the
 * other fan-outs (the burst keeps the table sizes it always had). `verify` checks each scenario's effects.
 */
async function runScenarios(
  chain: ChainUnderTest & { fleet: Fleet },
  completions: Completions,
  agents: Agents,
  options: PipelineOptions,
  log: (line: string) => void,
  verify: (signalIds: string[], expected: number) => Promise<void>,
): Promise<ChainRun> {
  const out: ChainRun = { fanouts: new Map(), hops: [], memory: [] };
  await sleep(SETTLE_MS);
  chain.fleet.markIdle();
  chain.fleet.sample();
  const warm = await lightLoad(chain, completions, agents.light, WARMUP_SIGNALS, LIGHT_GAP_MS);
  const warmBurst = await burst(chain, agents.warm, 1, POLL_MS, 60_000);
  await verify([...warm.samples.map((s) => s.signalId), ...warmBurst.signalIds], WARMUP_SIGNALS + agents.warm.deploymentIds.length);

  const fanout = async (n: number) => {
    log(`${chain.label}: fan-out 1×${n}`);
    const agent = agents.fan.get(n)!;
    const run = await burst(chain, agent, 1, POLL_MS, Math.max(60_000, n * 10));
    await verify(run.signalIds, n);
    out.fanouts.set(n, run);
    out.hops.push(...(await hopProfile(chain, `fanout 1×${n}`, run.signalIds, agent.deploymentIds)));
  };
  if (options.light) {
    log(`${chain.label}: light load`);
    out.light = await lightLoad(chain, completions, agents.light, LIGHT_SIGNALS, LIGHT_GAP_MS);
    const ids = out.light.samples.map((s) => s.signalId);
    await verify(ids, LIGHT_SIGNALS);
    out.hops.push(...(await hopProfile(chain, 'light', ids, agents.light.deploymentIds)));
  }
  const [first, ...rest] = options.fanouts;
  if (first) await fanout(first);
  if (options.burst) {
    log(`${chain.label}: burst ${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`);
    out.burst = await burst(chain, agents.burst, BURST_SIGNALS, POLL_MS, 120_000);
    await verify(out.burst.signalIds, BURST_SIGNALS * BURST_DEPLOYMENTS);
    out.hops.push(
      ...(await hopProfile(chain, `burst ${BURST_SIGNALS}×${BURST_DEPLOYMENTS}`, out.burst.signalIds, agents.burst.deploymentIds)),
    );
  }
  for (const n of rest) await fanout(n);
  out.memory = chain.fleet.memory();
  return out;
}

/** Runs the bare chain, then the pipeline, on one throw-away database and two queue prefixes; cleans up always. */
export async function pipelineBench(options: PipelineOptions, log: (line: string) => void = () => undefined): Promise<PipelineReport> {
  const teardown = new Teardown();
  let pg: Client | undefined;
  try {
    const db = await createTestDatabase(false);
    teardown.add('drop the database', () => db.drop());
    migrateWith(options.tree, db.url);
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
    log(`bare chain: starting 4 worker processes (${options.bareChunk} deployment(s) per executor job)`);
    const bare = await startBareChain(bareEnv, teardown, options.bareChunk);
    const bareDone = new Completions(bareEnv, QueueName.Executor);
    teardown.add('close the bare chain events', () => bareDone.close());
    await bareDone.ready();
    const bareAgents: Agents = {
      light: bareAgent(1),
      warm: bareAgent(BURST_DEPLOYMENTS),
      fan: new Map(options.fanouts.map((n) => [n, bareAgent(n)])),
      burst: bareAgent(BURST_DEPLOYMENTS),
    };
    const bareRun = await runScenarios(bare, bareDone, bareAgents, options, log, async () => undefined);
    await bare.stop();

    // ---- the pipeline -------------------------------------------------------------------------------------
    await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`); // a fixed table of marks
    const agents: Agents = {
      light: await seedAgent(pg, 'Bench light', 1),
      warm: await seedAgent(pg, 'Bench warm-up', BURST_DEPLOYMENTS),
      fan: new Map(),
      burst: await seedAgent(pg, 'Bench burst', BURST_DEPLOYMENTS),
    };
    for (const n of options.fanouts) agents.fan.set(n, await seedAgent(pg, `Bench fan-out ${n}`, n));
    await pg.query('ANALYZE');
    log(
      `pipeline: starting ${SERVICES.join(', ')} from ${options.tree.dist} (database ${db.name}, queue prefixes ` +
        `${env.QUEUE_PREFIX} and ${bareEnv.QUEUE_PREFIX} for the bare chain)`,
    );
    const pipeline = await startPipeline(options.tree, env, pg, teardown, options.legacyOpen);
    const done = new Completions(env, QueueName.Executor);
    teardown.add('close the pipeline events', () => done.close());
    await done.ready();
    const run = await runScenarios(pipeline, done, agents, options, log, (ids, expected) => assertAllOpened(client, ids, expected));
    const measured = [...(run.light?.samples.map((s) => s.signalId) ?? []), ...(run.burst?.signalIds ?? [])];
    for (const f of run.fanouts.values()) measured.push(...f.signalIds);
    run.openedAt = await openedAt(pg, measured);
    log(`pipeline: done at ${new Date(wallMs()).toISOString()}`);
    return pipelineFigures(run, bareRun, options);
  } finally {
    await teardown.run();
  }
}
