// Agent Where's decision time with a realistic market count: a fresh migrated database with 200 synthetic
// Hyperliquid markets on top of the seed (30 of them listed on Ostium too), the router service booted in-process,
// and RouterProcessor.decide() timed call by call for each routing strategy, reading only the RoutingCache.
// Run through tools/bench/run.ts (npm run bench).
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { RoutingDecision } from '@conduit/domain';
import { cleanupRedis, createTestDatabase, insertAgent, startContext, TestDatabase, testEnv } from '@conduit/testing';
import { RouterAppModule } from '../../apps/router/src/app.module';
import { RouterProcessor } from '../../apps/router/src/router.processor';
import { RoutingCache } from '../../apps/router/src/routing-cache';
import { PaperVenue, VenueRegistry } from '@conduit/venue';

/** One benchmark's figures: latencies in `unit`, plus whatever else the benchmark reports. */
export interface BenchResult {
  name: string;
  unit: string;
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  [extra: string]: unknown;
}

const SYNTHETIC_MARKETS = 200;
/** The first this many synthetic tokens are listed on Ostium as well, so the cost strategies compare two books. */
const ALSO_ON_OSTIUM = 30;
const UNLISTED = 20;
const WARMUP = 1_000;
const MEASURED = 20_000;
/** The loop yields to the event loop this often (between timed calls) so the cache's timers can run as in service. */
const YIELD_EVERY = 1_000;
const TARGET_P99_MS = 1;
const STRATEGIES = ['FIRST_AVAILABLE', 'LOWEST_FEES', 'BEST_LIQUIDITY'] as const;
const PENDING = [{ deployment_id: 'bench', venue: null, venues: null, size_model: null }];

type Signal = { agent_id: string; token_symbol: string; side: string; size_model: Record<string, unknown> };

/** Nearest-rank percentile of sorted nanoseconds, in milliseconds with 3 decimals. */
function percentileMs(sortedNs: Float64Array, p: number): number {
  const i = Math.min(sortedNs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedNs.length) - 1));
  return toMs(sortedNs[i]);
}

const toMs = (ns: number) => Math.round(ns / 1e3) / 1e3;

/** n, p50, p90, p99 and max (ms) of per-call durations in nanoseconds. */
export function summarize(name: string, samplesNs: Float64Array): BenchResult {
  const sorted = Float64Array.from(samplesNs).sort();
  return {
    name,
    unit: 'ms',
    n: sorted.length,
    p50: percentileMs(sorted, 50),
    p90: percentileMs(sorted, 90),
    p99: percentileMs(sorted, 99),
    max: toMs(sorted[sorted.length - 1]),
  };
}

const pad = (i: number) => String(i).padStart(3, '0');

/** 200 synthetic Hyperliquid markets BENCH000..BENCH199, the first 30 also on Ostium; returns the token mix. */
async function seedMarkets(pg: Client) {
  const rows: unknown[] = [];
  for (let i = 0; i < SYNTHETIC_MARKETS; i++) {
    const token = `BENCH${pad(i)}`;
    const price = (10 + i * 1.37).toFixed(2);
    rows.push({ venue: 'HYPERLIQUID', token_symbol: token, market_name: `${token}-USD`, market_index: 1000 + i, current_price: price });
    if (i < ALSO_ON_OSTIUM)
      rows.push({ venue: 'OSTIUM', token_symbol: token, market_name: `${token}-USD`, market_index: 1000 + i, current_price: price });
  }
  await pg.query(
    `INSERT INTO venue_markets (venue, token_symbol, market_name, market_index, is_active, max_leverage, current_price, last_synced,
      metadata)
     SELECT m.venue::venue_v3_t, m.token_symbol, m.market_name, m.market_index, TRUE, 20, m.current_price::numeric, NOW(),
       '{"szDecimals": 2}'::jsonb
       FROM jsonb_to_recordset($1::jsonb) AS m(venue text, token_symbol text, market_name text, market_index int, current_price text)`,
    [JSON.stringify(rows)],
  );
  const { rows: listed } = await pg.query<{ token_symbol: string; venues: number }>(
    `SELECT token_symbol, count(*)::int AS venues FROM venue_markets WHERE is_active GROUP BY token_symbol ORDER BY token_symbol`,
  );
  const one = listed.filter((r) => r.venues === 1).map((r) => r.token_symbol);
  const both = listed.filter((r) => r.venues >= 2).map((r) => r.token_symbol);
  const unlisted = Array.from({ length: UNLISTED }, (_, i) => `NOPE${pad(i)}`);
  return { one, both, unlisted };
}

/** Interleaves the lists evenly (each at its own pace) so every stretch of the cycle mixes the kinds of token. */
function interleave(lists: string[][]): string[] {
  return lists
    .flatMap((l) => l.map((token, i) => ({ token, at: (i + 0.5) / l.length })))
    .sort((a, b) => a.at - b.at)
    .map((t) => t.token);
}

