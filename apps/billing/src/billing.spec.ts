import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { BillingAppModule } from './app.module';

describe('billing service on real Postgres and Redis', () => {
  const h = useServiceHarness((env) => BillingAppModule.forRoot(env), {
    PROFIT_SHARE_PCT: '20',
    PAPER_STARTING_EQUITY_USD: '100',
    SUBSCRIPTION_PRICE_USD: '10',
    SUBSCRIPTION_PERIOD: '1 month',
    BILLING_COLLECT_ATTEMPTS: '3',
    BILLING_COLLECT_BACKOFF_MS: '10',
  });

  const position = async (status: string, pnl: string | null) => {
    const agentId = await insertAgent(h.pg, { profit_receiver_address: '0xcreatorreceiver' });
    const deploymentId = await insertDeployment(h.pg, agentId);
    const { rows: s } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) 
                 VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
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
  const bills = async (positionId: string) =>
    (await h.pg.query(`SELECT * FROM billing_events_v3 WHERE position_id = $1`, [positionId])).rows;

  it('bills 20% of a $27 profit as exactly 5.40 USDC to the agent creator — once, whatever the retries — and collects it', async () => {
    const { positionId, deploymentId, agentId } = await position('CLOSED', '27');
    await bill(positionId);
    await bill(positionId, true);
    await bill(positionId, true);
    const rows = await bills(positionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deployment_id: deploymentId, kind: 'PROFIT_SHARE', amount: '5.40000000', asset: 'USDC' });
    expect(rows[0].metadata).toMatchObject({
      realized_pnl: '27.00000000',
      share_pct: '20',
      receiver: '0xcreatorreceiver',
      agent_id: agentId,
    });
    const collected = await waitForJob(h.queues[QueueName.Billing], jobId(JobName.BillingCollect, rows[0].id));
    expect(collected.returnvalue).toEqual({ status: 'COLLECTED' });
    expect((await bills(positionId))[0]).toMatchObject({
      status: 'COLLECTED',
      metadata: expect.objectContaining({ collector: 'paper-ledger' }),
    });
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

  it("bills the agent's own share when it has one", async () => {
    const { positionId, agentId } = await position('CLOSED', '50');
    await h.pg.query(`UPDATE agents_v3 SET profit_share_pct = 10 WHERE id = $1`, [agentId]);
    await bill(positionId);
    expect((await bills(positionId))[0]).toMatchObject({ amount: '5.00000000', metadata: expect.objectContaining({ share_pct: '10.00' }) });
  });

  describe('subscriptions', () => {
    const subs = async (deploymentId: string) =>
      (
        await h.pg.query(`SELECT * FROM billing_events_v3 WHERE deployment_id = $1 AND kind = 'SUBSCRIPTION' ORDER BY period_start`, [
          deploymentId,
        ])
      ).rows;
    let run = 0;
    const schedule = async () => {
      const id = jobId(JobName.BillingSubscriptions, String(++run));
      await h.queues[QueueName.Billing].add(JobName.BillingSubscriptions, {}, { jobId: id });
      return waitForJob(h.queues[QueueName.Billing], id);
    };

    it('bills nothing during the trial, then once per period after it, however often the scheduler runs', async () => {
      const agentId = await insertAgent(h.pg);
      const trialEnd = new Date(Date.now() - 60_000);
      const inTrial = await insertDeployment(h.pg, agentId, {
        trial_ends_at: new Date(Date.now() + 86_400_000),
        next_billing_at: new Date(Date.now() + 86_400_000),
      });
      const due = await insertDeployment(h.pg, agentId, { trial_ends_at: trialEnd, next_billing_at: trialEnd });
      const [a, b] = await Promise.all([schedule(), schedule()]);
      expect(a.returnvalue.billed + b.returnvalue.billed).toBeGreaterThanOrEqual(1);
      await schedule();
      expect(await subs(inTrial)).toHaveLength(0);
      const rows = await subs(due);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ amount: '10.00000000', status: expect.stringMatching(/PENDING|COLLECTED/) });
      expect(rows[0].period_start.getTime()).toBe(trialEnd.getTime());
      const [d] = (await h.pg.query(`SELECT next_billing_at FROM agent_deployments_v3 WHERE id = $1`, [due])).rows;
      const next = new Date(trialEnd);
      next.setUTCMonth(next.getUTCMonth() + 1);
      expect(d.next_billing_at.getTime()).toBe(next.getTime());
      await waitForJob(h.queues[QueueName.Billing], jobId(JobName.BillingCollect, rows[0].id));
      expect((await subs(due))[0].status).toBe('COLLECTED');
    });

    it('catches up one event per missed period', async () => {
      const agentId = await insertAgent(h.pg);
      const start = new Date(Date.now() - 70 * 86_400_000); // three periods began since
      const d = await insertDeployment(h.pg, agentId, { trial_ends_at: start, next_billing_at: start });
      await schedule();
      expect((await subs(d)).map((r) => r.period_start.toISOString())).toHaveLength(3);
    });

    it('fails an unpayable subscription after the retry window with the reason, and ends the subscription', async () => {
      const agentId = await insertAgent(h.pg);
      const d = await insertDeployment(h.pg, agentId, {
        trial_ends_at: new Date(Date.now() - 1000),
        next_billing_at: new Date(Date.now() - 1000),
      });
      // a paper balance of 100 + (−95) = 5 USD cannot pay 10
      const { rows: s } = await h.pg.query(
        `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
        [agentId],
      );
      await h.pg.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, status, pnl) VALUES ($1, $2,
          'HYPERLIQUID', 'ETH', 'LONG', 1, 2000, 'CLOSED', -95)`,
        [d, s[0].id],
      );
      await schedule();
      const [sub] = await subs(d);
      const job = await waitForJob(h.queues[QueueName.Billing], jobId(JobName.BillingCollect, sub.id));
      expect(job.state).toBe('failed');
      expect(job.attemptsMade).toBe(3);
      const [after] = await subs(d);
      expect(after.status).toBe('FAILED');
      expect(after.metadata).toMatchObject({ failure_reason: 'paper balance 5.00 USD is below 10.00 USD', attempts: 3 });
      expect((await h.pg.query(`SELECT sub_active FROM agent_deployments_v3 WHERE id = $1`, [d])).rows[0].sub_active).toBe(false);
    });
  });

  describe('daily PnL snapshots', () => {
    const snap = async (day: string, tag: string) => {
      const id = jobId(JobName.BillingPnlSnapshot, day, tag);
      await h.queues[QueueName.Billing].add(JobName.BillingPnlSnapshot, { day }, { jobId: id });
      return waitForJob(h.queues[QueueName.Billing], id);
    };
    const iso = (d: Date) => d.toISOString().slice(0, 10);

    it(
      'writes one row per deployment and day — realized, unrealized change, return on the day’s start equity — and a rerun ' +
        'changes nothing',
      async () => {
        const agentId = await insertAgent(h.pg);
        const d = await insertDeployment(h.pg, agentId, { created_at: new Date(Date.now() - 3 * 86_400_000) });
        const today = new Date();
        const yesterday = new Date(today.getTime() - 86_400_000);
        const sig = async () =>
          (
            await h.pg.query(
              `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model)
               VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
              [agentId],
            )
          ).rows[0].id;
        const pos = (status: string, pnl: string | null, closedAt: Date | null, current: string | null) =>
          sig().then((s) =>
            h.pg.query(
              `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, current_price, status, pnl,
              closed_at)
             VALUES ($1, $2, 'HYPERLIQUID', 'ETH', 'LONG', 2, 100, $3, $4, $5, $6)`,
              [d, s, current, status, pnl, closedAt],
            ),
          );
        await pos('CLOSED', '50', new Date(`${iso(yesterday)}T12:00:00Z`), null);
        await pos('CLOSED', '-20', new Date(Math.max(Date.now() - 1000, new Date(`${iso(today)}T00:00:01Z`).getTime())), null);
        await pos('OPEN', null, null, '110'); // unrealized +20

        await snap(iso(yesterday), 'a');
        await snap(iso(today), 'a');
        const rows = async () =>
          (
            await h.pg.query(
              `SELECT day::text, pnl, return_pct, realized_pnl, unrealized_pnl, start_equity FROM pnl_snapshots_v3 WHERE deployment_id = $1
              ORDER BY day`,
              [d],
            )
          ).rows;
        const first = await rows();
        expect(first).toEqual([
          {
            day: iso(yesterday),
            pnl: '50.00000000',
            return_pct: 50,
            realized_pnl: '50.00000000',
            unrealized_pnl: '0.00000000',
            start_equity: '100.00000000',
          },
          {
            day: iso(today),
            pnl: '0.00000000',
            return_pct: 0,
            realized_pnl: '-20.00000000',
            unrealized_pnl: '20.00000000',
            start_equity: '150.00000000',
          },
        ]);
        await snap(iso(yesterday), 'b');
        await snap(iso(today), 'b');
        expect(await rows()).toEqual(first);

        // the agent's metrics from its daily returns: +50% then 0% → simple APR = mean × 365 × 100
        const [a] = (await h.pg.query(`SELECT apr_si, apr_30d, sharpe_30d FROM agents_v3 WHERE id = $1`, [agentId])).rows;
        expect(a.apr_si).toBeCloseTo(0.25 * 365 * 100, 1);
        expect(a.apr_30d).toBeCloseTo(0.25 * 365 * 100, 1);
        expect(a.sharpe_30d).toBeCloseTo((0.25 / Math.sqrt(0.125)) * Math.sqrt(365), 3);

        // seed 004's agent_performance: one row for this hour, kept at its latest figures
        const perf = (await h.pg.query(`SELECT * FROM agent_performance WHERE agent_id = $1`, [agentId])).rows;
        expect(perf).toHaveLength(1);
        expect(perf[0]).toMatchObject({
          total_value: '150.00', // 100 capital + 30 realized + 20 unrealized
          cash_balance: '130.00',
          position_value: '220.00', // 2 × 110
          realized_pnl: '30.00',
          unrealized_pnl: '20.00',
          total_pnl: '50.00',
          roi_percent: '50.0000',
          num_trades: 2,
          num_winning_trades: 1,
          num_losing_trades: 1,
          win_rate: '50.00',
          avg_win: '50.00',
          avg_loss: '20.00',
          profit_factor: '2.5000',
        });
      },
    );
  });
});
