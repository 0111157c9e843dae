import Decimal from 'decimal.js';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { adminAuth, adminCookie, http, QUICK_START, waitForQueuesToDrain, WalletClient } from '@conduit/testing';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * The seed's quick-start flow over HTTP, through six separately booted applications (gateway, signal, policy,
 * router, executor, billing) that share nothing but Postgres and Redis.
 */
describe('end to end: quick-start flow through every service', () => {
  let env: Env;
  let apps: PipelineApps;
  let api: string;
  let user: WalletClient;
  let pg: Client;

  beforeAll(async () => {
    apps = await startPipelineApps();
    ({ env, api, pg } = apps);
    user = new WalletClient(api);
  });
  afterAll(() => apps?.close());

  const count = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows[0].n as number;

  it('creates, deploys, signals, routes to HYPERLIQUID, opens, closes with profit and bills 20%', async () => {
    const created = await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent);
    expect(created.status).toBe(201);
    const agent = created.body.agent;
    expect(agent).toMatchObject({
      name: 'Alpha Hunter V3',
      venue: 'MULTI',
      status: 'DRAFT',
      x_account_ids: ['123456789'],
      weights: { x: 1, research: 0 },
    });

    const deployed = await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id));
    expect(deployed.status).toBe(201);
    const deployment = deployed.body.deployment;
    expect(deployment).toMatchObject({ agent_id: agent.id, status: 'ACTIVE', sub_active: true, has_hyperliquid_agent_key: true });
    expect(JSON.stringify(deployed.body)).not.toMatch(/hyperliquid_agent_key_(encrypted|iv|tag)/);
    expect(new Date(deployment.trial_ends_at).getTime()).toBeGreaterThan(Date.now());

    const generated = await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agent.id));
    expect(generated.status).toBe(201);
    const signalId = generated.body.signal.id;
    expect(generated.body.signal).toMatchObject({ token_symbol: 'ETH', side: 'LONG', requested_venue: 'MULTI', confidence: 0.85 });

    const executed = await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signalId));
    expect(executed.status).toBe(200);
    expect(executed.body.complete).toBe(true);
    expect(executed.body.signal).toMatchObject({ status: 'EXECUTED', final_venue: 'HYPERLIQUID' });
    expect(executed.body.routing).toMatchObject({
      selected_venue: 'HYPERLIQUID',
      checked_venues: ['HYPERLIQUID'],
      venue_availability: { HYPERLIQUID: true },
    });
    expect(executed.body.outcomes).toHaveLength(1);
    const position = executed.body.outcomes[0].position;
    expect(executed.body.outcomes[0]).toMatchObject({ deployment_id: deployment.id, outcome: 'OPENED' });
    expect(new Decimal(position.qty).gt(0)).toBe(true);
    expect(position).toMatchObject({
      venue: 'HYPERLIQUID',
      token_symbol: 'ETH',
      side: 'LONG',
      qty: '1.25000000',
      entry_price: '2001.00000000',
    });
    expect(position.stop_loss).toBe('1940.97000000'); // trailing stop 3% below entry
    expect(position.trailing_params).toMatchObject({ type: 'trailing', trail_pct: '0.03' });

    // the rows the seeds describe
    const signal = (await pg.query(`SELECT * FROM signals_v3 WHERE id = $1`, [signalId])).rows[0];
    expect(signal.routed_at).toBeInstanceOf(Date);
    expect(signal.executed_at).toBeInstanceOf(Date);
    const history = (await pg.query(`SELECT * FROM venue_routing_history_v3 WHERE signal_id = $1`, [signalId])).rows;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      requested_venue: 'MULTI',
      selected_venue: 'HYPERLIQUID',
      routing_reason: 'Hyperliquid: pair ETH-USD available (28 pairs)',
    });

    // the market moves up 5%; the user closes; profit share is billed once
    const mark = await user.http(
      'PUT',
      `${api}/api/v3/admin/paper/marks`,
      { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '2100' },
      adminAuth(env),
    );
    expect(mark.status).toBe(200);
    const closed = await user.http('POST', `${api}/api/v3/positions/${position.id}/close`, {});
    expect(closed.status).toBe(200);
    expect(closed.body.position).toMatchObject({
      status: 'CLOSED',
      exit_price: '2098.95000000',
      exit_reason: 'MANUAL',
      pnl: '120.13127812',
    });
    expect(closed.body.billing_event).toMatchObject({ kind: 'PROFIT_SHARE', amount: '24.02625562', asset: 'USDC' }); // 20%, rounded down
    const again = await user.http('POST', `${api}/api/v3/positions/${position.id}/close`, {});
    expect(again.body.position.pnl).toBe('120.13127812');
    await waitForQueuesToDrain(env);
    expect(await count(`SELECT count(*)::int AS n FROM billing_events_v3 WHERE position_id = $1`, [position.id])).toBe(1);
    // collected from the paper ledger
    expect(
      await count(`SELECT count(*)::int AS n FROM billing_events_v3 WHERE position_id = $1 AND status = 'COLLECTED'`, [position.id]),
    ).toBe(1);

    const overview = await http('GET', `${api}/api/v3/stats/overview`);
    expect(overview.body).toMatchObject({ agents: 1, deployments: 1, positions: 1, open_positions: 0, realized_pnl: '120.13127812' });
    const routingHistory = await http('GET', `${api}/api/v3/stats/routing-history`);
    expect(routingHistory.body.history[0]).toMatchObject({ signal_id: signalId, selected_venue: 'HYPERLIQUID' });
  });

  it('skips an unlisted token with the reason, on the signal and for the deployment', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: 'Unlisted' })).body.agent;
    const deployment = (await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id))).body.deployment;
    const signalId = (
      await user.http('POST', `${api}/api/v3/signals/generate`, { ...QUICK_START.signal(agent.id), token_symbol: 'NOTLISTED' })
    ).body.signal.id;
    const executed = await user.http('POST', `${api}/api/v3/execute/trade`, { signal_id: signalId });
    expect(executed.status).toBe(200);
    expect(executed.body.signal.status).toBe('SKIPPED');
    expect(executed.body.skipped_reason).toMatch(/no venue lists NOTLISTED/);
    expect(executed.body.routing).toBeNull();
    expect(executed.body.outcomes).toEqual([
      expect.objectContaining({ deployment_id: deployment.id, outcome: 'SKIPPED', reason: executed.body.skipped_reason }),
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId])).toBe(0);
  });

  it('fans one signal out to many deployments: every one ends with exactly one outcome', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: 'Fan-out' })).body.agent;
    const subscribers = Array.from({ length: 25 }, () => WalletClient.random(api));
    for (const s of subscribers)
      expect((await s.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agent.id, user_wallet: s.address })).status).toBe(201);
    // two deployments must not trade: one paused, one whose subscription lapsed
    const [paused, lapsed] = (
      await pg.query(`SELECT id, user_wallet FROM agent_deployments_v3 WHERE agent_id = $1 ORDER BY user_wallet LIMIT 2`, [agent.id])
    ).rows;
    const [pausedId, lapsedId] = [paused.id, lapsed.id];
    // only its user pauses a deployment: the agent's creator is refused
    expect((await user.http('POST', `${api}/api/v3/deployments/${pausedId}/pause`)).status).toBe(403);
    const owner = subscribers.find((s) => s.address === paused.user_wallet)!;
    expect((await owner.http('POST', `${api}/api/v3/deployments/${pausedId}/pause`)).status).toBe(200);
    await pg.query(`UPDATE agent_deployments_v3 SET sub_active = FALSE, trial_ends_at = now() - interval '1 day' WHERE id = $1`, [
      lapsedId,
    ]);

    const signalId = (
      await user.http('POST', `${api}/api/v3/signals/generate`, { ...QUICK_START.signal(agent.id), token_symbol: 'BTC', side: 'SHORT' })
    ).body.signal.id;
    const executed = await user.http('POST', `${api}/api/v3/execute/trade`, { signal_id: signalId });
    expect(executed.body.complete).toBe(true);
    // the creator's answer has its own deployments' rows only (none here) and every deployment in its totals; an
    // operator reads each row
    expect(executed.body.outcomes).toEqual([]);
    expect(executed.body.outcome_totals.reduce((n: number, t: { deployments: number }) => n + t.deployments, 0)).toBe(25);
    const read = await http('GET', `${api}/api/v3/signals/${signalId}`, undefined, adminAuth(env));
    const outcomes = read.body.outcomes as { deployment_id: string; outcome: string; reason: string | null }[];
    expect(outcomes).toHaveLength(25);
    expect(new Set(outcomes.map((o) => o.deployment_id)).size).toBe(25);
    expect(outcomes.filter((o) => o.outcome === 'OPENED')).toHaveLength(23);
    expect(outcomes.find((o) => o.deployment_id === pausedId)).toMatchObject({ outcome: 'SKIPPED', reason: 'deployment is PAUSED' });
    expect(outcomes.find((o) => o.deployment_id === lapsedId)).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'subscription inactive and no trial running',
    });
    expect(await count(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId])).toBe(23);
  });

  it('is idempotent for a repeated generate with the same Idempotency-Key', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, { ...QUICK_START.createAgent, name: 'Idempotent' })).body.agent;
    const headers = { 'idempotency-key': 'client-retry-42' };
    const a = await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agent.id), headers);
    const b = await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agent.id), headers);
    expect(a.body.signal.id).toBe(b.body.signal.id);
    expect(await count(`SELECT count(*)::int AS n FROM signals_v3 WHERE agent_id = $1`, [agent.id])).toBe(1);
  });

  it('serves health, metrics, OpenAPI and a protected Bull Board', async () => {
    expect((await http('GET', `${api}/health`)).body).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
    const metrics = await fetch(`${api}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/conduit_process_cpu_user_seconds_total/);
    const docs = await http('GET', `${api}/api/docs-json`);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v3/agents/create', '/api/v3/execute/trade', '/api/v3/stats/routing-history']),
    );
    expect((await fetch(`${api}/admin/queues`)).status).toBe(401);
    const auth = adminCookie(env); // Bull Board: an operator session cookie
    expect((await fetch(`${api}/admin/queues`, { headers: auth })).status).toBe(200);
    const queues: any = await fetch(`${api}/admin/queues/api/queues?activeQueue=&page=1`, { headers: auth }).then((r) => r.json());
    expect(queues.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'conduit-billing',
      'conduit-executor',
      'conduit-notify',
      'conduit-policy',
      'conduit-router',
      'conduit-signal',
    ]);
  });
});
