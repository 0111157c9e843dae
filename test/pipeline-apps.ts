import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import type { Clock } from '@conduit/domain';
import { cleanupRedis, createTestDatabase, startContext, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { ExecutorAppModule } from '../apps/executor/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { NotifierAppModule } from '../apps/notifier/src/app.module';
import { PolicyAppModule } from '../apps/policy/src/app.module';
import { RouterAppModule } from '../apps/router/src/app.module';
import { SignalAppModule } from '../apps/signal/src/app.module';

/** The seven applications of an end-to-end test, sharing nothing but one test database and one queue prefix. */
export interface PipelineApps {
  db: TestDatabase;
  env: Env;
  /** signal, policy, router, executor, billing, notifier: separately booted contexts, in that order (each `replicas` times). */
  workers: INestApplicationContext[];
  gateway: INestApplication;
  /** The gateway's base URL. */
  api: string;
  pg: Client;
  close(): Promise<void>;
}

/**
 * Boots the six workers and the gateway over HTTP on a fresh database, with ETH marked at 2000 everywhere; with a
 * clock, every application reads the time from it; with `replicas`, each worker that many times (as a Deployment
 * with several pods).
 */
export async function startPipelineApps(
  overrides: Record<string, string> = {},
  options: { clock?: Clock; replicas?: number } = {},
): Promise<PipelineApps> {
  const db = await createTestDatabase();
  const env = testEnv(db, overrides);
  // The router answers on the RPC channel as its main starts it (the routing preview asks it).
  const modules = [SignalAppModule, PolicyAppModule, RouterAppModule, ExecutorAppModule, BillingAppModule, NotifierAppModule];
  const workers = await Promise.all(
    modules.flatMap((m) =>
      Array.from({ length: options.replicas ?? 1 }, () =>
        startContext(m.forRoot(env), m === RouterAppModule ? { clock: options.clock, rpc: env } : { clock: options.clock }),
      ),
    ),
  );
  const { app: gateway, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway, options);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`); // a fixed table of marks
  return {
    db,
    env,
    workers,
    gateway,
    api,
    pg,
    async close() {
      await gateway.close();
      await Promise.all(workers.map((w) => w.close()));
      await pg.end();
      await cleanupRedis(env);
      await db.drop();
    },
  };
}
