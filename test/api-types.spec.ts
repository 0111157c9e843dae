import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Env } from '@conduit/config';
import { cleanupRedis, createTestDatabase, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { liveDocument, SCHEMA_FILE, typesOf } from '../tools/web/api-types';

/**
 * The web app's API types (apps/web/src/api/schema.d.ts, checked in) are what the live gateway's OpenAPI document
 * gives: a route or DTO changed without `npm run api:types` fails here, naming the first line that differs.
 */
describe('web API client types', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
  });
  afterAll(async () => {
    await app?.close();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  it('are generated from the live OpenAPI document', async () => {
    const document = await liveDocument(api);
    expect(Object.keys((document as { paths: object }).paths)).toContain('/api/v3/agents/leaderboard');
    const generated = await typesOf(document, join(__dirname, '..', 'tmp', `openapi-live-${process.pid}.json`));
    const checkedIn = await readFile(SCHEMA_FILE, 'utf8');
    const [a, b] = [generated.split('\n'), checkedIn.split('\n')];
    const line = a.findIndex((l, i) => l !== b[i]);
    const where = line < 0 ? (a.length === b.length ? null : Math.min(a.length, b.length)) : line;
    expect(
      where === null
        ? 'up to date'
        : `schema.d.ts differs from the live document at line ${where + 1}:\n  live:       ${a[where]}\n  checked in: ${b[where]}\n` +
            'run npm run api:types',
    ).toBe('up to date');
  });
});
