import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { clientOrderId } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  cleanupRedis,
  createTestDatabase,
  insertAgent,
  insertDeployment,
  ManualClock,
  startContext,
  TestDatabase,
  testEnv,
  testQueues,
  waitForJob,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { ExecutorAppModule } from '../apps/executor/src/app.module';
import { PositionMonitor } from '../apps/executor/src/monitor/position-monitor';

/**
 * A paper position liquidated end to end, executor and billing on real Postgres and Redis with the test's clock: the
 * monitor sees the mark through the liquidation price, the paper venue fills the close at that price, the position
 * ends CLOSED with exit_reason LIQUIDATION and the exact PnL, billing bills nothing for the loss, and Agent What is
 * handed the closed position as for any close.
 */
describe('liquidation of a paper position', () => {
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  let db: TestDatabase;
  let env: Env;
  let executor: INestApplicationContext;
  let billing: INestApplicationContext;
  let pg: Client;
  let queues: ReturnType<typeof testQueues>;

  beforeAll(async () => {
    db = await createTestDatabase();
    // No slippage: the entry is the mark, so the figures below are round. Taker fee 4.5 bps.
    env = testEnv(db, { PAPER_STARTING_EQUITY_USD: '10000', PAPER_TAKER_FEE_BPS: '4.5', PAPER_SLIPPAGE_BPS: '0' });
    executor = await startContext(ExecutorAppModule.forRoot(env), { clock });
    billing = await startContext(BillingAppModule.forRoot(env), { clock });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    queues = testQueues(env);
  });
  afterAll(async () => {
    await executor?.close();
    await billing?.close();
    await queues?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  const one = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows[0];
  const mark = (price: string) =>
    pg.query(`UPDATE venue_markets SET current_price = $1 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`, [price]);

  /** A routed signal for one paper deployment, opened by the executor: 198 USD of margin at 10x (unless told). */
  const opened = async (side: 'LONG' | 'SHORT', at: string, leverage = 10) => {
    await mark(at);
    const agentId = await insertAgent(pg, { profit_receiver_address: '0x' + 'cc'.repeat(20) });
    const deploymentId = await insertDeployment(pg, agentId);
    const { rows } = await pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
       VALUES ($1, 'ETH', $2, $3, $4, 'HYPERLIQUID', 'ROUTED') RETURNING id`,
      [agentId, side, { type: 'fixed-usd', value: 198, leverage }, { type: 'fixed', stop: 0.05, take_profit: 0.1 }],
    );
    const signalId: string = rows[0].id;
    await pg.query(`INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`, [
      signalId,
      deploymentId,
    ]);
    const id = jobId(JobName.ExecutorOpen, signalId, deploymentId);
    await queues[QueueName.Executor].add(JobName.ExecutorOpen, { signalId, deploymentId }, { jobId: id });
    expect((await waitForJob(queues[QueueName.Executor], id)).returnvalue.outcome).toBe('OPENED');
    return { signalId, deploymentId, position: await one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId]) };
  };

  const closedBy = async (positionId: string) => {
    await waitForJob(queues[QueueName.Executor], jobId(JobName.ExecutorClose, positionId));
    return one(`SELECT * FROM positions_v3 WHERE id = $1`, [positionId]);
  };

  it('liquidates a long whose mark gapped through its stop and its liquidation price, at the liquidation price', async () => {
    const { signalId, deploymentId, position } = await opened('LONG', '1980');
    // 198 × 10 = 1980 notional at 1980: 1 ETH. 10x on ETH (50x max: maintenance 1%): 1980 × 0.9 / 0.99 = 1800.
    expect(position).toMatchObject({
      qty: '1.00000000',
      entry_price: '1980.00000000',
      stop_loss: '1881.00000000',
      leverage: 10,
      liquidation_price: '1800.00000000',
      status: 'OPEN',
    });

    await mark('1700'); // one mark through the stop (1881) and the liquidation price (1800): a gap
    clock.advance(60_000);
    expect(await executor.get(PositionMonitor).run()).toMatchObject({ closing: 1 });
    const closed = await closedBy(position.id);
    // gross (1800 − 1980) × 1 = −180; fees 1980 × 0.00045 = 0.891 (open) + 1800 × 0.00045 = 0.81 (liquidation)
    expect(closed).toMatchObject({ status: 'CLOSED', exit_reason: 'LIQUIDATION' });
    expect(closed.exit_price).toEqualDecimal('1800');
    expect(closed.pnl).toEqualDecimal('-181.701');
    // Equity left of the 198 margin: 198 − 180 = 18 = the maintenance margin (1% of 1800), less the fees.

    const legs = (await pg.query(`SELECT * FROM venue_orders WHERE position_id = $1 ORDER BY created_at`, [position.id])).rows;
    expect(legs.map((o) => [o.side, o.reduce_only, o.status])).toEqual([
      ['BUY', false, 'FILLED'],
      ['SELL', true, 'FILLED'],
    ]);
    expect(legs[1].client_order_id).toBe(clientOrderId(deploymentId, signalId, 'close'));
    expect(legs[1].avg_fill_price).toEqualDecimal('1800');
    expect(legs[1].fee).toEqualDecimal('0.81');
    const audit = await one(`SELECT payload FROM audit_logs WHERE action = 'v3.position.closed' AND entity_id = $1`, [position.id]);
    expect(audit.payload).toMatchObject({ reason: 'LIQUIDATION', pnl: closed.pnl });

    // Billing: a loss bills nothing. Agent What is handed the position as for any close.
    const billed = await waitForJob(queues[QueueName.Billing], jobId(JobName.BillingPositionClosed, position.id));
    expect(billed.returnvalue).toEqual({ billed: false, reason: 'realized PnL -181.70100000 is not a profit' });
    expect(await one(`SELECT count(*)::int AS n FROM billing_events_v3 WHERE position_id = $1`, [position.id])).toEqual({ n: 0 });
    expect((await queues[QueueName.Signal].getJob(jobId(JobName.SignalPositionClosed, position.id)))?.data).toMatchObject({
      positionId: position.id,
    });

    // The monitor does not see it again.
    expect(await executor.get(PositionMonitor).run()).toMatchObject({ closing: 0 });
  });

  it('liquidates a short when the mark rises to its liquidation price; one at lower leverage is stopped out instead', async () => {
    // 10x short at 2020: 2020 × 1.1 / 1.01 = 2200. 5x: 2020 × 1.2 / 1.01 = 2400. Both stop at 2020 × 1.05 = 2121.
    const short = await opened('SHORT', '2020');
    const stopped = await opened('SHORT', '2020', 5);
    expect(short.position).toMatchObject({ leverage: 10, liquidation_price: '2200.00000000' });
    expect(stopped.position).toMatchObject({ leverage: 5, liquidation_price: '2400.00000000' });

    await mark('2200');
    clock.advance(60_000);
    expect(await executor.get(PositionMonitor).run()).toMatchObject({ closing: 2 });
    const liquidated = await closedBy(short.position.id);
    const closed = await closedBy(stopped.position.id);
    // qty 1980 / 2020 floored to 4 decimals = 0.9801; gross (2020 − 2200) × 0.9801 = −176.418;
    // fees 0.9801 × 2020 × 0.00045 = 0.8909109 (open) + 0.9801 × 2200 × 0.00045 = 0.970299 (liquidation)
    expect(liquidated).toMatchObject({ status: 'CLOSED', exit_reason: 'LIQUIDATION', qty: '0.98010000' });
    expect(liquidated.exit_price).toEqualDecimal('2200');
    expect(liquidated.pnl).toEqualDecimal('-178.2792099');
    // the 5x one is still 200 from its liquidation: its stop closes it at the mark, as any stop
    expect(closed).toMatchObject({ status: 'CLOSED', exit_reason: 'STOP_LOSS', qty: '0.49000000' });
    expect(closed.exit_price).toEqualDecimal('2200');

    for (const { position } of [short, stopped]) {
      const billed = await waitForJob(queues[QueueName.Billing], jobId(JobName.BillingPositionClosed, position.id));
      expect(billed.returnvalue).toMatchObject({ billed: false });
    }
    expect(await one(`SELECT count(*)::int AS n FROM billing_events_v3`)).toEqual({ n: 0 });
  });
});
