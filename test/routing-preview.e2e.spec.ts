import { randomUUID } from 'crypto';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { http, QUICK_START, startContext, startHttpApp, testEnv, waitFor, WalletClient } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { RouterAppModule } from '../apps/router/src/app.module';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * GET /api/v3/routing/preview (issue 17): the gateway asks the router over the RPC channel (Redis transport, channels
 * under the queue prefix) and answers how a signal would be routed now; a signal routed right after gets the same.
 */
describe('routing preview: a question to the router on the RPC channel', () => {
  let apps: PipelineApps;
  let api: string;
  let user: WalletClient;

  beforeAll(async () => {
    apps = await startPipelineApps();
    api = apps.api;
    user = new WalletClient(api);
  });
  afterAll(() => apps?.close());

  const preview = (query: Record<string, string>, base = api) =>
    http('GET', `${base}/api/v3/routing/preview?${new URLSearchParams(query).toString()}`);
  const deployedAgent = async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent;
    expect((await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id))).status).toBe(201);
    return agent.id as string;
  };
  const history = async (signalId: string) =>
    (await apps.pg.query(`SELECT * FROM venue_routing_history_v3 WHERE signal_id = $1`, [signalId])).rows[0];
  const counts = async () =>
    (
      await apps.pg.query(
        `SELECT (SELECT count(*) FROM signals_v3)::int AS signals, (SELECT count(*) FROM audit_logs)::int AS audits,
                (SELECT count(*) FROM venue_routing_history_v3)::int AS routed`,
      )
    ).rows[0];

  it('answers the venue and the reason that a signal routed right after gets', async () => {
    const agentId = await deployedAgent();
    const asked = await preview({ agent_id: agentId, token_symbol: 'ETH', side: 'LONG', notional_usd: '2500' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      success: true,
      agent_id: agentId,
      token_symbol: 'ETH',
      side: 'LONG',
      notional_usd: '2500',
      config: 'global',
      strategy: 'FIRST_AVAILABLE',
      selected: 'HYPERLIQUID',
      reason: 'Hyperliquid: pair ETH-USD available (28 pairs)',
    });
    expect(asked.body.venues[0]).toMatchObject({ venue: 'HYPERLIQUID', rank: 1, available: true, reason: asked.body.reason });
    expect(new Date(asked.body.computed_at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const signal = (await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId))).body.signal;
    const executed = await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signal.id));
    expect(executed.body.routing.selected_venue).toBe(asked.body.selected);
    expect(await history(signal.id)).toMatchObject({ selected_venue: asked.body.selected, routing_reason: asked.body.reason });
  });

  it("reads the agent's own routing config and the cache as they are now, as the routing of its next signal does", async () => {
    const agentId = await deployedAgent();
    await apps.pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['OSTIUM', 'HYPERLIQUID'])`, [
      agentId,
    ]);
    // The router's cache reloads on the config's notification: the preview sees it as soon as the router does.
    const asked = await waitFor('the preview with the agent config', async () => {
      const res = await preview({ agent_id: agentId, token_symbol: 'ETH', side: 'SHORT', notional_usd: '100.5' });
      return res.body.config === 'agent' ? res : null;
    });
    expect(asked.body).toMatchObject({ selected: 'OSTIUM', failover_enabled: true });
    expect(asked.body.venues.map((v: { venue: string; rank: number | null }) => [v.venue, v.rank])).toEqual([
      ['OSTIUM', 1],
      ['HYPERLIQUID', 2],
    ]);
    expect(asked.body.venues[1].reason).toBe('failover 2: pair ETH-USD available');

    const signal = (await user.http('POST', `${api}/api/v3/signals/generate`, { ...QUICK_START.signal(agentId), side: 'SHORT' })).body
      .signal;
    const routed = await waitFor('the signal routed', () => history(signal.id));
    expect(routed).toMatchObject({ selected_venue: 'OSTIUM', routing_reason: asked.body.reason });
  });

  it('takes one answer when several routers listen (each answers; the first wins)', async () => {
    const agentId = await deployedAgent();
    const second: INestApplicationContext = await startContext(RouterAppModule.forRoot(apps.env), { rpc: apps.env });
    try {
      const answers = await Promise.all(
        [1, 2, 3].map(() => preview({ agent_id: agentId, token_symbol: 'SOL', side: 'LONG', notional_usd: '10' })),
      );
      for (const a of answers) expect(a).toMatchObject({ status: 200, body: { selected: 'HYPERLIQUID', agent_id: agentId } });
    } finally {
      await second.close();
    }
  });

  it('answers 404 for an unknown agent, without asking the router', async () => {
    const unknown = randomUUID();
    const res = await preview({ agent_id: unknown, token_symbol: 'ETH', side: 'LONG', notional_usd: '1' });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body.message)).toContain(unknown);
  });

  it('answers 400 naming the field for bad input, and writes nothing', async () => {
    const agentId = await deployedAgent();
    const valid = { agent_id: agentId, token_symbol: 'ETH', side: 'LONG', notional_usd: '2500' };
    const before = await counts();
    const bad: [string, string][] = [
      ['agent_id', 'not-a-uuid'],
      ['token_symbol', 'ETH$'],
      ['side', 'UP'],
      ['notional_usd', '0'],
      ['notional_usd', '-5'],
      ['notional_usd', '1e3'],
      ['notional_usd', 'abc'],
    ];
    for (const [field, value] of bad) {
      const res = await preview({ ...valid, [field]: value });
      expect({ field, value, status: res.status }).toEqual({ field, value, status: 400 });
      expect(JSON.stringify(res.body.message)).toContain(field);
    }
    const missing = await preview({ agent_id: agentId });
    expect(missing.status).toBe(400);
    for (const field of ['token_symbol', 'side', 'notional_usd']) expect(JSON.stringify(missing.body.message)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  describe('with no router listening', () => {
    let lone: INestApplication;
    let loneApi: string;

    beforeAll(async () => {
      // Another queue prefix: the same Redis, but channels no router subscribes to.
      const env = testEnv(apps.db, { ROUTER_RPC_TIMEOUT_MS: '400' });
      ({ app: lone, url: loneApi } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
    });
    afterAll(() => lone?.close());

    it('answers 503 with the reason within the timeout', async () => {
      const agentId = await deployedAgent();
      const started = Date.now();
      const res = await preview({ agent_id: agentId, token_symbol: 'ETH', side: 'LONG', notional_usd: '2500' }, loneApi);
      const took = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, message: ['no router answered within 400 ms'] });
      expect(took).toBeGreaterThanOrEqual(390);
      expect(took).toBeLessThan(2_000);
    });
  });
});
