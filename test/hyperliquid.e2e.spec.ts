import { Signature, Wallet } from 'ethers';
import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { formatPrice } from '@nktkas/hyperliquid/utils';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { keyContext, KeyVault } from '@conduit/custody';
import { clientOrderId, dec } from '@conduit/domain';
import { JobName, QueueName } from '@conduit/queue';
import {
  exited,
  HyperliquidSim,
  QUICK_START,
  freePort,
  startServiceProcess,
  TEST_MASTER_KEY,
  testQueues,
  waitFor,
  waitHealthy,
  WalletClient,
} from '@conduit/testing';
import { LiveHyperliquidStack, startLiveHyperliquidStack } from './hyperliquid-live-stack';

type Service = ReturnType<typeof startServiceProcess>;

/**
 * Live trading on Hyperliquid end to end, against a local server that speaks Hyperliquid's /info and /exchange
 * protocol and verifies every EIP-712 signature: a user deploys live, signs the approveAgent payload Conduit
 * returns, a signal is routed to HYPERLIQUID and the executor (its own process, killable) opens and closes the
 * position with the deployment's agent wallet and deterministic cloids. Then the executor is killed with the
 * order accepted by the venue but unanswered; its replacement adopts the order by cloid and never sends it again.
 */
describe('end to end: live Hyperliquid through every service', () => {
  let stack: LiveHyperliquidStack | undefined;
  let sim: HyperliquidSim;
  let env: Env;
  let executor: Service | undefined;
  let outputs = '';
  let api: string;
  let user: WalletClient;
  let pg: Client;
  let queues: ReturnType<typeof testQueues>;
  const master = Wallet.createRandom();
  /** The deployment's user: the master account signs in to deploy, close and pay. */
  let masterClient: WalletClient | undefined;
  const holder = () => (masterClient ??= new WalletClient(api, new Wallet(master.privateKey)));
  /** The agent creator's receiving wallet on Hyperliquid (profit shares are paid there). */
  const receiver = Wallet.createRandom().address.toLowerCase();
  let deploymentId: string;
  let agentId: string;

  const startExecutor = async () => {
    const port = await freePort();
    const child = startServiceProcess('executor', env, port, { LOG_LEVEL: 'log' });
    child.on('exit', () => (outputs += child.output()));
    await waitHealthy(child, port).catch((e) => {
      throw new Error(`${e.message}\n${child.output()}`);
    });
    executor = child;
    return child;
  };

  beforeAll(async () => {
    stack = await startLiveHyperliquidStack();
    ({ sim, env, api, pg, queues } = stack);
    user = new WalletClient(api);
    await startExecutor();
  }, 90_000);

  afterAll(async () => {
    if (executor && executor.exitCode === null) {
      const done = exited(executor);
      executor.kill('SIGTERM');
      await done;
    }
    await stack?.close();
  });

  const one = (sql: string, params: unknown[] = []) => stack!.one(sql, params);
  /** The master account's fills as the venue reports them. */
  const userFills = () => stack!.userFills(master.address);
  const runJob = (...args: Parameters<LiveHyperliquidStack['runJob']>) => stack!.runJob(...args);

  it('syncs the market list and venue health from the venue', async () => {
    const [report] = await runJob(queues[QueueName.Executor], JobName.ExecutorVenueSync, 'sync-1');
    expect(report).toMatchObject({ venue: 'HYPERLIQUID', ok: true, markets: 28, priced: 28 });
    const eth = await one(
      `SELECT market_index, max_leverage, metadata, last_synced FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`,
    );
    expect(eth).toMatchObject({ market_index: sim.assetIndex('ETH'), max_leverage: 50 });
    expect(eth.metadata).toMatchObject({ szDecimals: 4, source: 'HYPERLIQUID sync' });
    expect(await one(`SELECT status, is_available FROM venues_status WHERE venue = 'HYPERLIQUID'`)).toEqual({
      status: 'UP',
      is_available: true,
    });
  });

  it('deploys live: the user approves the generated agent wallet with a signature the venue verifies', async () => {
    const created = await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent);
    agentId = created.body.agent.id;
    await pg.query(`UPDATE agents_v3 SET profit_receiver_address = $2 WHERE id = $1`, [agentId, receiver]);
    expect((await user.http('POST', `${api}/api/v3/agents/${agentId}/activate`)).status).toBe(200);
    const deployed = await holder().http('POST', `${api}/api/v3/agents/deploy`, {
      agent_id: agentId,
      user_wallet: master.address,
      trading_mode: 'live',
    });
    expect(deployed.status).toBe(201);
    deploymentId = deployed.body.deployment.id;
    expect(deployed.body.deployment.trading_mode).toBe('live');

    // The user's account exists on the venue once it holds funds; only then can it approve an agent.
    sim.fund(master.address, '10000');
    const { approve_agent: approval, agent_address: agent } = deployed.body.agent_wallets.HYPERLIQUID;
    // eth_signTypedData_v4 JSON; ethers' signTypedData takes the types without EIP712Domain.
    const { domain, types, message } = approval.typedData;
    expect(Object.keys(types)).toEqual(['HyperliquidTransaction:ApproveAgent', 'EIP712Domain']);
    const { EIP712Domain: _approvalDomain, ...approvalTypes } = types;
    const signature = Signature.from(await master.signTypedData(domain, approvalTypes, message));
    const res = await fetch(`${sim.url}/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        action: approval.action,
        nonce: approval.nonce,
        signature: { r: signature.r, s: signature.s, v: signature.v },
      }),
    }).then((r) => r.json());
    expect(res).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(sim.exchangeRequests.at(-1)!.signer).toBe(master.address.toLowerCase());
    expect(agent).toMatch(/^0x[0-9a-f]{40}$/);
  });

  it('routes a signal to HYPERLIQUID and opens it on the venue, signed by the agent wallet under the deterministic cloid', async () => {
    const generated = await user.http('POST', `${api}/api/v3/signals/generate`, QUICK_START.signal(agentId));
    const signalId = generated.body.signal.id;
    const traded = await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signalId));
    expect(traded.status).toBe(200);
    expect(traded.body.routing).toMatchObject({ selected_venue: 'HYPERLIQUID' });
    // the creator sees the totals; the deployment's user (the master) reads its row
    expect(traded.body.outcome_totals).toEqual([{ outcome: 'OPENED', deployments: 1 }]);
    const read = await holder().http('GET', `${api}/api/v3/signals/${signalId}`);
    expect(read.body.outcomes).toEqual([expect.objectContaining({ deployment_id: deploymentId, outcome: 'OPENED' })]);

    const d = await one(`SELECT hyperliquid_agent_address FROM agent_deployments_v3 WHERE id = $1`, [deploymentId]);
    expect(sim.orders).toHaveLength(1);
    const order = sim.orders[0];
    expect(order).toMatchObject({
      master: master.address.toLowerCase(),
      signer: d.hyperliquid_agent_address,
      cloid: clientOrderId(deploymentId, signalId, 'open'),
      coin: 'ETH',
      isBuy: true,
      tif: 'Ioc',
      reduceOnly: false,
      status: 'filled',
    });

    // Margin set to the signal's leverage (1x here) by the agent before the order.
    const leverage = sim.exchangeRequests.find((r) => r.body?.action?.type === 'updateLeverage');
    expect(leverage).toMatchObject({
      signer: d.hyperliquid_agent_address,
      body: { action: { asset: sim.assetIndex('ETH'), isCross: true, leverage: 1 } },
    });

    const position = await one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    const [venuePosition] = sim.positions(master.address);
    // 25% of the venue account value (10000) at the ETH mid, truncated to szDecimals 4.
    const mid = dec(
      (await one(`SELECT current_price FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`)).current_price,
    );
    expect(dec(position.qty).eq(dec(2500).div(mid).toDecimalPlaces(4, 1))).toBe(true);
    expect(dec(venuePosition.szi).eq(position.qty)).toBe(true);
    expect(dec(venuePosition.entryPx).eq(position.entry_price)).toBe(true);
    const stored = await one(`SELECT status, fee, venue_order_id FROM venue_orders WHERE client_order_id = $1`, [order.cloid]);
    const fills = await userFills();
    const fee = fills.filter((f) => f.oid === order.oid).reduce((sum, f) => sum.plus(f.fee), dec(0));
    expect(stored.status).toBe('FILLED');
    expect(stored.venue_order_id).toBe(String(order.oid));
    expect(dec(stored.fee).eq(fee)).toBe(true);

    // Close at +2%: a reduce-only IOC under the 'close' cloid; the venue is flat afterwards and the profit is billed.
    sim.setMid('ETH', mid.mul('1.02').toFixed(1));
    const closed = await holder().http('POST', `${api}/api/v3/positions/${position.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.position.status).toBe('CLOSED');
    expect(sim.orders[1]).toMatchObject({
      cloid: clientOrderId(deploymentId, signalId, 'close'),
      reduceOnly: true,
      isBuy: false,
      status: 'filled',
    });
    expect(sim.positions(master.address)).toEqual([]);
    const after = await one(`SELECT pnl, exit_price FROM positions_v3 WHERE id = $1`, [position.id]);
    const fees = await one(`SELECT sum(fee)::text AS fees FROM venue_orders WHERE position_id = $1`, [position.id]);
    const gross = dec(after.exit_price).minus(position.entry_price).mul(position.qty);
    expect(dec(after.pnl).eq(gross.minus(fees.fees).toDecimalPlaces(8))).toBe(true);
    expect(dec(after.pnl).gt(0)).toBe(true);
  });

  it("bills the live profit share as a usdSend the user signs, then pays it on the venue to the creator's wallet", async () => {
    const waitBill = (check: (b: any) => boolean) =>
      waitFor('the bill', async () => {
        const [b] = (
          await pg.query(
            `SELECT b.* FROM billing_events_v3 b JOIN positions_v3 p ON p.id = b.position_id WHERE p.deployment_id = $1 AND b.kind =
              'PROFIT_SHARE'`,
            [deploymentId],
          )
        ).rows;
        return b && check(b) ? b : null;
      });
    const bill = await waitBill((b) => !!b.metadata?.usd_send);
    expect(bill.status).toBe('PENDING');
    const payload = bill.metadata.usd_send;
    expect(payload.action).toMatchObject({
      type: 'usdSend',
      hyperliquidChain: 'Testnet',
      destination: receiver,
      amount: dec(bill.amount).toFixed(),
    });
    const balance = async (user: string) => {
      const state: any = await fetch(`${sim.url}/info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'clearinghouseState', user }),
      }).then((r) => r.json());
      return dec(state.withdrawable);
    };
    const before = await balance(master.address);

    // a signature from anyone but the master is refused by the venue: not paid
    const bad = await holder().http('POST', `${api}/api/v3/billing/events/${bill.id}/signature`, {
      r: '0x' + '1'.repeat(64),
      s: '0x' + '2'.repeat(64),
      v: 27,
    });
    expect(bad.status).toBe(200);
    // A definite refusal ends the attempt: FAILED with the reason, its nonce never submitted again.
    expect(bad.body.event.status).toBe('FAILED');
    expect(bad.body.event.metadata.failure_reason).toMatch(/^Hyperliquid refused the usdSend: /);
    expect((await balance(receiver)).eq(0)).toBe(true);

    // The retry prepares the same transfer under a new nonce; the master signs that one and it is paid.
    const retried = await holder().http('POST', `${api}/api/v3/billing/events/${bill.id}/retry`, {});
    expect(retried.status).toBe(200);
    const fresh = retried.body.event.metadata.usd_send;
    expect(fresh.action).toEqual({ ...payload.action, time: fresh.nonce });
    expect(fresh.nonce).toBeGreaterThan(payload.nonce);
    const { domain, types, message } = fresh.typedData;
    const { EIP712Domain: _sendDomain, ...sendTypes } = types;
    const sig = Signature.from(await master.signTypedData(domain, sendTypes, message));
    const paid = await holder().http('POST', `${api}/api/v3/billing/events/${bill.id}/signature`, { r: sig.r, s: sig.s, v: sig.v });
    expect(paid.status).toBe(200);
    expect(paid.body.event).toMatchObject({
      status: 'COLLECTED',
      metadata: expect.objectContaining({ collector: 'hyperliquid-usd-send', reference: `usdSend:${fresh.nonce}` }),
    });
    expect((await balance(receiver)).eq(bill.amount)).toBe(true);
    expect(before.minus(await balance(master.address)).eq(bill.amount)).toBe(true);
    const usdSends = sim.exchangeRequests.filter((r) => r.body?.action?.type === 'usdSend' && r.signer === master.address.toLowerCase());
    expect(usdSends).toHaveLength(1);
  });

  it('survives an executor killed after the venue accepted the order: the replacement adopts it by cloid, no second order', async () => {
    const killed = new Promise<void>((resolve) =>
      sim.holdNextOrder(() => {
        executor!.kill('SIGKILL');
        resolve();
      }),
    );
    const generated = await user.http('POST', `${api}/api/v3/signals/generate`, {
      ...QUICK_START.signal(agentId),
      token_symbol: 'BTC',
      size_model: { type: 'percentage', value: 10 },
    });
    const signalId = generated.body.signal.id;
    // The signal enters the pipeline at once; the executor dies while the venue holds its order unanswered.
    await Promise.race([
      killed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`order never held: ${JSON.stringify(sim.orders.slice(-1))}\n${executor!.output()}`)), 20_000),
      ),
    ]);
    await exited(executor!);
    const cloid = clientOrderId(deploymentId, signalId, 'open');
    expect(sim.orders.filter((o) => o.cloid === cloid)).toHaveLength(1);
    expect((await one(`SELECT status FROM venue_orders WHERE client_order_id = $1`, [cloid])).status).toBe('NEW'); // sent, never answered
    expect(await one(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId])).toEqual({ n: 0 });

    await startExecutor();
    // The restarted executor's reconciliation adopts the order the venue holds: the outcome leaves PENDING.
    const outcome = await waitFor(
      'the reconciled outcome',
      async () => {
        const o = (await one(`SELECT outcome FROM signal_outcomes WHERE signal_id = $1`, [signalId])).outcome;
        return o === 'PENDING' ? null : o;
      },
      { timeoutMs: 60_000, everyMs: 50 },
    ).catch((e: Error) => `${e.message}\n${executor!.output()}`);
    expect(outcome).toBe('OPENED');
    expect(sim.orders.filter((o) => o.cloid === cloid)).toHaveLength(1);
    const btcOrders = sim.exchangeRequests.filter((r) => r.body?.action?.type === 'order' && r.body.action.orders[0].c === cloid);
    expect(btcOrders).toHaveLength(1);
    const position = await one(`SELECT qty, entry_price FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    const venue = sim.positions(master.address).find((p) => p.coin === 'BTC')!;
    expect(dec(venue.szi).eq(position.qty)).toBe(true);
    expect(dec(venue.entryPx).eq(position.entry_price)).toBe(true);
    expect((await one(`SELECT status FROM venue_orders WHERE client_order_id = $1`, [cloid])).status).toBe('FILLED');
  }, 120_000);

  it('a close whose answer is lost is asked for by cloid on the retry, never sent twice', async () => {
    const generated = await user.http('POST', `${api}/api/v3/signals/generate`, {
      ...QUICK_START.signal(agentId),
      size_model: { type: 'percentage', value: 5 },
    });
    const signalId = generated.body.signal.id;
    const traded = await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signalId));
    expect(traded.body.outcome_totals).toEqual([{ outcome: 'OPENED', deployments: 1 }]);
    const position = await one(`SELECT id FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    sim.hangUpAfterNextOrder(); // the venue fills the close, the executor never hears back
    const closed = await holder().http('POST', `${api}/api/v3/positions/${position.id}/close`);
    expect(closed.body.position.status).toBe('CLOSED');
    const cloid = clientOrderId(deploymentId, signalId, 'close');
    expect(sim.exchangeRequests.filter((r) => r.body?.action?.type === 'order' && r.body.action.orders[0].c === cloid)).toHaveLength(1);
    expect(sim.orders.filter((o) => o.cloid === cloid)).toEqual([expect.objectContaining({ status: 'filled', reduceOnly: true })]);
    expect((await one(`SELECT status FROM venue_orders WHERE client_order_id = $1`, [cloid])).status).toBe('FILLED');
    expect(executor!.output()).toMatch(/executor\.close .* attempt 1 failed, will retry/); // the lost answer did happen
  });

  it('reconciles with the venue: silence concludes nothing; a position closed on the venue is closed here from its fills', async () => {
    const position = await one(`SELECT * FROM positions_v3 WHERE deployment_id = $1 AND status = 'OPEN' AND token_symbol = 'BTC'`, [
      deploymentId,
    ]);
    expect(position).toBeDefined();

    sim.setDown(true);
    const silent = await runJob(queues[QueueName.Executor], JobName.ExecutorReconcile, 'reconcile-down');
    sim.setDown(false);
    expect(silent).toMatchObject({ checked: 0, unreachable: 1, closedPositionIds: [] });
    expect((await one(`SELECT status FROM positions_v3 WHERE id = $1`, [position.id])).status).toBe('OPEN');

    // The user closes the position on the venue themselves (outside Conduit), with the agent wallet.
    const d = await one(`SELECT * FROM agent_deployments_v3 WHERE id = $1`, [deploymentId]);
    const agentKey = new KeyVault(TEST_MASTER_KEY).open(
      { encrypted: d.hyperliquid_agent_key_encrypted, iv: d.hyperliquid_agent_key_iv, tag: d.hyperliquid_agent_key_tag },
      keyContext('HYPERLIQUID', d.hyperliquid_agent_address),
    );
    const exchange = new ExchangeClient({
      transport: new HttpTransport({ apiUrl: sim.url, isTestnet: true }),
      wallet: new Wallet(agentKey),
    });
    const mid = dec(position.entry_price).mul('0.99');
    sim.setMid('BTC', mid.toFixed(0));
    await exchange.order({
      orders: [
        {
          a: sim.assetIndex('BTC'),
          b: false,
          p: formatPrice(mid.mul('0.98').toFixed(), 5),
          s: dec(position.qty).toFixed(),
          r: true,
          t: { limit: { tif: 'Ioc' } },
        },
      ],
      grouping: 'na',
    });
    expect(sim.positions(master.address).find((p) => p.coin === 'BTC')).toBeUndefined();

    const report = await runJob(queues[QueueName.Executor], JobName.ExecutorReconcile, 'reconcile-up');
    expect(report).toMatchObject({ checked: 1, unreachable: 0, closedPositionIds: [position.id] });
    const closed = await one(`SELECT * FROM positions_v3 WHERE id = $1`, [position.id]);
    expect(closed).toMatchObject({ status: 'CLOSED', exit_reason: 'reconciled: closed on the venue' });
    const fills = await userFills();
    const closing = fills.filter((f) => f.coin === 'BTC' && f.side === 'A');
    const openFee = (await one(`SELECT fee FROM venue_orders WHERE position_id = $1`, [position.id])).fee;
    const expected = closing.reduce((sum, f) => sum.plus(f.closedPnl).minus(f.fee), dec(0)).minus(openFee);
    expect(dec(closed.pnl).eq(expected.toDecimalPlaces(8))).toBe(true);
    expect(dec(closed.pnl).lt(0)).toBe(true);
    const audit = await one(`SELECT payload FROM audit_logs WHERE action = 'v3.reconcile.position_closed' AND entity_id = $1`, [
      position.id,
    ]);
    expect(audit.payload).toMatchObject({ venue: 'HYPERLIQUID', pnl: closed.pnl });
    // Running it again changes nothing.
    const again = await runJob(queues[QueueName.Executor], JobName.ExecutorReconcile, 'reconcile-again');
    expect(again).toMatchObject({ closedPositionIds: [] });
  });

  it('keeps the agent key and the master key out of logs, job payloads and answers', async () => {
    const d = await one(`SELECT * FROM agent_deployments_v3 WHERE id = $1`, [deploymentId]);
    const agentKey = new KeyVault(TEST_MASTER_KEY).open(
      { encrypted: d.hyperliquid_agent_key_encrypted, iv: d.hyperliquid_agent_key_iv, tag: d.hyperliquid_agent_key_tag },
      keyContext('HYPERLIQUID', d.hyperliquid_agent_address),
    );
    const secrets = [agentKey.slice(2), TEST_MASTER_KEY];
    const logs = outputs + (executor?.output() ?? '');
    expect(logs.length).toBeGreaterThan(0);
    const jobs = [];
    for (const q of Object.values(QueueName))
      jobs.push(...(await queues[q].getJobs(['completed', 'failed', 'delayed', 'waiting'])).map((j) => JSON.stringify(j.asJSON())));
    const answers = [
      await holder().http('GET', `${api}/api/v3/deployments/${deploymentId}`),
      await holder().http('GET', `${api}/api/v3/deployments/${deploymentId}/agent-wallets`),
      await holder().http('GET', `${api}/api/v3/positions?deployment_id=${deploymentId}`),
    ].map((r) => JSON.stringify(r.body));
    const audit = JSON.stringify((await pg.query(`SELECT * FROM audit_logs`)).rows);
    for (const secret of secrets) {
      for (const text of [logs, ...jobs, ...answers, audit]) expect(text).not.toContain(secret);
    }
  });
});
