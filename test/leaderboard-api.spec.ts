import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { cleanupRedis, createTestDatabase, http, ManualClock, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { AS_OF, seedLeaderboard } from './leaderboard-fixtures';

/** GET /api/v3/agents/leaderboard: the figures billing stored, sorted and filtered by the API, as exact decimal strings. */
describe('leaderboard API', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  let pg: Client;
  let ids: Awaited<ReturnType<typeof seedLeaderboard>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway, { clock: new ManualClock(AS_OF) }));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ids = await seedLeaderboard(pg);
  });
  afterAll(async () => {
    await app?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  const board = (query = '') => http('GET', `${api}/api/v3/agents/leaderboard${query}`);
  const names = async (query: string) => ((await board(query)).body.agents as { name: string }[]).map((a) => a.name);

  it('answers every figure as a decimal string, from the latest performance row, with the live subscribers', async () => {
    const { status, body } = await board();
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, count: 4, as_of: '2026-06-15', days: 30 });
    expect(body.agents[1]).toEqual({
      agent_id: ids.alpha,
      name: 'Alpha',
      kind: 'signal',
      status: 'ACTIVE',
      apr_30d: '12.5',
      apr_90d: '30.25',
      apr_si: '48.125',
      sharpe: '1.75',
      max_drawdown: '80.2500',
      max_drawdown_percent: '7.50',
      subscribers: 2,
      realized_pnl: '250.50',
      sparkline: [
        { day: '2026-06-01', pnl: '130.87345678' },
        { day: '2026-06-14', pnl: '125.37345678' },
      ],
    });
    expect(body.agents[3]).toEqual({
      agent_id: ids.gamma,
      name: 'Gamma',
      kind: 'signal',
      status: 'PAUSED',
      apr_30d: null,
      apr_90d: null,
      apr_si: null,
      sharpe: null,
      max_drawdown: null,
      max_drawdown_percent: null,
      subscribers: 0,
      realized_pnl: null,
      sparkline: [],
    });
    expect(body.agents[0]).toMatchObject({ name: 'Beta', kind: 'llm_trader', realized_pnl: '-42.10', max_drawdown_percent: '12.34' });
  });

  it('accumulates the sparkline from the first snapshot and shows the last 90 days when asked', async () => {
    const { body } = await board('?days=90&sort=name&order=asc');
    expect(body.days).toBe(90);
    expect(body.agents[0].sparkline).toEqual([
      { day: '2026-05-01', pnl: '30.12345678' },
      { day: '2026-06-01', pnl: '130.87345678' },
      { day: '2026-06-14', pnl: '125.37345678' },
    ]);
    expect(body.agents[1].sparkline).toEqual([{ day: '2026-06-10', pnl: '-42.10000000' }]);
  });

  it('sorts by each column, descending by default, agents without a value last either way', async () => {
    expect(await names('')).toEqual(['Beta', 'Alpha', 'Delta', 'Gamma']);
    expect(await names('?sort=apr_30d&order=asc')).toEqual(['Delta', 'Alpha', 'Beta', 'Gamma']);
    expect(await names('?sort=apr_90d')).toEqual(['Alpha', 'Beta', 'Delta', 'Gamma']);
    const bySi = await names('?sort=apr_si');
    expect(bySi.slice(0, 2)).toEqual(['Alpha', 'Delta']);
    expect(bySi.slice(2).sort()).toEqual(['Beta', 'Gamma']);
    expect(await names('?sort=sharpe&order=asc')).toEqual(['Beta', 'Delta', 'Alpha', 'Gamma']);
    expect(await names('?sort=max_drawdown')).toEqual(['Beta', 'Alpha', 'Delta', 'Gamma']);
    expect(await names('?sort=max_drawdown_percent&order=asc')).toEqual(['Delta', 'Alpha', 'Beta', 'Gamma']);
    expect(await names('?sort=realized_pnl')).toEqual(['Alpha', 'Delta', 'Beta', 'Gamma']);
    expect((await names('?sort=subscribers')).slice(0, 2)).toEqual(['Alpha', 'Beta']);
    expect(await names('?sort=name&order=asc')).toEqual(['Alpha', 'Beta', 'Delta', 'Gamma']);
  });

  it('filters by kind and status, and pages', async () => {
    expect(await names('?kind=llm_trader')).toEqual(['Beta']);
    expect(await names('?kind=signal&sort=name&order=asc')).toEqual(['Alpha', 'Delta', 'Gamma']);
    expect(await names('?status=PAUSED')).toEqual(['Gamma']);
    expect(await names('?sort=name&order=asc&limit=2&offset=1')).toEqual(['Beta', 'Delta']);
  });

  it('refuses bad input naming the field', async () => {
    for (const [query, field] of [
      ['?sort=bogus', 'sort'],
      ['?order=up', 'order'],
      ['?kind=robot', 'kind'],
      ['?status=active', 'status'],
      ['?days=7', 'days'],
      ['?days=abc', 'days'],
      ['?limit=0', 'limit'],
      ['?offset=-1', 'offset'],
      ['?colour=red', 'colour'],
    ])
      expect(await board(query)).toMatchObject({ status: 400, body: { fields: [field] } });
  });
});
