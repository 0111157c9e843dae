import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { JobName } from '@conduit/queue';
import {
  cleanupRedis,
  createTestDatabase,
  HyperliquidSim,
  startContext,
  startHttpApp,
  startHyperliquidServer,
  TestDatabase,
  testEnv,
  testQueues,
  waitForJob,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { PolicyAppModule } from '../apps/policy/src/app.module';
import { RouterAppModule } from '../apps/router/src/app.module';
import { SignalAppModule } from '../apps/signal/src/app.module';

/** Live trading's stack without the executor (the spec runs it as its own, killable process). */
export interface LiveHyperliquidStack {
  sim: HyperliquidSim;
  db: TestDatabase;
  env: Env;
  api: string;
  pg: Client;
  queues: ReturnType<typeof testQueues>;
  /** The first row of a query. */
  one(sql: string, params?: unknown[]): Promise<any>;
  /** An account's fills as the venue reports them. */
  userFills(user: string): Promise<{ oid: number; coin: string; side: string; closedPnl: string; fee: string }[]>;
  /** Adds a job under the id, waits for it, fails on its failure; its return value. */
  runJob(queue: Queue, name: JobName, id: string): Promise<any>;
  close(): Promise<void>;
}

/**
 * A local server speaking Hyperliquid's /info and /exchange (every EIP-712 signature verified), a fresh database, live
 * trading on against it, and the gateway, signal, policy, router and billing services on it.
 */
export async function startLiveHyperliquidStack(): Promise<LiveHyperliquidStack> {
  const sim = await startHyperliquidServer({ isTestnet: true });
  const db = await createTestDatabase();
  const env = testEnv(db, {
    LIVE_TRADING: 'true',
    HYPERLIQUID_API_URL: sim.url,
    HYPERLIQUID_NETWORK: 'testnet',
    HYPERLIQUID_TIMEOUT_MS: '60000',
    VENUE_SYNC_INTERVAL_MS: '0',
    RECONCILE_INTERVAL_MS: '0',
    WORKER_CONCURRENCY: '4',
  });
  const workers: INestApplicationContext[] = await Promise.all(
    [SignalAppModule, PolicyAppModule, RouterAppModule, BillingAppModule].map((m) => startContext(m.forRoot(env))),
  );
  const { app: gateway, url: api }: { app: INestApplication; url: string } = await startHttpApp(
    GatewayAppModule.forRoot(env),
    env,
    configureGateway,
  );
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const queues = testQueues(env);
  return {
    sim,
    db,
    env,
    api,
    pg,
    queues,
    one: async (sql, params = []) => (await pg.query(sql, params)).rows[0],
    userFills: async (user) =>
      (await fetch(`${sim.url}/info`, { method: 'POST', body: JSON.stringify({ type: 'userFills', user }) }).then((r) => r.json())) as any,
    async runJob(queue, name, id) {
      await queue.add(name, {}, { jobId: id });
      const job = await waitForJob(queue, id);
      if (job.failedReason) throw new Error(`${name} ${id} failed: ${job.failedReason}`);
      return job.returnvalue;
    },
    async close() {
      await gateway.close();
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      await pg.end();
      await cleanupRedis(env);
      await db.drop();
      await sim.close();
    },
  };
}
