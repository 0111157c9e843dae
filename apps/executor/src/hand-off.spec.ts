import { closePosition, createPositions } from '@conduit/db';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { DataSource } from 'typeorm';
import { ExecutorAppModule } from './app.module';

/**
 * A close whose commit landed but whose hand-off to billing and Agent What was lost (Redis away, the process killed in
 * between): the retried close finds the position CLOSED and hands it over then, once.
 */
describe('hand-off of a closed position on every attempt', () => {
  const h = useServiceHarness((env) => ExecutorAppModule.forRoot(env));

  it('re-emits billing.position-closed and signal.position-closed when a close job finds the position closed', async () => {
    const agentId = await insertAgent(h.pg);
    const deploymentId = await insertDeployment(h.pg, agentId);
    const { rows } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
       VALUES ($1, 'ETH', 'LONG', '{"type":"percentage","value":10}', '{"type":"none"}', 'HYPERLIQUID', 'EXECUTED') RETURNING id`,
      [agentId],
    );
    const ds = h.app.get(DataSource);
    const position = {
      deploymentId,
      signalId: rows[0].id as string,
      venue: 'HYPERLIQUID',
      tokenSymbol: 'ETH',
      side: 'LONG' as const,
      qty: '1',
      entryPrice: '2000',
      stopLoss: null,
      takeProfit: null,
      trailingParams: null,
      status: 'OPEN' as const,
      entryTxHash: null,
      leverage: 1,
      liquidationPrice: null,
      facts: { mode: 'paper', fee: '0', clientOrderId: '0x01', venueOrderId: null },
    };
    const positionId = (await createPositions(ds, [position]))(position.signalId, deploymentId);
    // The close committed by an attempt that died before its jobs were added.
    const close = { exitPrice: '2100', reason: 'MANUAL', pnl: '100', exitTxHash: null };
    await closePosition(ds, positionId, close, { event: 'v3.position.closed', payload: {} });
    expect(await h.queues[QueueName.Billing].getJob(jobId(JobName.BillingPositionClosed, positionId))).toBeUndefined();

    const id = jobId(JobName.ExecutorClose, positionId);
    await h.queues[QueueName.Executor].add(JobName.ExecutorClose, { positionId, reason: 'MANUAL' }, { jobId: id });
    expect((await waitForJob(h.queues[QueueName.Executor], id)).returnvalue).toEqual({ status: 'CLOSED', pnl: '100.00000000' });
    expect((await h.queues[QueueName.Billing].getJob(jobId(JobName.BillingPositionClosed, positionId)))?.data).toEqual({ positionId });
    expect((await h.queues[QueueName.Signal].getJob(jobId(JobName.SignalPositionClosed, positionId)))?.data).toEqual({ positionId });
    const { rows: closes } = await h.pg.query(`SELECT count(*)::int AS n FROM venue_orders WHERE position_id = $1`, [positionId]);
    expect(closes[0].n).toBe(0); // nothing sent to the venue again
  });
});
