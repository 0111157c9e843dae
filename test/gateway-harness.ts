import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import type { Clock } from '@conduit/domain';
import { adminAuth, cleanupRedis, createTestDatabase, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { webBuild } from './browser/web-build';

/** What a gateway test reads once its beforeAll has run. */
export interface GatewayHarness {
  db: TestDatabase;
  env: Env;
  app: INestApplication;
  /** The gateway's base URL. */
  api: string;
  /** A connection of the test's own to its database. */
  pg: Client;
  /** The test admin's operator session (`Authorization: Bearer cos_…`). */
  admin: Record<string, string>;
}

export interface GatewayHarnessOptions {
  /** Every application started here reads the time from it. */
  clock?: Clock;
  /** Environment overrides of testEnv. */
  env?: Record<string, string>;
  /** Serve the web app built from the sources (webBuild) at `/`, as the gateway's WEB_DIR. */
  web?: boolean;
  /** Further applications the tests need beside the gateway (a billing worker, say), closed after it. */
  with?: (env: Env, clock?: Clock) => Promise<INestApplicationContext>[];
}

/**
 * The gateway over HTTP on a fresh test database, started in the suite's beforeAll and closed in its afterAll (with
 * the database dropped and the queue prefix's Redis keys removed). The returned object is filled in by beforeAll:
 * read its fields inside tests and hooks, not at the top of the describe.
 */
export function useGateway(options: GatewayHarnessOptions = {}): GatewayHarness {
  const h = {} as GatewayHarness;
  const others: INestApplicationContext[] = [];
  beforeAll(async () => {
    h.db = await createTestDatabase();
    h.env = testEnv(h.db, { ...options.env, ...(options.web ? { WEB_DIR: await webBuild() } : {}) });
    const { app, url } = await startHttpApp(GatewayAppModule.forRoot(h.env), h.env, configureGateway, { clock: options.clock });
    Object.assign(h, { app, api: url, admin: adminAuth(h.env) });
    others.push(...(await Promise.all(options.with?.(h.env, options.clock) ?? [])));
    h.pg = new Client({ connectionString: h.db.url });
    await h.pg.connect();
  }, 240_000); // a first web build takes a while
  afterAll(async () => {
    await h.app?.close();
    for (const other of others) await other.close();
    await h.pg?.end();
    if (h.env) await cleanupRedis(h.env);
    await h.db?.drop();
  });
  return h;
}
