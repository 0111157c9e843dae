import { Wallet } from 'ethers';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { adminAuth, http, proofOfIntent, QUICK_START, waitForQueuesToDrain, WalletClient } from '@conduit/testing';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * Wallet sign-in (EIP-4361) and what it guards: every mutating endpoint needs a credential, only an agent's
 * creator changes it, only a deployment's user changes or stops it, agent creation carries a fresh single-use
 * proof of intent, and one trace id follows an action from the HTTP call through every service into audit_logs.
 */
describe('auth, ownership and the audit trail', () => {
  let env: Env;
  let apps: PipelineApps;
  let api: string;
  let pg: Client;
  let creator: WalletClient;
  let subscriber: WalletClient;
  let stranger: WalletClient;
  let agentId: string;
  let deploymentId: string;

  beforeAll(async () => {
    apps = await startPipelineApps();
    ({ env, api, pg } = apps);
    [creator, subscriber, stranger] = [WalletClient.random(api), WalletClient.random(api), WalletClient.random(api)];
  });
  afterAll(() => apps?.close());

  /** Every table a request could write to, with its row count. */
  const snapshot = async () =>
    (
      await pg.query(`SELECT (SELECT count(*) FROM agents_v3)::int AS agents, (SELECT count(*) FROM agent_deployments_v3)::int AS
                       deployments,
                             (SELECT count(*) FROM signals_v3)::int AS signals, (SELECT count(*) FROM positions_v3)::int AS positions,
                             (SELECT count(*) FROM audit_logs)::int AS audit, (SELECT count(*) FROM ct_posts)::int AS posts,
                             (SELECT md5(string_agg(a::text, ',' ORDER BY a.id)) FROM agents_v3 a) AS agents_hash,
                             (SELECT md5(string_agg(d::text, ',' ORDER BY d.id)) FROM agent_deployments_v3 d) AS deployments_hash`)
    ).rows[0];

  describe('credentials on every mutating endpoint', () => {
    beforeAll(async () => {
      const created = await creator.http('POST', `${api}/api/v3/agents/create`, {
        ...QUICK_START.createAgent,
        creator_wallet: creator.address,
        profit_receiver_address: creator.address,
      });
      expect(created.status).toBe(201);
      agentId = created.body.agent.id;
      expect((await creator.http('POST', `${api}/api/v3/agents/${agentId}/activate`)).status).toBe(200);
      const deployed = await subscriber.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agentId, user_wallet: subscriber.address });
      expect(deployed.status).toBe(201);
      deploymentId = deployed.body.deployment.id;
    });

    const mutating = () =>
      [
        ['POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, creator_wallet: creator.address }],
        ['POST', `/api/v3/agents/${agentId}/activate`],
        ['POST', `/api/v3/agents/${agentId}/pause`],
        ['POST', `/api/v3/agents/${agentId}/stop`],
        ['PUT', `/api/v3/agents/${agentId}/policy`, { max_leverage: 1 }],
        ['PUT', `/api/v3/agents/${agentId}/routing-config`, { venue_priority: ['OSTIUM'] }],
        ['POST', '/api/v3/agents/deploy', { agent_id: agentId, user_wallet: creator.address }],
        ['POST', `/api/v3/deployments/${deploymentId}/pause`],
        ['POST', `/api/v3/deployments/${deploymentId}/activate`],
        ['POST', `/api/v3/deployments/${deploymentId}/stop`],
        ['POST', `/api/v3/deployments/${deploymentId}/trading-mode`, { trading_mode: 'paper' }],
        ['PUT', `/api/v3/deployments/${deploymentId}/policy`, { max_leverage: 1 }],
        ['POST', `/api/v3/deployments/${deploymentId}/kill-switch`, { enabled: true }],
        ['POST', '/api/v3/signals/generate', QUICK_START.signal(agentId)],
        ['POST', '/api/v3/execute/trade', { signal_id: agentId }],
        ['POST', `/api/v3/positions/${agentId}/close`, {}],
        ['POST', `/api/v3/billing/events/${agentId}/signature`, { r: '0x' + '1'.repeat(64), s: '0x' + '2'.repeat(64), v: 27 }],
      ] as [string, string, unknown?][];

    it('answers 401 without a token, with a forged token and with the admin credential, and writes nothing', async () => {
      const before = await snapshot();
      const forged = new WalletClient(api, new Wallet(Wallet.createRandom().privateKey));
      const forgedToken = (await forged.authorization()).authorization.replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
      for (const [method, path, body] of mutating()) {
        for (const headers of [{}, { authorization: forgedToken }, { authorization: 'Bearer not-a-token' }, adminAuth(env)]) {
          const res = await http(method, `${api}${path}`, body, headers);
          expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
        }
      }
      expect(await snapshot()).toEqual(before);
      // An agent is read without a credential; a deployment's own data is its user's (test/private-reads.e2e.spec.ts).
      expect((await http('GET', `${api}/api/v3/agents/${agentId}`)).status).toBe(200);
      expect((await http('GET', `${api}/api/v3/deployments/${deploymentId}/policy`)).status).toBe(404);
      expect((await subscriber.http('GET', `${api}/api/v3/deployments/${deploymentId}/policy`)).status).toBe(200);
    });

    it("refuses with 403 another wallet's changes to an agent or a deployment, and writes nothing", async () => {
      const signalId = (
        await creator.http('POST', `${api}/api/v3/signals/generate`, { ...QUICK_START.signal(agentId), token_symbol: 'NOTLISTED' })
      ).body.signal.id;
      await waitForQueuesToDrain(env);
      const before = await snapshot();
      const checks: [WalletClient, string, string, unknown?][] = [
        [stranger, 'POST', '/api/v3/agents/create', { ...QUICK_START.createAgent, creator_wallet: creator.address }],
        [subscriber, 'POST', `/api/v3/agents/${agentId}/pause`],
        [stranger, 'POST', `/api/v3/agents/${agentId}/stop`],
        [subscriber, 'PUT', `/api/v3/agents/${agentId}/policy`, { max_leverage: 1 }],
        [stranger, 'PUT', `/api/v3/agents/${agentId}/routing-config`, { venue_priority: ['OSTIUM'] }],
        [stranger, 'POST', '/api/v3/signals/generate', QUICK_START.signal(agentId)],
        [subscriber, 'POST', '/api/v3/execute/trade', { signal_id: signalId }],
        [stranger, 'POST', '/api/v3/agents/deploy', { agent_id: agentId, user_wallet: subscriber.address }],
        [creator, 'POST', `/api/v3/deployments/${deploymentId}/pause`],
        [stranger, 'POST', `/api/v3/deployments/${deploymentId}/stop`],
        [creator, 'POST', `/api/v3/deployments/${deploymentId}/trading-mode`, { trading_mode: 'paper' }],
        [creator, 'PUT', `/api/v3/deployments/${deploymentId}/policy`, { max_leverage: 1 }],
        [stranger, 'POST', `/api/v3/deployments/${deploymentId}/kill-switch`, { enabled: true }],
      ];
      for (const [who, method, path, body] of checks) {
        const res = await who.http(method, `${api}${path}`, body);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expect(res.body.message.join(' ')).toMatch(new RegExp(`^only .+ may do this; signed in as ${who.address}$`));
      }
      expect(await snapshot()).toEqual(before);
      // The owners themselves may.
      expect((await subscriber.http('POST', `${api}/api/v3/deployments/${deploymentId}/kill-switch`, { enabled: false })).status).toBe(200);
      expect((await creator.http('PUT', `${api}/api/v3/agents/${agentId}/policy`, {})).status).toBe(200);
    });

    it('keeps data feeds to the admin credential', async () => {
      const post = { posts: [{ tweet_id: '1860000000000000999', x_username: 'someone', text: '$ETH up' }] };
      expect((await creator.http('POST', `${api}/api/v3/ct/posts`, post)).status).toBe(401);
      expect((await creator.http('POST', `${api}/api/v3/market/indicators`, { windows: [] })).status).toBe(401);
      expect((await creator.http('POST', `${api}/api/v3/research/notes`, { notes: [] })).status).toBe(401);
      expect((await http('POST', `${api}/api/v3/ct/posts`, post, adminAuth(env))).status).toBe(201);
    });

    it("audits the operator's changes once, on the request's trace", async () => {
      const events = async (name: string) =>
        (await pg.query(`SELECT trace_id, payload FROM audit_logs WHERE action = $1 ORDER BY occurred_at`, [name])).rows;
      const windows = { windows: [{ token_symbol: 'ETH', window_start: '2026-11-22T00:00:00Z', indicators: { rsi: 61 } }] };
      for (const trace of ['trace-indicators-1', 'trace-indicators-2']) {
        const res = await http('POST', `${api}/api/v3/market/indicators`, windows, { ...adminAuth(env), 'x-request-id': trace });
        expect(res.status).toBe(201);
      }
      // the same window again changes nothing and is not audited again
      expect(await events('v3.market_indicators.upserted')).toEqual([
        { trace_id: 'trace-indicators-1', payload: { ids: [expect.any(String)] } },
      ]);

      for (const [price, trace] of [
        ['2050', 'trace-mark-1'],
        ['2050.00', 'trace-mark-2'],
      ]) {
        const res = await http(
          'PUT',
          `${api}/api/v3/admin/paper/marks`,
          { venue: 'HYPERLIQUID', token_symbol: 'ETH', price },
          { ...adminAuth(env), 'x-request-id': trace },
        );
        expect(res.status).toBe(200);
        expect(res.body.market).toEqual({ venue: 'HYPERLIQUID', token_symbol: 'ETH', current_price: '2050.00000000' });
      }
      expect(await events('v3.paper.mark')).toEqual([
        { trace_id: 'trace-mark-1', payload: { venue: 'HYPERLIQUID', token_symbol: 'ETH', from: '2000.00000000', to: '2050.00000000' } },
      ]);
      await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`);
    });
  });

  describe('proof of intent on agent creation', () => {
    const body = () => ({
      ...QUICK_START.createAgent,
      name: 'Intent',
      creator_wallet: creator.address,
      profit_receiver_address: creator.address,
    });

    it('refuses a proof by another wallet, for another name, stale or from the future, and a replayed one; writes nothing', async () => {
      const before = await snapshot();
      const minutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
      const cases: [string, Record<string, string>, string, RegExp][] = [
        [
          'another signer',
          await proofOfIntent(stranger.wallet, creator.address, 'Intent'),
          'proof_of_intent_signature',
          /was not signed by creator_wallet/,
        ],
        ['another name', await proofOfIntent(creator.wallet, creator.address, 'Other name'), 'proof_of_intent_message', /must be exactly/],
        [
          'stale',
          await proofOfIntent(creator.wallet, creator.address, 'Intent', minutes(-11)),
          'proof_of_intent_timestamp',
          /is older than 600 s/,
        ],
        [
          'from the future',
          await proofOfIntent(creator.wallet, creator.address, 'Intent', minutes(5)),
          'proof_of_intent_timestamp',
          /is in the future/,
        ],
        [
          'not a timestamp',
          { ...(await proofOfIntent(creator.wallet, creator.address, 'Intent')), proof_of_intent_timestamp: 'now' },
          'proof_of_intent_timestamp',
          /ISO-8601/,
        ],
      ];
      for (const [what, proof, field, reason] of cases) {
        const res = await creator.http('POST', `${api}/api/v3/agents/create`, { ...body(), ...proof });
        expect({ what, status: res.status }).toEqual({ what, status: 400 });
        expect({ what, fields: res.body.fields }).toEqual({ what, fields: [field] });
        expect(res.body.message.join(' ')).toMatch(reason);
      }
      expect(await snapshot()).toEqual(before);

      const proof = await proofOfIntent(creator.wallet, creator.address, 'Intent');
      const first = await creator.http('POST', `${api}/api/v3/agents/create`, { ...body(), ...proof });
      expect(first.status).toBe(201);
      expect(first.body.agent).toMatchObject({
        proof_of_intent_message: proof.proof_of_intent_message,
        proof_of_intent_signature: proof.proof_of_intent_signature.toLowerCase(),
      });
      const afterFirst = await snapshot();
      const replay = await creator.http('POST', `${api}/api/v3/agents/create`, { ...body(), ...proof });
      expect(replay.status).toBe(409);
      expect(replay.body.fields).toEqual(['proof_of_intent_signature']);
      expect(await snapshot()).toEqual(afterFirst);
    });
  });

  describe('audit trail', () => {
    it('follows one trace id from the HTTP call through signal, router, executor and billing', async () => {
      const opened = 'trace-open-0001';
      const signal = await creator.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId), { 'x-request-id': opened });
      expect(signal.status).toBe(201);
      expect(signal.body.trace_id).toBe(opened);
      const signalId = signal.body.signal.id;
      const traded = await creator.http('POST', `${api}/api/v3/execute/trade`, { signal_id: signalId });
      expect(traded.body.outcome_totals).toEqual([{ outcome: 'OPENED', deployments: 1 }]);
      const read = await http('GET', `${api}/api/v3/signals/${signalId}`, undefined, adminAuth(env));
      const outcome = read.body.outcomes.find((o: { deployment_id: string }) => o.deployment_id === deploymentId);
      expect(outcome.outcome).toBe('OPENED');
      await waitForQueuesToDrain(env);

      const trail = async (trace: string) =>
        (await http('GET', `${api}/api/v3/admin/audit?trace_id=${trace}&limit=200`, undefined, adminAuth(env))).body.entries as any[];
      const openTrail = await trail(opened);
      expect(openTrail.map((e) => e.action)).toEqual(
        expect.arrayContaining(['v3.signal.created', 'v3.signal.routed', 'v3.position.opened']),
      );
      expect(openTrail.find((e) => e.action === 'v3.position.opened').entity_id).toBe(outcome.position.id);

      const closed = 'trace-close-0002';
      await pg.query(`UPDATE venue_markets SET current_price = 2100 WHERE token_symbol = 'ETH'`);
      const close = await subscriber.http('POST', `${api}/api/v3/positions/${outcome.position.id}/close`, {}, { 'x-request-id': closed });
      expect(close.status).toBe(200);
      await waitForQueuesToDrain(env);
      const closeTrail = await trail(closed);
      expect(closeTrail.map((e) => e.action)).toEqual(
        expect.arrayContaining(['v3.position.closed', 'v3.bill.created', 'v3.bill.collected']),
      );
      const bill = closeTrail.find((e) => e.action === 'v3.bill.created');
      expect(bill.payload).toMatchObject({ kind: 'PROFIT_SHARE', position_id: outcome.position.id });

      // Who did what is on the user's own actions.
      const [deployed] = (
        await pg.query(`SELECT payload, trace_id FROM audit_logs WHERE action = 'v3.deployment.created' AND entity_id = $1`, [deploymentId])
      ).rows;
      expect(deployed.trace_id).toMatch(/^[0-9a-f-]{36}$/);
      const audit = await http('GET', `${api}/api/v3/admin/audit?trace_id=${opened}`);
      expect(audit.status).toBe(401);
    });

    it('answers every call with its trace id, a new one when the caller sent none or an unusable one', async () => {
      const own = await fetch(`${api}/api/v3/agents/${agentId}`, { headers: { 'x-request-id': 'my-trace-1234' } });
      expect(own.headers.get('x-trace-id')).toBe('my-trace-1234');
      const bad = await fetch(`${api}/api/v3/agents/${agentId}`, { headers: { 'x-request-id': 'no spaces <allowed>' } });
      expect(bad.headers.get('x-trace-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
