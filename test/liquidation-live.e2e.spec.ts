import { INestApplicationContext } from '@nestjs/common';
import { Wallet } from 'ethers';
import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { formatPrice } from '@nktkas/hyperliquid/utils';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { keyContext, KeyVault } from '@conduit/custody';
import { dec } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  cleanupRedis,
  createTestDatabase,
  HyperliquidSim,
  insertAgent,
  insertDeployment,
  ManualClock,
  startContext,
  startHyperliquidServer,
  TEST_MASTER_KEY,
  TestDatabase,
  testEnv,
  testQueues,
  waitForJob,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { ExecutorAppModule } from '../apps/executor/src/app.module';

/**
 * A live Hyperliquid position the venue liquidates ends LIQUIDATION, not 'reconciled: closed on the venue': the
 * executor opens it on the local Hyperliquid server (leverage set on the venue, liquidation price stored), the server
 * liquidates it and records the liquidation fill as Hyperliquid does, and reconciliation closes it from that fill —
 * exit price and fees from the venue's fills — while a position the user closed on the venue in the same run stays
 * 'reconciled'. Billing bills nothing for the loss.
 */
describe('liquidation of a live Hyperliquid position', () => {
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  const master = Wallet.createRandom();
  const agent = new Wallet(Wallet.createRandom().privateKey);
  let sim: HyperliquidSim;
  let db: TestDatabase;
  let env: Env;
  let executor: INestApplicationContext;
  let billing: INestApplicationContext;
  let pg: Client;
  let queues: ReturnType<typeof testQueues>;
  let agentId: string;
  let deploymentId: string;

  beforeAll(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    db = await createTestDatabase();
    env = testEnv(db, {
      LIVE_TRADING: 'true',
      HYPERLIQUID_API_URL: sim.url,
      HYPERLIQUID_NETWORK: 'testnet',
      VENUE_SYNC_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    });
    executor = await startContext(ExecutorAppModule.forRoot(env), { clock });
    billing = await startContext(BillingAppModule.forRoot(env), { clock });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    queues = testQueues(env);

    // A live deployment whose agent wallet the user approved on the venue (the gateway's deploy flow is tested apart).
    sim.fund(master.address, '10000');
    sim.approveAgentDirectly(master.address, agent.address);
    const address = agent.address.toLowerCase();
    const sealed = new KeyVault(TEST_MASTER_KEY).seal(agent.privateKey, keyContext('HYPERLIQUID', address));
    agentId = await insertAgent(pg, { profit_receiver_address: '0x' + 'cc'.repeat(20) });
    deploymentId = await insertDeployment(pg, agentId, {
      user_wallet: master.address.toLowerCase(),
      trading_mode: 'live',
      hyperliquid_agent_address: address,
      hyperliquid_agent_key_encrypted: sealed.encrypted,
      hyperliquid_agent_key_iv: sealed.iv,
      hyperliquid_agent_key_tag: sealed.tag,
    });
  });
  afterAll(async () => {
    await executor?.close();
    await billing?.close();
    await queues?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
    await sim?.close();
  });

  const one = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows[0];
  const openOnVenue = async (token: string, margin: number, leverage: number) => {
    const { rows } = await pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
       VALUES ($1, $2, 'LONG', $3, $4, 'HYPERLIQUID', 'ROUTED') RETURNING id`,
      [agentId, token, { type: 'fixed-usd', value: margin, leverage }, { type: 'fixed', stop: 0.05, take_profit: 0.1 }],
    );
    const signalId: string = rows[0].id;
    await pg.query(`INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`, [
      signalId,
      deploymentId,
    ]);
    const id = jobId(JobName.ExecutorOpen, signalId, deploymentId);
    await queues[QueueName.Executor].add(JobName.ExecutorOpen, { signalId, deploymentId }, { jobId: id });
    const job = await waitForJob(queues[QueueName.Executor], id);
    expect(job.returnvalue).toMatchObject({ outcome: 'OPENED' });
    return one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId]);
  };
  const reconcile = async (id: string) => {
    await queues[QueueName.Executor].add(JobName.ExecutorReconcile, {}, { jobId: id });
    const job = await waitForJob(queues[QueueName.Executor], id);
    expect(job.failedReason).toBeUndefined();
    return job.returnvalue;
  };

  it('ends a position the venue liquidated LIQUIDATION at the fill, fees from the fills, and bills nothing', async () => {
    const eth = await openOnVenue('ETH', 500, 10);
    const btc = await openOnVenue('BTC', 300, 5);
    // Leverage set on the venue by the agent before each order, and stored with the position.
    const leverages = sim.exchangeRequests.filter((r) => r.body?.action?.type === 'updateLeverage').map((r) => r.body.action);
    expect(leverages).toEqual([
      expect.objectContaining({ asset: sim.assetIndex('ETH'), leverage: 10 }),
      expect.objectContaining({ asset: sim.assetIndex('BTC'), leverage: 5 }),
    ]);
    // 10x on ETH (50x max: maintenance 1%): entry × 0.9 / 0.99, rounded up to 8 places.
    expect(eth.leverage).toBe(10);
    expect(eth.liquidation_price).toEqualDecimal(dec(eth.entry_price).mul('0.9').div('0.99').toDecimalPlaces(8, 2));
    expect(btc).toMatchObject({ leverage: 5 });

    // The venue liquidates the ETH long at its liquidation price (5 significant figures, as Hyperliquid prices).
    const liqPx = formatPrice(dec(eth.liquidation_price).toFixed(), 4);
    sim.setMid('ETH', liqPx);
    const liquidation = sim.liquidate(master.address, 'ETH', { px: liqPx });
    // The user closes the BTC long on the venue themselves (outside Conduit), with the agent wallet.
    const btcMid = dec(btc.entry_price).mul('0.99');
    sim.setMid('BTC', btcMid.toFixed(0));
    await new ExchangeClient({ transport: new HttpTransport({ apiUrl: sim.url, isTestnet: true }), wallet: agent }).order({
      orders: [
        {
          a: sim.assetIndex('BTC'),
          b: false,
          p: formatPrice(btcMid.mul('0.98').toFixed(), 5),
          s: dec(btc.qty).toFixed(),
          r: true,
          t: { limit: { tif: 'Ioc' } },
        },
      ],
      grouping: 'na',
    });
    expect(sim.positions(master.address)).toEqual([]);

    const report = await reconcile('reconcile-liquidation');
    expect(report).toMatchObject({ checked: 1, unreachable: 0 });
    expect([...report.closedPositionIds].sort()).toEqual([eth.id, btc.id].sort());

    const liquidated = await one(`SELECT * FROM positions_v3 WHERE id = $1`, [eth.id]);
    const openFee = (await one(`SELECT fee FROM venue_orders WHERE position_id = $1`, [eth.id])).fee;
    expect(liquidated).toMatchObject({ status: 'CLOSED', exit_reason: 'LIQUIDATION' });
    expect(liquidated.exit_price).toEqualDecimal(liquidation.px);
    // PnL = the venue's closed PnL − the liquidation fill's fee − the open's fee
    expect(liquidated.pnl).toEqualDecimal(dec(liquidation.closedPnl).minus(liquidation.fee).minus(openFee));
    expect(dec(liquidation.closedPnl).eq(dec(liquidation.px).minus(eth.entry_price).mul(eth.qty))).toBe(true);
    const audit = await one(`SELECT payload FROM audit_logs WHERE action = 'v3.reconcile.position_closed' AND entity_id = $1`, [eth.id]);
    expect(audit.payload).toMatchObject({
      reason: 'LIQUIDATION',
      pnl: liquidated.pnl,
      liquidation: { mark_price: liquidation.liquidation!.markPx, method: 'market' },
    });

    // The position the user closed on the venue is still a reconciled close.
    expect(await one(`SELECT status, exit_reason FROM positions_v3 WHERE id = $1`, [btc.id])).toEqual({
      status: 'CLOSED',
      exit_reason: 'reconciled: closed on the venue',
    });

    // Handed to billing as any close: both are losses, nothing is billed.
    for (const id of [eth.id, btc.id]) {
      const billed = await waitForJob(queues[QueueName.Billing], jobId(JobName.BillingPositionClosed, id));
      expect(billed.returnvalue).toMatchObject({ billed: false });
    }
    expect(await one(`SELECT count(*)::int AS n FROM billing_events_v3`)).toEqual({ n: 0 });
    expect(await reconcile('reconcile-again')).toMatchObject({ closedPositionIds: [] });
  });
});
