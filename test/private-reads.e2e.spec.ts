import { randomUUID } from 'crypto';
import { http, insertAgent, insertDeployment, WalletClient } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/**
 * Private reads (issue 15): a deployment's own data (the deployment, its policy, decisions, agent wallets,
 * positions, bills, its part of a signal) is its user's and the operators' to read; the agent's creator sees it
 * in aggregate only; anyone else gets a 404 for a row and none of it in a list. Agents, their performance and the
 * statistics stay public. The rows are fixtures written in SQL; only the gateway runs.
 */
describe('private reads: who reads a deployment data', () => {
  const gw = useGateway();
  let creator: WalletClient;
  let alice: WalletClient;
  let bob: WalletClient;
  let stranger: WalletClient;
  const f = {} as Record<'agent' | 'trader' | 'book' | 'depA' | 'depB' | 'signal' | 'posA' | 'posB' | 'billA' | 'billB', string>;

  /** The credentials a read is sent with: each wallet's bearer, the admin credential (an operator), none. */
  type As = 'alice' | 'bob' | 'creator' | 'stranger' | 'operator' | 'anonymous';
  const read = async (as: As, path: string) => {
    const url = `${gw.api}/api/v3${path}`;
    if (as === 'anonymous') return http('GET', url);
    if (as === 'operator') return http('GET', url, undefined, gw.admin);
    return { alice, bob, creator, stranger }[as].http('GET', url);
  };

  const one = async (sql: string, params: unknown[]) => (await gw.pg.query(sql, params)).rows[0].id as string;

  beforeAll(async () => {
    [creator, alice, bob, stranger] = [
      WalletClient.random(gw.api),
      WalletClient.random(gw.api),
      WalletClient.random(gw.api),
      WalletClient.random(gw.api),
    ];

    f.agent = await insertAgent(gw.pg, { creator_wallet: creator.address, name: `Private ${randomUUID()}` });
    f.depA = await insertDeployment(gw.pg, f.agent, { user_wallet: alice.address, hyperliquid_agent_address: '0x' + 'a1'.repeat(20) });
    f.depB = await insertDeployment(gw.pg, f.agent, { user_wallet: bob.address });
    f.signal = await one(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, confidence, status)
       VALUES ($1, 'ETH', 'LONG', '{"type": "percentage", "value": 25}', '{"type": "trailing-stop", "stop": 0.03}', 0.85, 'EXECUTED')
       RETURNING id`,
      [f.agent],
    );
    const position = (deployment: string, qty: string) =>
      one(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price)
         VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', $3, 2000) RETURNING id`,
        [deployment, f.signal, qty],
      );
    f.posA = await position(f.depA, '1.2345');
    f.posB = await position(f.depB, '6.789');
    await gw.pg.query(
      `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason, position_id)
       VALUES ($1, $2, 'OPENED', 'executor', NULL, $3), ($1, $4, 'SKIPPED', 'policy', 'ETH is on the denied list', NULL)`,
      [f.signal, f.depA, f.posA, f.depB],
    );
    await gw.pg.query(
      `INSERT INTO policy_decisions (signal_id, deployment_id, agent_id, decision, code, reason, effective_policy, inputs)
       VALUES ($1, $2, $4, 'TRADE', 'TRADE', 'trade 25% of equity at 1x', '{}', '{}'),
              ($1, $3, $4, 'SKIP', 'TOKEN_DENIED', 'ETH is on the denied list', '{}', '{}')`,
      [f.signal, f.depA, f.depB, f.agent],
    );
    const bill = (deployment: string, kind: string, amount: string, positionId: string | null) =>
      one(
        `INSERT INTO billing_events_v3 (deployment_id, position_id, kind, amount, status)
         VALUES ($1, $2, $3, $4, 'COLLECTED') RETURNING id`,
        [deployment, positionId, kind, amount],
      );
    f.billA = await bill(f.depA, 'PROFIT_SHARE', '10', f.posA);
    f.billB = await bill(f.depB, 'PROFIT_SHARE', '5', f.posB);

    // An llm_trader: its book is a deployment whose user is its creator.
    f.trader = await insertAgent(gw.pg, { creator_wallet: creator.address, name: `Private trader ${randomUUID()}`, kind: 'llm_trader' });
    await gw.pg.query(
      `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance) VALUES ($1, 'rules:momentum', 'paper', 1000)`,
      [f.trader],
    );
    f.book = await insertDeployment(gw.pg, f.trader, { user_wallet: creator.address, book: true });
  });

  /** Every single-row read of deployment A's own data, with the noun its 404 names. */
  const rowsOfA = () =>
    [
      [`/deployments/${f.depA}`, 'deployment', f.depA],
      [`/deployments/${f.depA}/policy`, 'deployment', f.depA],
      [`/deployments/${f.depA}/decisions`, 'deployment', f.depA],
      [`/deployments/${f.depA}/agent-wallets`, 'deployment', f.depA],
      [`/positions/${f.posA}`, 'position', f.posA],
      [`/billing/events/${f.billA}`, 'billing event', f.billA],
    ] as const;

  it('answers a deployment row to its user and an operator, and 404 as for an unknown id to anyone else', async () => {
    for (const [path, noun, id] of rowsOfA()) {
      for (const as of ['alice', 'operator'] as const) {
        const res = await read(as, path);
        expect({ path, as, status: res.status }).toEqual({ path, as, status: 200 });
      }
      const unknown = await read('alice', path.replace(id, randomUUID()));
      expect(unknown.status).toBe(404);
      // The wrong wallet, the agent's creator (aggregates only) and no wallet: the same 404 as an unknown id.
      for (const as of ['bob', 'creator', 'stranger', 'anonymous'] as const) {
        const res = await read(as, path);
        expect({ path, as, status: res.status, message: res.body.message }).toEqual({
          path,
          as,
          status: 404,
          message: `${noun} ${id} not found`,
        });
      }
    }
    expect((await read('alice', `/deployments/${f.depA}`)).body.deployment).toMatchObject({ id: f.depA, user_wallet: alice.address });
    expect((await read('alice', `/deployments/${f.depA}/agent-wallets`)).body.agent_wallets.HYPERLIQUID.agent_address).toBe(
      '0x' + 'a1'.repeat(20),
    );
    expect((await read('operator', `/deployments/${f.depA}/decisions`)).body.decisions).toEqual([
      expect.objectContaining({ signal_id: f.signal, decision: 'TRADE' }),
    ]);
  });

  it('lists only the caller own deployments, positions and bills (every one for an operator, none anonymously)', async () => {
    const ids = async (as: As, path: string, key: string) => ((await read(as, path)).body[key] as { id: string }[]).map((r) => r.id).sort();
    const cases: [As, string[], string[], string[]][] = [
      ['alice', [f.depA], [f.posA], [f.billA]],
      ['bob', [f.depB], [f.posB], [f.billB]],
      ['operator', [f.depA, f.depB].sort(), [f.posA, f.posB].sort(), [f.billA, f.billB].sort()],
      ['creator', [], [], []],
      ['stranger', [], [], []],
      ['anonymous', [], [], []],
    ];
    for (const [as, deployments, positions, bills] of cases) {
      expect({ as, deployments: await ids(as, `/deployments?agent_id=${f.agent}`, 'deployments') }).toEqual({ as, deployments });
      expect({ as, positions: await ids(as, `/positions?agent_id=${f.agent}`, 'positions') }).toEqual({ as, positions });
      expect({ as, bills: await ids(as, `/billing/events?agent_id=${f.agent}`, 'events') }).toEqual({ as, bills });
    }
    // Asking for someone else's rows by name finds none either.
    expect((await read('bob', `/deployments?user_wallet=${alice.address}`)).body.deployments).toEqual([]);
    expect((await read('bob', `/positions?deployment_id=${f.depA}`)).body.positions).toEqual([]);
    expect((await read('bob', `/billing/events?deployment_id=${f.depA}`)).body.events).toEqual([]);
  });

  it('gives the agent creator the bill totals of its agents, without a row', async () => {
    const totals = async (as: As) =>
      ((await read(as, `/billing/events?agent_id=${f.agent}`)).body.totals as { amount: string }[]).map((t) => ({
        ...t,
        amount: Number(t.amount),
      }));
    const profitShares = (events: number, amount: number) => [{ kind: 'PROFIT_SHARE', status: 'COLLECTED', events, amount }];
    expect(await totals('creator')).toEqual(profitShares(2, 15));
    expect(await totals('operator')).toEqual(profitShares(2, 15));
    expect(await totals('alice')).toEqual(profitShares(1, 10));
    expect(await totals('bob')).toEqual(profitShares(1, 5));
    expect(await totals('stranger')).toEqual([]);
    expect(await totals('anonymous')).toEqual([]);
  });

  it('shows a signal to anyone, its per-deployment parts to their users, and their totals to the agent creator', async () => {
    for (const as of ['alice', 'bob', 'creator', 'stranger', 'operator', 'anonymous'] as const) {
      const [signal, layers] = [await read(as, `/signals/${f.signal}`), await read(as, `/signals/${f.signal}/decisions`)];
      expect([signal.status, layers.status]).toEqual([200, 200]);
      expect(signal.body.signal).toMatchObject({ id: f.signal, agent_id: f.agent });
      const own = { alice: [f.depA], bob: [f.depB], operator: [f.depA, f.depB].sort() }[as as string] ?? [];
      const outcomes = (signal.body.outcomes as { deployment_id: string }[]).map((o) => o.deployment_id).sort();
      const how = (layers.body.agent_how as { deployment_id: string }[]).map((o) => o.deployment_id).sort();
      expect({ as, outcomes, how }).toEqual({ as, outcomes: own, how: own });
      const all = as === 'creator' || as === 'operator';
      expect({ as, totals: signal.body.outcome_totals }).toEqual({
        as,
        totals: all
          ? [
              { outcome: 'OPENED', deployments: 1 },
              { outcome: 'SKIPPED', deployments: 1 },
            ]
          : as === 'alice'
            ? [{ outcome: 'OPENED', deployments: 1 }]
            : as === 'bob'
              ? [{ outcome: 'SKIPPED', deployments: 1 }]
              : [],
      });
      if (all)
        expect(layers.body.agent_how_totals).toEqual([
          { decision: 'SKIP', code: 'TOKEN_DENIED', deployments: 1 },
          { decision: 'TRADE', code: 'TRADE', deployments: 1 },
        ]);
    }
    // The creator's aggregate names no subscriber, deployment or size.
    const seen = JSON.stringify([
      (await read('creator', `/signals/${f.signal}`)).body,
      (await read('creator', `/signals/${f.signal}/decisions`)).body,
      (await read('creator', `/billing/events?agent_id=${f.agent}`)).body,
    ]);
    for (const secret of [alice.address, bob.address, f.depA, f.depB, f.posA, '1.2345', '6.789']) expect(seen).not.toContain(secret);
  });

  it('lets an llm_trader creator read its book deployment, and no one else but an operator', async () => {
    expect((await read('creator', `/deployments/${f.book}`)).body.deployment).toMatchObject({ id: f.book, agent_id: f.trader });
    expect((await read('operator', `/deployments/${f.book}`)).status).toBe(200);
    for (const as of ['alice', 'stranger', 'anonymous'] as const) expect((await read(as, `/deployments/${f.book}`)).status).toBe(404);
    expect((await read('creator', `/deployments?agent_id=${f.trader}`)).body.deployments.map((d: { id: string }) => d.id)).toEqual([
      f.book,
    ]);
    // The book's trades are the agent's performance: public.
    expect((await read('anonymous', `/agents/${f.trader}/trades`)).status).toBe(200);
  });

  it('keeps agents, their performance and the statistics public', async () => {
    for (const path of [
      '/agents/list',
      `/agents/${f.agent}`,
      `/agents/${f.agent}/performance`,
      `/agents/${f.agent}/routing-config`,
      `/agents/${f.agent}/decisions`,
      `/agents/${f.trader}/performance/history`,
      `/agents/${f.trader}/llm-usage`,
      '/stats/overview',
      '/stats/routing-history',
      '/ct/accounts',
      '/wallets',
      '/bias',
    ]) {
      expect({ path, status: (await read('anonymous', path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('refuses an invalid credential on a read with 401, rather than reading anonymously', async () => {
    // the retired shared admin password, an operator session that does not exist, a wallet token that is not one
    const oldBasic = { authorization: 'Basic ' + Buffer.from(`admin:${gw.env.ADMIN_PASSWORD}`).toString('base64') };
    const staleSession = { authorization: 'Bearer cos_not-a-session' };
    for (const headers of [{ authorization: 'Bearer not-a-token' }, oldBasic, staleSession, { authorization: 'Token x' }]) {
      for (const path of [`/deployments/${f.depA}`, '/agents/list']) {
        const res = await http('GET', `${gw.api}/api/v3${path}`, undefined, headers);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
    }
  });
});
