import { Client } from 'pg';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { adminAuth, http, QUICK_START, testQueues, waitFor, waitForJob, WalletClient } from '@conduit/testing';
import { PositionMonitor } from '../apps/executor/src/monitor/position-monitor';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * The events a wallet or an operator subscribes to, each through its real producer (the gateway's requests, the
 * executor's monitor and closes, the pipeline's failed signals, billing's collection): one `notifications` row per
 * subscribed recipient, to the wallet concerned (alice, dave) and to the operator subscribed to every one, never to
 * bob (subscribed to other events) or carol (her events removed); a repeat of the producing action (a retried job, the
 * same request again) writes nothing. Venue events: notification-venue-events.spec.ts.
 */
const EVENTS = [
  'position.stop_loss',
  'position.take_profit',
  'position.trailing_stop',
  'position.liquidated',
  'agent.failing',
  'deployment.kill_switch',
  'deployment.stopped',
  'bill.failed',
];

interface Note {
  to: string;
  key: string;
  payload: Record<string, unknown>;
}
const byKeyAndRecipient = (a: Note, b: Note) => (a.key === b.key ? (a.to < b.to ? -1 : 1) : a.key < b.key ? -1 : 1);

describe('notification events from their producers', () => {
  let apps: PipelineApps;
  let queues: ReturnType<typeof testQueues>;
  let api: string;
  let operator: string;
  let alice: WalletClient;
  let dave: WalletClient;
  let bob: WalletClient;
  let carol: WalletClient;
  const agents = {} as Record<'exits' | 'failing', { id: string; deployments: Record<string, string> }>;

  const q = async (sql: string, params: unknown[] = []) => (await apps.pg.query(sql, params)).rows;
  const notes = async (event: string): Promise<Note[]> =>
    (
      await q(`SELECT recipient_type || ':' || recipient_id AS "to", event_key AS key, payload FROM notifications WHERE event_type = $1`, [
        event,
      ])
    ).sort(byKeyAndRecipient);
  const total = async () => Number((await q(`SELECT count(*) FROM notifications`))[0].count);
  const to = (c: WalletClient) => `wallet:${c.address}`;
  /** The notifications expected of one event: the wallet concerned when it subscribed (alice, dave), and the operator. */
  const expected = (key: string, wallet: string, payload: Record<string, unknown>): Note[] =>
    [`user:${operator}`, ...[alice, dave].filter((c) => c.address === wallet).map(to)].map((t) => ({ to: t, key, payload }));
  const all = (list: Note[][]) => list.flat().sort(byKeyAndRecipient);

  const mark = async (token: string, price: string) =>
    expect(
      (await http('PUT', `${api}/api/v3/admin/paper/marks`, { venue: 'HYPERLIQUID', token_symbol: token, price }, adminAuth(apps.env)))
        .status,
    ).toBe(200);
  /** An agent of alice's, deployed by each wallet. */
  const agent = async (name: string) => {
    const body = { ...QUICK_START.createAgent, name, creator_wallet: alice.address, profit_receiver_address: alice.address };
    const created = await alice.http('POST', `${api}/api/v3/agents/create`, body);
    expect(created.status).toBe(201);
    const deployments: Record<string, string> = {};
    for (const c of [alice, dave, bob, carol]) {
      const d = await c.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: created.body.agent.id, user_wallet: c.address });
      expect(d.status).toBe(201);
      deployments[c.address] = d.body.deployment.id;
    }
    return { id: created.body.agent.id as string, deployments };
  };
  /**
   * A long signal of alice's through Agent What, How, Where and the executor (`meanwhile` runs while it executes);
   * answers its id and final status.
   */
  const trade = async (
    agentId: string,
    token: string,
    size: object,
    risk: object = { type: 'none' },
    meanwhile?: (id: string) => unknown,
  ) => {
    const body = { agent_id: agentId, token_symbol: token, side: 'LONG', size_model: size, risk_model: risk };
    const generated = await alice.http('POST', `${api}/api/v3/signals/generate`, body);
    expect(generated.status).toBe(201);
    const executing = alice.http('POST', `${api}/api/v3/execute/trade`, { signal_id: generated.body.signal.id });
    await meanwhile?.(generated.body.signal.id);
    const executed = await executing;
    expect(executed.status).toBe(200);
    return { id: generated.body.signal.id as string, status: executed.body.signal.status as string };
  };

  beforeAll(async () => {
    apps = await startPipelineApps({
      PAPER_SLIPPAGE_BPS: '0',
      PAPER_TAKER_FEE_BPS: '4.5',
      // Every deployment's first subscription is due at once, and more than its paper balance (10,000) can pay.
      TRIAL_DAYS: '0',
      SUBSCRIPTION_PRICE_USD: '20000',
      BILLING_COLLECT_ATTEMPTS: '2',
      BILLING_COLLECT_BACKOFF_MS: '10',
    });
    api = apps.api;
    queues = testQueues(apps.env);
    [alice, dave, bob, carol] = [WalletClient.random(api), WalletClient.random(api), WalletClient.random(api), WalletClient.random(api)];
    [{ id: operator }] = await q(`SELECT id FROM users`);
    const put = (c: WalletClient, events: string[]) => c.http('PUT', `${api}/api/v3/notifications/settings`, { events, channels: {} });
    for (const c of [alice, dave, carol]) expect((await put(c, EVENTS)).status).toBe(200);
    expect((await put(bob, ['report.ready'])).status).toBe(200);
    expect((await put(carol, [])).body.settings.events).toEqual([]);
    const ops = await http(
      'PUT',
      `${api}/api/v3/operators/me/notifications/settings`,
      { events: EVENTS, channels: {} },
      adminAuth(apps.env),
    );
    expect(ops.status).toBe(200);
    agents.exits = await agent('Exits');
    agents.failing = await agent('Failing');
  });
  afterAll(async () => {
    await queues?.close();
    await apps?.close();
  });

  it('a close by the monitor is one notification under its exit event per recipient; the retried close job writes none', async () => {
    await mark('BTC', '30000');
    await mark('SOL', '20');
    await mark('AVAX', '10');
    const id = agents.exits.id;
    const signals = [
      await trade(id, 'ETH', { type: 'fixed-usd', value: 200, leverage: 1 }, { type: 'fixed', stop: 0.05 }),
      await trade(id, 'BTC', { type: 'fixed-usd', value: 300, leverage: 1 }, { type: 'fixed', take_profit: 0.1 }),
      await trade(id, 'SOL', { type: 'fixed-usd', value: 200, leverage: 1 }, { type: 'trailing-stop', stop: 0.1 }),
      await trade(id, 'AVAX', { type: 'fixed-usd', value: 200, leverage: 10 }, { type: 'fixed', stop: 0.05 }),
    ];
    expect(signals.map((s) => s.status)).toEqual(['EXECUTED', 'EXECUTED', 'EXECUTED', 'EXECUTED']);
    const positions = await q(
      `SELECT p.id, p.deployment_id, d.user_wallet, p.token_symbol FROM positions_v3 p
         JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE d.agent_id = $1`,
      [id],
    );
    expect(positions).toHaveLength(16);

    const monitor = apps.workers[3].get(PositionMonitor);
    await mark('SOL', '25'); // the trail (10%) follows the best price: 22.5
    expect(await monitor.run()).toMatchObject({ checked: 16, closing: 0, trailed: 4 });
    await mark('ETH', '1900'); // the stop: 2000 × 0.95
    await mark('BTC', '33000'); // the take profit: 30000 × 1.1
    await mark('SOL', '22'); // under the trail, above the hard stop (18)
    await mark('AVAX', '8'); // through the stop (9.5) and the liquidation price (10 × 0.9 / 0.99): a liquidation
    expect(await monitor.run()).toMatchObject({ closing: 16 });
    for (const p of positions) await waitForJob(queues[QueueName.Executor], jobId(JobName.ExecutorClose, p.id));

    // qty, entry, exit and PnL net of the 4.5 bps taker fee on both legs
    const closes = {
      ETH: ['position.stop_loss', 'STOP_LOSS', '0.10000000', '2000.00000000', '1900.00000000', '-10.17550000'],
      BTC: ['position.take_profit', 'TAKE_PROFIT', '0.01000000', '30000.00000000', '33000.00000000', '29.71650000'],
      SOL: ['position.trailing_stop', 'TRAILING_STOP', '10.00000000', '20.00000000', '22.00000000', '19.81100000'],
      AVAX: ['position.liquidated', 'LIQUIDATION', '200.00000000', '10.00000000', '9.09090910', '-183.53636182'],
    } as const;
    for (const [token, [event, exit_reason, qty, entry_price, exit_price, pnl]] of Object.entries(closes)) {
      const want = positions
        .filter((p) => p.token_symbol === token)
        .map((p) =>
          expected(`position.closed:${p.id}`, p.user_wallet, {
            position_id: p.id,
            deployment_id: p.deployment_id,
            venue: 'HYPERLIQUID',
            token,
            side: 'LONG',
            qty,
            entry_price,
            exit_price,
            pnl,
            exit_reason,
          }),
        );
      expect(await notes(event)).toEqual(all(want));
    }
    expect(await notes('position.closed')).toEqual([]);
    const before = await total();
    expect(before).toBe(4 * (4 + 2));

    // The monitor again, and every close job retried (as from Bull Board): the positions are closed, nothing is written.
    expect(await monitor.run()).toMatchObject({ checked: 0, closing: 0 });
    for (const p of positions) {
      const job = (await queues[QueueName.Executor].getJob(jobId(JobName.ExecutorClose, p.id)))!;
      await job.retry('completed');
    }
    for (const p of positions) await waitForJob(queues[QueueName.Executor], jobId(JobName.ExecutorClose, p.id), ['completed']);
    expect(await total()).toBe(before);
  });

  it('agent.failing: three failed signals in a row notify the creator once; a success, then three more, once again', async () => {
    const id = agents.failing.id;
    // a size that rounds to nothing
    const failing = (meanwhile?: (id: string) => unknown) => trade(id, 'ETH', { type: 'fixed-usd', value: 0.01 }, undefined, meanwhile);
    const first = [await failing(), await failing()];
    expect(first.map((s) => s.status)).toEqual(['FAILED', 'FAILED']);
    expect(await notes('agent.failing')).toEqual([]);
    // The third, its notification held back by an uncommitted row of the same key: until the notification commits,
    // nobody sees the signal FAILED (the move and its notification are one transaction).
    const key1 = `agent.failing:${id}:${first[0].id}`;
    const holder = new Client({ connectionString: apps.db.url });
    await holder.connect();
    await holder.query(`BEGIN`);
    await holder.query(
      `INSERT INTO notifications (event_type, event_key, recipient_type, recipient_id) VALUES ('agent.failing', $1, 'user', $2)`,
      [key1, operator],
    );
    const third = await failing(async (signalId) => {
      const blocked = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                          AND query LIKE '%agent.failing%'`;
      await waitFor('the notification waits for the held row', async () => (await q(blocked))[0].n === 1);
      expect((await q(`SELECT status FROM signals_v3 WHERE id = $1`, [signalId]))[0].status).toBe('ROUTED');
      await holder.query(`ROLLBACK`);
    }).finally(() => holder.end());
    expect(third.status).toBe('FAILED');
    const payload = { agent_id: id, agent_name: 'Failing', failed_signals: 3 };
    const streak1 = expected(key1, alice.address, payload);
    expect(await notes('agent.failing')).toEqual(streak1);
    const before = await total();
    // the fourth failure is the same streak; the failed signal executed again is the same failure
    expect((await failing()).status).toBe('FAILED');
    expect((await alice.http('POST', `${api}/api/v3/execute/trade`, { signal_id: third.id })).body.signal.status).toBe('FAILED');
    expect(await total()).toBe(before);

    expect((await trade(id, 'ETH', { type: 'fixed-usd', value: 200, leverage: 1 })).status).toBe('EXECUTED');
    const second = [await failing(), await failing(), await failing()];
    expect(second.map((s) => s.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    const streak2 = expected(`agent.failing:${id}:${second[0].id}`, alice.address, payload);
    expect(await notes('agent.failing')).toEqual(all([streak1, streak2]));
  });

  it('the kill switch notifies the deployment wallet and the operator once per change; the same request again writes none', async () => {
    const d = agents.exits.deployments;
    const kill = (c: WalletClient, enabled: boolean) =>
      c.http('POST', `${api}/api/v3/deployments/${d[c.address]}/kill-switch`, { enabled });
    expect((await kill(alice, true)).status).toBe(200);
    expect((await kill(alice, true)).status).toBe(200);
    // a double click: two identical requests at once
    expect((await Promise.all([kill(dave, true), kill(dave, true)])).map((r) => r.status)).toEqual([200, 200]);
    expect((await kill(bob, true)).status).toBe(200);
    expect((await kill(carol, true)).status).toBe(200);
    expect((await kill(alice, false)).status).toBe(200);

    const got = await notes('deployment.kill_switch');
    const keyOf = (deploymentId: string, enabled: boolean) =>
      got.find((n) => n.payload.deployment_id === deploymentId && n.payload.enabled === enabled)?.key ?? '';
    const want = [...[alice, dave, bob, carol].map((c) => ({ c, enabled: true })), { c: alice, enabled: false }].map(({ c, enabled }) =>
      expected(keyOf(d[c.address], enabled), c.address, { deployment_id: d[c.address], enabled }),
    );
    expect(got).toEqual(all(want));
    for (const n of got) expect(n.key).toMatch(new RegExp(`^deployment\\.kill_switch:${n.payload.deployment_id}:\\d+$`));
    expect(new Set(got.map((n) => n.key)).size).toBe(5);
  });

  it('bill.failed: a subscription the paper balance cannot pay, once per failure; the retried job writes none', async () => {
    const run = async (name: string) => {
      await queues[QueueName.Billing].add(JobName.BillingSubscriptions, {}, { jobId: name });
      return (await waitForJob(queues[QueueName.Billing], name)).returnvalue;
    };
    expect(await run('subscriptions-1')).toEqual({ billed: 8 });
    const bills = await q(
      `SELECT b.id, b.deployment_id, d.user_wallet FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
        WHERE b.kind = 'SUBSCRIPTION'`,
    );
    for (const b of bills) expect((await waitForJob(queues[QueueName.Billing], jobId(JobName.BillingCollect, b.id))).state).toBe('failed');
    const failed = await waitFor('every bill FAILED', async () => {
      const r = await q(`SELECT id, status, metadata->>'failure_reason' AS reason FROM billing_events_v3 WHERE kind = 'SUBSCRIPTION'`);
      return r.every((b) => b.status === 'FAILED') ? r : null;
    });
    const reason = (id: string) => failed.find((b) => b.id === id).reason as string;
    const want = bills.map((b) =>
      expected(`bill.failed:${b.id}`, b.user_wallet, {
        billing_event_id: b.id,
        deployment_id: b.deployment_id,
        kind: 'SUBSCRIPTION',
        amount: '20000.00000000',
        asset: 'USDC',
        status: 'FAILED',
        failure_reason: reason(b.id),
      }),
    );
    expect(await notes('bill.failed')).toEqual(all(want));
    // the Failing agent's deployments realized nothing: their balance is the starting equity
    const failingBill = bills.find((b) => b.deployment_id === agents.failing.deployments[alice.address]);
    expect(reason(failingBill.id)).toBe('paper balance 10000.00 USD is below 20000.00 USD');

    const before = await total();
    const job = (await queues[QueueName.Billing].getJob(jobId(JobName.BillingCollect, failingBill.id)))!;
    await job.retry('failed');
    expect((await waitForJob(queues[QueueName.Billing], job.id!, ['completed'])).returnvalue).toEqual({ status: 'FAILED' });
    expect(await run('subscriptions-2')).toEqual({ billed: 0 });
    expect(await total()).toBe(before);

    // The user retries it and it fails again: a new failure, a new notification (the retry number in its key).
    const retried = await alice.http('POST', `${api}/api/v3/billing/events/${failingBill.id}/retry`, {});
    expect(retried.body).toMatchObject({ retried: true, retry: 1 });
    await waitForJob(queues[QueueName.Billing], jobId(JobName.BillingCollect, failingBill.id, 'retry', '1'));
    await waitFor(
      'the retried bill FAILED',
      async () => (await q(`SELECT status FROM billing_events_v3 WHERE id = $1`, [failingBill.id]))[0].status === 'FAILED',
    );
    const payload = want.flat().find((n) => n.payload.billing_event_id === failingBill.id)!.payload;
    expect(await notes('bill.failed')).toEqual(all([...want, expected(`bill.failed:${failingBill.id}:retry:1`, alice.address, payload)]));
  });

  it('deployment.stopped: once per deployment, to its wallet and the operator; stopping it again writes none', async () => {
    const d = agents.failing.deployments;
    const stop = (c: WalletClient) => c.http('POST', `${api}/api/v3/deployments/${d[c.address]}/stop`, {});
    expect((await stop(alice)).status).toBe(200);
    expect((await stop(alice)).status).toBe(200);
    expect((await Promise.all([1, 2, 3, 4, 5].map(() => stop(dave)))).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await stop(bob)).status).toBe(200);
    expect((await stop(carol)).status).toBe(200);
    const want = [alice, dave, bob, carol].map((c) =>
      expected(`deployment.stopped:${d[c.address]}`, c.address, { deployment_id: d[c.address], from: 'ACTIVE' }),
    );
    expect(await notes('deployment.stopped')).toEqual(all(want));
    // one audited move to STOPPED per deployment, also of dave's two stops at once
    const audited = await q(
      `SELECT entity_id::text AS id, count(*)::int AS n FROM audit_logs
        WHERE action = 'v3.deployment.status' AND new_value->>'status' = 'STOPPED' AND entity_id = ANY($1::uuid[]) GROUP BY entity_id`,
      [[alice, dave, bob, carol].map((c) => d[c.address])],
    );
    expect(audited.map((r) => r.n)).toEqual([1, 1, 1, 1]);
  });

  it('bob, subscribed to other events, and carol, whose events were removed, got nothing', async () => {
    expect(await q(`SELECT event_type FROM notifications WHERE recipient_id IN ($1, $2)`, [bob.address, carol.address])).toEqual([]);
  });
});
