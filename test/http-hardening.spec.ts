import { INestApplication } from '@nestjs/common';
import { Env } from '@conduit/config';
import { cleanupRedis, createTestDatabase, http, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/** The gateway's HTTP hardening: rate limit with 429s on the API only, security headers, CORS by configuration. */
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
});
