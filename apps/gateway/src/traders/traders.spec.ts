import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import {
  cleanupRedis,
  createTestDatabase,
  http,
  insertAgent,
  insertBookPosition,
  insertTrader,
  startHttpApp,
  TestDatabase,
  testEnv,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../app.module';

/** An LLM trader's records over HTTP: trades, performance history, model usage; bad input named, unknown agents 404. */
describe('gateway: LLM trader records', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  let pg: Client;
  let agentId: string;
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    const trader = await insertTrader(pg, { initialBalance: '1000' });
    agentId = trader.agentId;
    const at = (m: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + m * 60_000);
    await insertBookPosition(pg, agentId, trader.bookId, {
      qty: '0.3',
      entry: '2000.1',
      mark: '2010.13',
      openFee: '0.27',
      openedAt: at(3),
    });
    await insertBookPosition(pg, agentId, trader.bookId, {
      coin: 'BTC',
      qty: '0.01',
      entry: '60000',
      status: 'CLOSED',
      exit: '61000',
      pnl: '9.46',
      exitReason: 'TAKE_PROFIT',
      openFee: '0.27',
      closeFee: '0.27',
      openedAt: at(1),
    });
    await insertBookPosition(pg, agentId, trader.bookId, {
      coin: 'SOL',
      qty: '10',
      entry: '150',
      status: 'CLOSED',
      exit: '136',
      pnl: '-140.5',
      exitReason: 'LIQUIDATION',
      openedAt: at(2),
    });

    const snapshot = `INSERT INTO agent_performance (agent_id, snapshot_time, total_value, cash_balance, position_value, realized_pnl,
                        unrealized_pnl, total_pnl, roi_percent) VALUES ($1, $2, $3, 900, 600, -131.04, 3.01, $4, $5)`;
    await pg.query(snapshot, [agentId, '2026-06-01T10:05:00Z', '871.97', '-128.03', '-12.8030']);
    await pg.query(snapshot, [agentId, '2026-06-01T10:00:00Z', '872.00', '-128.00', '-12.8000']);
    await pg.query(snapshot, [agentId, '2026-06-02T00:00:00Z', '880.10', '-119.90', '-11.9900']);

    const usage = `INSERT INTO llm_token_usage (agent_id, timestamp, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)`;
    await pg.query(usage, [agentId, '2026-06-01T09:00:00Z', 'deepseek-chat', 1200, 300, 1500, '0.00045']);
    await pg.query(usage, [agentId, '2026-06-01T23:59:59Z', 'deepseek-chat', 1000, 250, 1250, '0.000375']);
    await pg.query(usage, [agentId, '2026-06-01T12:00:00Z', 'local-model', 900, 100, 1000, null]);
    await pg.query(usage, [agentId, '2026-06-02T00:00:00Z', 'deepseek-chat', 1100, 200, 1300, '0.0004']);
  });
  afterAll(async () => {
    await app?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  const get = (path: string) => http('GET', `${api}/api/v3/agents/${path}`);
  const expect400 = async (path: string, message: string, field: string) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
    expect(res.body.fields).toContain(field);
  };

  describe('GET :id/trades', () => {
    it('answers every trade newest first, money as decimal strings', async () => {
      const res = await get(`${agentId}/trades`);
      expect(res.status).toBe(200);
      expect(res.body.trades.map((t: { coin: string; status: string }) => [t.coin, t.status])).toEqual([
        ['ETH', 'open'],
        ['SOL', 'liquidated'],
        ['BTC', 'closed'],
      ]);
      const [open, , closed] = res.body.trades;
      expect(open).toMatchObject({
        side: 'long',
        size: '0.30000000',
        entry_price: '2000.10000000',
        realized_pnl: null,
        fees: '0.27000000',
      });
      expect(open.unrealized_pnl).toBe('3.00900000'); // (2010.13 − 2000.1) × 0.3, to 8 places
      expect(closed).toMatchObject({ realized_pnl: '9.46000000', fees: '0.54000000', notes: 'TAKE_PROFIT', unrealized_pnl: null });
    });

    it('filters by status', async () => {
      const res = await get(`${agentId}/trades?status=liquidated`);
      expect(res.body.trades.map((t: { coin: string }) => t.coin)).toEqual(['SOL']);
      expect((await get(`${agentId}/trades?status=closed`)).body.count).toBe(1);
    });

    it('refuses a bad status or id naming it, and answers 404 for an unknown agent', async () => {
      await expect400(`${agentId}/trades?status=won`, 'status must be one of open, closed, liquidated', 'status');
      await expect400(`not-a-uuid/trades`, 'id must be a UUID', 'id');
      expect((await get(`${UNKNOWN}/trades`)).status).toBe(404);
    });
  });

  describe('GET :id/performance/history', () => {
    it('answers the snapshots oldest first within [from, to), decimals as strings', async () => {
      const res = await get(`${agentId}/performance/history?from=2026-06-01T10:00:00Z&to=2026-06-02`);
      expect(res.status).toBe(200);
      expect(res.body.snapshots.map((s: { snapshot_time: string; total_value: string }) => [s.snapshot_time, s.total_value])).toEqual([
        ['2026-06-01T10:00:00.000Z', '872.00'],
        ['2026-06-01T10:05:00.000Z', '871.97'],
      ]);
      expect(res.body.snapshots[1]).toMatchObject({ roi_percent: '-12.8030', realized_pnl: '-131.04', total_pnl: '-128.03' });
      expect((await get(`${agentId}/performance/history`)).body.count).toBe(3);
    });

    it('refuses a bad from, a to before from, and answers 404 for an unknown agent', async () => {
      await expect400(`${agentId}/performance/history?from=yesterday`, 'from must be an ISO-8601 date or timestamp', 'from');
      await expect400(`${agentId}/performance/history?from=2026-06-02&to=2026-06-01`, 'to must be after from', 'to');
      expect((await get(`${UNKNOWN}/performance/history`)).status).toBe(404);
    });
  });

  describe('GET :id/llm-usage', () => {
    it('sums calls, tokens and cost per UTC day and model, per model and in all', async () => {
      const res = await get(`${agentId}/llm-usage?from=2026-06-01&to=2026-06-03`);
      expect(res.status).toBe(200);
      const figures = (calls: number, unpriced: number, p: number, c: number, cost: string) => ({
        calls,
        unpriced_calls: unpriced,
        prompt_tokens: p,
        completion_tokens: c,
        total_tokens: p + c,
        cost_usd: cost,
      });
      expect(res.body).toEqual({
        success: true,
        agent_id: agentId,
        from: '2026-06-01',
        to: '2026-06-03',
        days: [
          { day: '2026-06-01', model: 'deepseek-chat', ...figures(2, 0, 2200, 550, '0.00082500') },
          { day: '2026-06-01', model: 'local-model', ...figures(1, 1, 900, 100, '0.00000000') },
          { day: '2026-06-02', model: 'deepseek-chat', ...figures(1, 0, 1100, 200, '0.00040000') },
        ],
        models: [
          { model: 'deepseek-chat', ...figures(3, 0, 3300, 750, '0.00122500') },
          { model: 'local-model', ...figures(1, 1, 900, 100, '0.00000000') },
        ],
        totals: figures(4, 1, 4200, 850, '0.00122500'),
      });
      const dayTwo = await get(`${agentId}/llm-usage?from=2026-06-02`);
      expect(dayTwo.body.totals).toEqual(figures(1, 0, 1100, 200, '0.00040000'));
    });

    it('answers zeros for an agent without usage', async () => {
      const other = await insertAgent(pg);
      const res = await get(`${other}/llm-usage`);
      expect(res.body).toMatchObject({ days: [], models: [], totals: { calls: 0, total_tokens: 0, cost_usd: '0.00000000' } });
    });

    it('refuses a bad to, and answers 404 for an unknown agent', async () => {
      await expect400(`${agentId}/llm-usage?to=2026-02-30`, 'to must be an ISO-8601 date or timestamp', 'to');
      expect((await get(`${UNKNOWN}/llm-usage`)).status).toBe(404);
    });
  });
});
