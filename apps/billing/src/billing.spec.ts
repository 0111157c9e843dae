import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { BillingAppModule } from './app.module';

describe('billing service on real Postgres and Redis', () => {
  const h = useServiceHarness((env) => BillingAppModule.forRoot(env), { PROFIT_SHARE_PCT: '20' });

  const position = async (status: string, pnl: string | null) => {
    const agentId = await insertAgent(h.pg, { profit_receiver_address: '0xcreatorreceiver' });
    const deploymentId = await insertDeployment(h.pg, agentId);
    const { rows: s } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
      [agentId],
    );
    const { rows } = await h.pg.query(
      `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, status, pnl)
       VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', 1, 2000, $3, $4) RETURNING id`,
      [deploymentId, s[0].id, status, pnl],
    );
    return { positionId: rows[0].id as string, deploymentId, agentId };
  };
  const bill = async (positionId: string, again = false, attempts = 3) => {
    const id = jobId(JobName.BillingPositionClosed, positionId);
    if (again) await h.queues[QueueName.Billing].remove(id);
    await h.queues[QueueName.Billing].add(JobName.BillingPositionClosed, { positionId }, { jobId: id, attempts, backoff: 10 });
    return waitForJob(h.queues[QueueName.Billing], id);
  };
  const bills = async (positionId: string) => (await h.pg.query(`SELECT * FROM billing_events_v3 WHERE position_id = $1`, [positionId])).rows;

  it('bills 20% of a $27 profit as exactly 5.40 USDC, PENDING, to the agent creator — once, whatever the retries', async () => {
    const { positionId, deploymentId, agentId } = await position('CLOSED', '27');
    await bill(positionId);
    await bill(positionId, true);
    await bill(positionId, true);
    const rows = await bills(positionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deployment_id: deploymentId, kind: 'PROFIT_SHARE', amount: '5.40000000', asset: 'USDC', status: 'PENDING' });
    expect(rows[0].metadata).toEqual({ realized_pnl: '27.00000000', share_pct: '20', receiver: '0xcreatorreceiver', agent_id: agentId });
  });

  it('rounds the share down to 8 places, never up', async () => {
    const { positionId } = await position('CLOSED', '0.00000007');
    await bill(positionId);
    expect((await bills(positionId))[0].amount).toBe('0.00000001'); // 0.000000014 → down
  });

  it('bills nothing for a loss or a break-even close', async () => {
    for (const pnl of ['-12.5', '0']) {
      const { positionId } = await position('CLOSED', pnl);
      const job = await bill(positionId);
      expect(job.returnvalue).toMatchObject({ billed: false });
      expect(await bills(positionId)).toHaveLength(0);
    }
  });

  it('does not bill a position that is still open (the job fails after its attempts, with the reason)', async () => {
    const { positionId } = await position('OPEN', null);
    const job = await bill(positionId, false, 2);
    expect(job.state).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toMatch(/not closed yet/);
    expect(await bills(positionId)).toHaveLength(0);
  });
});