interface LoopStats {
  samples: Float64Array;
  coldMisses: number;
  selected: Record<string, number>;
}

/** Times `count` decide() calls cycling over the signals; a cold book miss is counted, awaited, and timed as a whole. */
async function loop(router: RouterProcessor, signals: Signal[], count: number): Promise<LoopStats> {
  const samples = new Float64Array(count);
  const selected: Record<string, number> = {};
  let coldMisses = 0;
  for (let i = 0; i < count; i++) {
    const signal = signals[i % signals.length];
    const started = process.hrtime.bigint();
    let decision: RoutingDecision | Promise<RoutingDecision> = router.decide(signal, PENDING);
    if (decision instanceof Promise) {
      coldMisses++;
      decision = await decision;
    }
    samples[i] = Number(process.hrtime.bigint() - started);
    const venue = decision.selected ?? 'none';
    selected[venue] = (selected[venue] ?? 0) + 1;
    if ((i + 1) % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
  }
  return { samples, coldMisses, selected };
}

/** Boots the router in-process on a fresh database, times decide() per strategy, and tears everything down. */
export async function routingBench(): Promise<BenchResult[]> {
  let db: TestDatabase | undefined;
  let env: Env | undefined;
  let app: INestApplicationContext | undefined;
  let pg: Client | undefined;
  try {
    db = await createTestDatabase();
    env = testEnv(db, { LOG_LEVEL: 'warn' });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const mix = await seedMarkets(pg);

    // FIRST_AVAILABLE is the seeded global default; the other two strategies get an agent config each.
    const agents: Record<(typeof STRATEGIES)[number], string> = {
      FIRST_AVAILABLE: await insertAgent(pg, { name: 'Bench first-available' }),
      LOWEST_FEES: await insertAgent(pg, { name: 'Bench lowest-fees' }),
      BEST_LIQUIDITY: await insertAgent(pg, { name: 'Bench best-liquidity' }),
    };
    for (const strategy of ['LOWEST_FEES', 'BEST_LIQUIDITY'] as const) {
      await pg.query(
        `INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy, failover_enabled) VALUES ($1,
          ARRAY['HYPERLIQUID', 'OSTIUM'], $2, TRUE)`,
        [agents[strategy], strategy],
      );
    }

    app = await startContext(RouterAppModule.forRoot(env));
    const router = app.get(RouterProcessor);
    const cache = app.get(RoutingCache);
    // A real trade-off for the cost strategies: Hyperliquid's paper twin charges 10 bps, Ostium's the default 4.5.
    const registry = app.get(VenueRegistry);
    registry.register(
      new PaperVenue('HYPERLIQUID', registry.prices, {
        takerFeeBps: '10',
        slippageBps: env.PAPER_SLIPPAGE_BPS,
        startingEquityUsd: env.PAPER_STARTING_EQUITY_USD,
      }),
    );
    await cache.reload();
    await cache.refreshBooks();
    const markets = cache.marketCount();

    const tokens = interleave([mix.one, mix.both, mix.unlisted]);
    const tokenMix = { one_venue: mix.one.length, both_venues: mix.both.length, unlisted: mix.unlisted.length };
    const results: BenchResult[] = [];
    for (const strategy of STRATEGIES) {
      const signals: Signal[] = tokens.map((token_symbol, i) => ({
        agent_id: agents[strategy],
        token_symbol,
        side: i % 2 ? 'SHORT' : 'LONG',
        size_model: { type: 'percentage', value: 10 },
      }));
      const warm = await loop(router, signals, WARMUP);
      const run = await loop(router, signals, MEASURED);
      const r = summarize(`routing.decide.${strategy}`, run.samples);
      results.push({
        ...r,
        strategy,
        markets,
        tokens: tokenMix,
        coldMisses: run.coldMisses,
        warmupColdMisses: warm.coldMisses,
        selected: run.selected,
        target_p99_ms: TARGET_P99_MS,
        meets_target: r.p99 <= TARGET_P99_MS,
      });
    }
    return results;
  } finally {
    // Each step on its own: one failing must not leave the database or the Redis keys behind.
    const steps: [string, (() => Promise<unknown>) | undefined][] = [
      ['close the router context', app && (() => app!.close())],
      ['close the pg client', pg && (() => pg!.end())],
      ['clean Redis', env && (() => cleanupRedis(env!))],
      ['drop the database', db && (() => db!.drop())],
    ];
    for (const [what, step] of steps) {
      if (!step) continue;
      try {
        await step();
      } catch (e) {
        console.error(`bench cleanup: could not ${what}: ${(e as Error).message}`);
      }
    }
  }
}
