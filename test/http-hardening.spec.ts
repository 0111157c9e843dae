import { INestApplication } from '@nestjs/common';
import { Env } from '@conduit/config';
import { Client } from 'pg';
import { adminAuth, cleanupRedis, createTestDatabase, http, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/**
 * The gateway's HTTP hardening: rate limit with 429s on the API only, security headers, CORS by configuration, and
 * bodies the parser or the validator cannot take refused with a 4xx before any handler.
 */
describe('gateway HTTP hardening', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, { THROTTLE_LIMIT: '5', THROTTLE_TTL_MS: '60000', CORS_ORIGINS: 'https://app.conduit.example' });
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
  });
  afterAll(async () => {
    await app?.close();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  it('answers 429 beyond the limit per endpoint and client on the API, never on health probes', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await http('GET', `${api}/api/v3/agents/list`)).status);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const limited = await http('GET', `${api}/api/v3/agents/list`);
    expect(limited.body).toMatchObject({ statusCode: 429 });
    // the budget is per endpoint and client (@nestjs/throttler's key): another endpoint still answers
    expect((await http('GET', `${api}/api/v3/stats/overview`)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await http('GET', `${api}/health`)).status).toBe(200);
  });

  it('sends security headers and CORS only to configured origins', async () => {
    const allowed = await fetch(`${api}/health`, { headers: { origin: 'https://app.conduit.example' } });
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(allowed.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(allowed.headers.get('x-powered-by')).toBeNull();
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.conduit.example');
    const other = await fetch(`${api}/health`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a JSON body nested 20,000 levels deep (40 kB, under the size limit) with a 400 naming it, writing nothing', async () => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const count = async () =>
        (await pg.query(`SELECT (SELECT count(*) FROM wallets) + (SELECT count(*) FROM audit_logs) AS n`)).rows[0].n;
      const before = await count();
      const deep = `{"address": "0x${'ab'.repeat(20)}", "tags": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      expect(deep.length).toBeLessThan(64 * 1024);
      for (const path of ['/api/v3/wallets', '/api/v3/agents/create', '/api/v3/auth/verify']) {
        const res = await http('POST', `${api}${path}`, deep, adminAuth(env));
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, message: 'request body nests deeper than 32 levels' });
      }
      // brackets inside strings do not nest; a body over the limit stays 413
      const label = await http('POST', `${api}/api/v3/wallets`, { address: `0x${'cd'.repeat(20)}`, label: '['.repeat(60) }, adminAuth(env));
      expect(label.status).not.toBe(400);
      expect((await http('POST', `${api}/api/v3/wallets`, { label: 'x'.repeat(70_000) }, adminAuth(env))).status).toBe(413);
      expect(await count()).toBe(String(Number(before) + (label.status === 201 ? 2 : 0)));
    } finally {
      await pg.end();
    }
  });
});
