import { INestApplication } from '@nestjs/common';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, startHttpApp, useServiceHarness, waitForJob, WalletClient } from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/**
 * Bills a user can recover: a subscription bill fails (the paper balance cannot pay it) and the subscription lapses;
 * the user retries it over HTTP once the balance can pay, the real billing worker collects it, and the subscription
 * is active again. A double click is one retry; a collected bill is not retried.
 */
describe('retrying a failed bill', () => {
  const h = useServiceHarness((env) => BillingAppModule.forRoot(env), {
    PAPER_STARTING_EQUITY_USD: '100',
    SUBSCRIPTION_PRICE_USD: '10',
    SUBSCRIPTION_PERIOD: '1 month',
    BILLING_COLLECT_ATTEMPTS: '2',
    BILLING_COLLECT_BACKOFF_MS: '10',
  });
  let gateway: INestApplication;
  let api: string;
  let user: WalletClient;
  beforeAll(async () => {
    ({ app: gateway, url: api } = await startHttpApp(GatewayAppModule.forRoot(h.env), h.env, configureGateway));
    user = WalletClient.random(api);
  });
  afterAll(() => gateway?.close());

  const closed = async (agentId: string, deploymentId: string, pnl: string) => {
    const { rows: s } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
      [agentId],
    );
    await h.pg.query(
      `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, status, pnl)
       VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', 1, 2000, 'CLOSED', $3)`,
      [deploymentId, s[0].id, pnl],
    );
  };
  const one = async (sql: string, params: unknown[]) => (await h.pg.query(sql, params)).rows[0];
  const audits = async (id: string) =>
    (await h.pg.query(`SELECT action, actor, wallet FROM audit_logs WHERE entity_id = $1 ORDER BY occurred_at, id`, [id])).rows;

  it('fails a subscription, then collects it on the user retry and turns the subscription back on', async () => {
    const agentId = await insertAgent(h.pg);
    const d = await insertDeployment(h.pg, agentId, {
      user_wallet: user.address,
      trial_ends_at: new Date(Date.now() - 1000),
      next_billing_at: new Date(Date.now() - 1000),
    });
    await closed(agentId, d, '-95'); // 100 - 95 = 5 USD cannot pay 10
    const run = jobId(JobName.BillingSubscriptions, 'retry-test');
    await h.queues[QueueName.Billing].add(JobName.BillingSubscriptions, {}, { jobId: run });
    await waitForJob(h.queues[QueueName.Billing], run);
    const bill = await one(`SELECT id FROM billing_events_v3 WHERE deployment_id = $1 AND kind = 'SUBSCRIPTION'`, [d]);
    expect((await waitForJob(h.queues[QueueName.Billing], jobId(JobName.BillingCollect, bill.id))).state).toBe('failed');
    expect(await one(`SELECT sub_active FROM agent_deployments_v3 WHERE id = $1`, [d])).toEqual({ sub_active: false });

    // not the bill's user; a signature for a paper bill
    expect((await WalletClient.random(api).http('POST', `${api}/api/v3/billing/events/${bill.id}/retry`, {})).status).toBe(403);
    const signed = await user.http('POST', `${api}/api/v3/billing/events/${bill.id}/retry`, { r: `0x${'1'.repeat(64)}` });
    expect(signed.status).toBe(400);
    expect(signed.body.fields).toEqual(['r']);

    await closed(agentId, d, '50'); // the balance can pay now
    const retried = await user.http('POST', `${api}/api/v3/billing/events/${bill.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ retried: true, retry: 1, event: { status: 'COLLECTED' } });
    expect(retried.body.event.metadata).toMatchObject({ retries: 1, last_failure: 'paper balance 5.00 USD is below 10.00 USD' });
    expect(await one(`SELECT sub_active FROM agent_deployments_v3 WHERE id = $1`, [d])).toEqual({ sub_active: true });

    // the double click: nothing written, nothing queued
    const before = JSON.stringify(await audits(bill.id));
    const again = await user.http('POST', `${api}/api/v3/billing/events/${bill.id}/retry`, {});
    expect(again.status).toBe(409); // COLLECTED by now
    expect(JSON.stringify(await audits(bill.id))).toBe(before);
    expect(await h.queues[QueueName.Billing].getJob(jobId(JobName.BillingCollect, bill.id, 'retry', '2'))).toBeUndefined();

    expect((await audits(bill.id)).map((a) => a.action)).toEqual([
      'v3.bill.created',
      'v3.bill.failed',
      'v3.bill.retried',
      'v3.bill.collected',
    ]);
    expect((await audits(bill.id)).find((a) => a.action === 'v3.bill.retried')).toMatchObject({ actor: 'wallet', wallet: user.address });
    expect((await audits(d)).map((a) => a.action)).toEqual(['v3.deployment.subscription_lapsed', 'v3.deployment.subscription_restored']);
  });

  it('answers a PENDING bill with its state and writes nothing', async () => {
    const agentId = await insertAgent(h.pg);
    const d = await insertDeployment(h.pg, agentId, { user_wallet: user.address });
    const bill = await one(
      `INSERT INTO billing_events_v3 (deployment_id, kind, amount, status, period_start) VALUES ($1, 'SUBSCRIPTION', 10, 'PENDING', now())
       RETURNING id`,
      [d],
    );
    const res = await user.http('POST', `${api}/api/v3/billing/events/${bill.id}/retry`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ retried: false, event: { status: 'PENDING' } });
    expect(await audits(bill.id)).toEqual([]);
  });
});
