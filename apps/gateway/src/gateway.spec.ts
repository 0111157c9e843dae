import { randomUUID } from 'crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import {
  cleanupRedis,
  createTestDatabase,
  http,
  insertAgent,
  QUICK_START,
  SEED_DEPLOY_PLACEHOLDERS,
  startHttpApp,
  TestDatabase,
  testEnv,
  WalletClient,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from './app.module';

/** Bad input: a 4xx naming the field, never a 5xx, and nothing written. (No workers run here.) */
describe('gateway input validation', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  let user: WalletClient;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, { GATEWAY_WAIT_MS: '200' });
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
    user = new WalletClient(api);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await app?.close();
    await pg?.end();
    await cleanupRedis(env);
    await db?.drop();
  });

  const rowCounts = async () =>
    (
      await pg.query(`SELECT (SELECT count(*) FROM agents_v3)::int AS agents, (SELECT count(*) FROM agent_deployments_v3)::int AS
                       deployments,
                             (SELECT count(*) FROM signals_v3)::int AS signals, (SELECT count(*) FROM positions_v3)::int AS positions`)
    ).rows[0];

  const expect400 = async (method: string, path: string, body: unknown, fields: string[]) => {
    const before = await rowCounts();
    const res = await user.http(method, `${api}${path}`, body);
    expect(res.status).toBe(400);
    const text = JSON.stringify(res.body.message);
    for (const f of fields) expect(text).toContain(f);
    expect(await rowCounts()).toEqual(before);
    return res;
  };

  it('rejects a bad agent, naming each field', async () => {
    await expect400('POST', '/api/v3/agents/create', {}, [
      'creator_wallet',
      'name',
      'profit_receiver_address',
      'proof_of_intent_message',
      'proof_of_intent_signature',
      'proof_of_intent_timestamp',
    ]);
    await expect400('POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, creator_wallet: 'not-a-wallet' }, ['creator_wallet']);
    await expect400('POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, weights: { x: 2 } }, ['weights.x']);
    await expect400('POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, venue: 'BINANCE' }, ['venue']);
    await expect400('POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, x_account_ids: 'abc' }, ['x_account_ids']);
    await expect400('POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, is_admin: true }, ['is_admin should not exist']);
    await expect400('POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, name: 42 }, ['name']);
  });

  it('rejects malformed JSON and oversized bodies with 4xx JSON', async () => {
    const bad = await user.http('POST', `${api}/api/v3/agents/create`, '{"name": ');
    expect(bad.status).toBe(400);
    const big = await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expect(await rowCounts()).toMatchObject({ agents: 0 });
  });

  it('rejects a bad signal, naming each field, including nested model fields', async () => {
    const agentId = await insertAgent(pg);
    const body = {
      agent_id: agentId,
      token_symbol: 'ETH$',
      side: 'UP',
      size_model: { type: 'percentage', value: -5 },
      risk_model: { type: 'trailing-stop', stop: 1.5 },
      confidence: 1.5,
    };
    await expect400('POST', '/api/v3/signals/generate', body, [
      'token_symbol',
      'side',
      'size_model.value',
      'risk_model.stop',
      'confidence',
    ]);
    await expect400('POST', '/api/v3/signals/generate', { ...QUICK_START.signal(agentId), size_model: 'big' }, ['size_model']);
    await expect400('POST', '/api/v3/signals/generate', { ...QUICK_START.signal(agentId), agent_id: 'abc' }, ['agent_id']);
    await expect400(
      'POST',
      '/api/v3/signals/generate',
      { ...QUICK_START.signal(agentId), size_model: { type: 'percentage', value: 10, lev: 3 } },
      ['size_model has unknown field(s): lev'],
    );
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    const before = await rowCounts();
    expect((await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(randomUUID()))).status).toBe(404);
    expect((await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(randomUUID()))).status).toBe(404);
    expect((await user.http('POST', `${api}/api/v3/execute/trade`, { signal_id: randomUUID() })).status).toBe(404);
    expect((await http('GET', `${api}/api/v3/agents/${randomUUID()}`)).status).toBe(404);
    expect((await user.http('POST', `${api}/api/v3/positions/${randomUUID()}/close`, {})).status).toBe(404);
    const malformed = await http('GET', `${api}/api/v3/agents/not-a-uuid`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toEqual(['id must be a UUID']);
    await expect400('POST', '/api/v3/execute/trade', { signal_id: 'x' }, ['signal_id']);
    expect((await http('GET', `${api}/api/v3/positions?limit=100000`)).status).toBe(400);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a second deployment of the same agent to the same wallet with 409 naming both fields', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent;
    expect((await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id))).status).toBe(201);
    const dup = await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id));
    expect(dup.status).toBe(409);
    expect(dup.body.fields).toEqual(['user_wallet', 'agent_id']);
    expect((await rowCounts()).deployments).toBe(1);
  });

  it('generates sealed agent wallets, returns only addresses and approval payloads, and refuses the seed placeholders', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: 'Keys' })).body.agent;
    const deployed = await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id));
    expect(deployed.status).toBe(201);
    const hl = deployed.body.agent_wallets.HYPERLIQUID;
    expect(hl.agent_address).toMatch(/^0x[0-9a-f]{40}$/);
    expect(hl.approve_agent.action).toMatchObject({ type: 'approveAgent', agentAddress: hl.agent_address, hyperliquidChain: 'Testnet' });
    expect(deployed.body.deployment).toMatchObject({ has_hyperliquid_agent_key: true, has_ostium_agent_key: true, trading_mode: 'paper' });
    const [row] = (await pg.query(`SELECT * FROM agent_deployments_v3 WHERE id = $1`, [deployed.body.deployment.id])).rows;
    for (const column of ['hyperliquid_agent_key_encrypted', 'hyperliquid_agent_key_iv', 'hyperliquid_agent_key_tag']) {
      expect(JSON.stringify(deployed.body)).not.toContain(row[column]);
    }
    const before = (await rowCounts()).deployments;
    const placeholders = await user.http('POST', `${api}/api/v3/agents/deploy`, SEED_DEPLOY_PLACEHOLDERS(agent.id));
    expect(placeholders.status).toBe(400);
    expect(placeholders.body.fields).toEqual(['hyperliquid_agent_address']);
    expect((await rowCounts()).deployments).toBe(before);
  });

  it('moves an agent through its statuses and refuses what a status forbids', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: 'Status' })).body.agent;
    expect((await user.http('POST', `${api}/api/v3/agents/${agent.id}/activate`)).body.agent.status).toBe('ACTIVE');
    expect((await user.http('POST', `${api}/api/v3/agents/${agent.id}/pause`)).body.agent.status).toBe('PAUSED');
    expect((await user.http('POST', `${api}/api/v3/agents/${agent.id}/stop`)).body.agent.status).toBe('STOPPED');
    expect((await user.http('POST', `${api}/api/v3/agents/${agent.id}/activate`)).status).toBe(409);
    expect((await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id))).status).toBe(409);
    const list = await http('GET', `${api}/api/v3/agents/list?status=STOPPED`);
    expect(list.body.agents.map((a: { id: string }) => a.id)).toContain(agent.id);
  });

  it('protects the admin endpoint', async () => {
    const res = await user.http('PUT', `${api}/api/v3/admin/paper/marks`, { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '1' });
    expect(res.status).toBe(401);
    const { rows } = await pg.query(`SELECT current_price FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    expect(rows[0].current_price).toBe('1903.95000000');
  });
});
