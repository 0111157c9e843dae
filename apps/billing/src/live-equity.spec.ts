import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Wallet } from 'ethers';
import { Env } from '@conduit/config';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  cleanupRedis,
  createTestDatabase,
  HyperliquidSim,
  insertAgent,
  insertBookPosition,
  insertDeployment,
  insertTrader,
  ManualClock,
  startContext,
  startHyperliquidServer,
  TestDatabase,
  testEnv,
  testQueues,
  waitForJob,
} from '@conduit/testing';
import { BillingAppModule } from './app.module';

/**
 * Equity from the venue: a live deployment's daily snapshot takes its account value from the local Hyperliquid server
 * (clearinghouseState.marginSummary.accountValue) and its start equity, return and the agent's ROI from it.
 */
describe("billing: a live deployment's equity is its venue account value", () => {
  let sim: HyperliquidSim;
  let db: TestDatabase;
  let env: Env;
  let app: INestApplicationContext;
  let pg: Client;
  let queues: ReturnType<typeof testQueues>;
  let run = 0;
  // Now, standing still: the snapshot's day cannot move under the test at midnight.
  const clock = new ManualClock(new Date());
  const today = clock.now().toISOString().slice(0, 10);
  const yesterday = new Date(clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    db = await createTestDatabase();
    env = testEnv(db, { LIVE_TRADING: 'true', HYPERLIQUID_API_URL: sim.url, HYPERLIQUID_NETWORK: 'testnet' });
    app = await startContext(BillingAppModule.forRoot(env), { clock });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    queues = testQueues(env);
  });
  afterAll(async () => {
    await app?.close();
    await queues?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
    await sim?.close();
  });

  const snapshot = async () => {
    const id = jobId(JobName.BillingPnlSnapshot, String(++run));
    await queues[QueueName.Billing].add(JobName.BillingPnlSnapshot, {}, { jobId: id });
    expect((await waitForJob(queues[QueueName.Billing], id)).state).toBe('completed');
  };
  const day = async (deploymentId: string, d = today) =>
    (
      await pg.query(`SELECT pnl, start_equity, return_pct, account_value FROM pnl_snapshots_v3 WHERE deployment_id = $1 AND day = $2`, [
        deploymentId,
        d,
      ])
    ).rows[0];
  /** A live deployment of a new agent on Hyperliquid, its user's account funded with `usdc`, and a +34.5 close today. */
  const liveDeployment = async (usdc: string) => {
    const user = Wallet.createRandom().address.toLowerCase();
    sim.fund(user, usdc);
    const agentId = await insertAgent(pg);
    const deploymentId = await insertDeployment(pg, agentId, {
      user_wallet: user,
      trading_mode: 'live',
      hyperliquid_agent_address: Wallet.createRandom().address.toLowerCase(),
    });
    await insertBookPosition(pg, agentId, deploymentId, {
      qty: '1',
      entry: '100',
      status: 'CLOSED',
      exit: '134.5',
      pnl: '34.5',
      closedAt: clock.now(),
    });
    return { agentId, deploymentId };
  };
  const performance = async (agentId: string) =>
    (await pg.query(`SELECT total_value, roi_percent FROM agent_performance WHERE agent_id = $1`, [agentId])).rows[0];

  it('takes the start equity of the first day from the account value less the day’s PnL, and the ROI on it', async () => {
    const { agentId, deploymentId } = await liveDeployment('1234.5');
    await snapshot();
    const row = await day(deploymentId);
    expect(row.account_value).toEqualDecimal('1234.5');
    expect(row.pnl).toEqualDecimal('34.5');
    expect(row.start_equity).toEqualDecimal('1200'); // 1234.5 − 34.5, not PAPER_STARTING_EQUITY_USD
    expect(row.return_pct).toBeCloseTo(2.875, 5); // a REAL column
    expect(await performance(agentId)).toEqual({ total_value: '1234.50', roi_percent: '2.8750' }); // 34.5 on 1200
  });

  it('starts a later day from the account value the day before ended with; a venue down keeps the value taken', async () => {
    const { agentId, deploymentId } = await liveDeployment('1500');
    await pg.query(
      `INSERT INTO pnl_snapshots_v3 (agent_id, deployment_id, day, pnl, realized_pnl, unrealized_pnl, start_equity, account_value)
       VALUES ($1, $2, $3, 0, 0, 0, 1000, 1150)`,
      [agentId, deploymentId, yesterday],
    );
    await snapshot();
    const first = await day(deploymentId);
    expect(first.account_value).toEqualDecimal('1500');
    expect(first.start_equity).toEqualDecimal('1150');
    expect(first.return_pct).toBeCloseTo(3, 5); // 34.5 on 1150
    expect(await performance(agentId)).toEqual({ total_value: '1034.50', roi_percent: '3.4500' }); // capital: the first day's 1000

    sim.setDown(true);
    try {
      await snapshot();
    } finally {
      sim.setDown(false);
    }
    expect(await day(deploymentId)).toEqual(first);
    expect((await day(deploymentId, yesterday)).account_value).toEqualDecimal('1150'); // a past day is never asked again
  });

  it("starts a paper book from the trader's own balance, with no account value", async () => {
    const { bookId } = await insertTrader(pg, { initialBalance: '2500' });
    await snapshot();
    const row = await day(bookId);
    expect(row.start_equity).toEqualDecimal('2500');
    expect(row.account_value).toBeNull();
  });
});
