import { clientOrderId, dec, toMoney, walkStep } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, useServiceHarness, waitForJob } from '@conduit/testing';
import { ExecutorAppModule } from './app.module';
import { Closing } from './closing/closing';
import { PositionMonitor } from './monitor/position-monitor';
import { OpenBatcher } from './opening/open-batcher';
import { PaperMarket } from './paper-market/paper-market';
import { OrderRequest, OrderResult, PaperVenue, VenueRegistry } from '@conduit/venue';

describe('executor on the paper venue, real Postgres and Redis', () => {
  const h = useServiceHarness((env) => ExecutorAppModule.forRoot(env), {
    PAPER_STARTING_EQUITY_USD: '10000',
    PAPER_TAKER_FEE_BPS: '4.5',
    PAPER_SLIPPAGE_BPS: '5',
  });
  beforeAll(async () => {
    // fixed table of marks (no random walk); fee 4.5 bps, slippage 5 bps
    await h.pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
  });

  /** A routed signal with one approved deployment, as the router leaves it. */
  const routed = async (opts: { token?: string; venue?: string | null; side?: string; size?: object; risk?: object } = {}) => {
    const agentId = await insertAgent(h.pg);
    const deploymentId = await insertDeployment(h.pg, agentId);
    const { rows } = await h.pg.query(
      `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'ROUTED') RETURNING id`,
      [
        agentId,
        opts.token ?? 'ETH',
        opts.side ?? 'LONG',
        opts.size ?? { type: 'percentage', value: 25 },
        opts.risk ?? { type: 'fixed', stop: 0.05, take_profit: 0.1 },
        opts.venue === undefined ? 'HYPERLIQUID' : opts.venue,
      ],
    );
    await h.pg.query(`INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) VALUES ($1, $2, 'PENDING', 'policy')`, [
      rows[0].id,
      deploymentId,
    ]);
    return { signalId: rows[0].id as string, deploymentId };
  };
  const open = async (signalId: string, deploymentId: string, again = false, attempts = 3) => {
    const id = jobId(JobName.ExecutorOpen, signalId, deploymentId);
    if (again) await h.queues[QueueName.Executor].remove(id);
    await h.queues[QueueName.Executor].add(JobName.ExecutorOpen, { signalId, deploymentId }, { jobId: id, attempts, backoff: 10 });
    return waitForJob(h.queues[QueueName.Executor], id);
  };
  const one = async (sql: string, params: unknown[]) => (await h.pg.query(sql, params)).rows[0];

  it('opens one position sized from the size model at the mark plus slippage, with stop and take profit', async () => {
    const { signalId, deploymentId } = await routed();
    const job = await open(signalId, deploymentId);
    expect(job.returnvalue.outcome).toBe('OPENED');
    const p = await one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    // 25% of 10000 = 2500 USD at 2000 → 1.25 ETH (szDecimals 4); long buys at 2000 × 1.0005 = 2001
    expect(p).toMatchObject({
      venue: 'HYPERLIQUID',
      token_symbol: 'ETH',
      side: 'LONG',
      qty: '1.25000000',
      entry_price: '2001.00000000',
      status: 'OPEN',
    });
    expect(p.stop_loss).toBe('1900.95000000'); // 2001 × 0.95
    expect(p.take_profit).toBe('2201.10000000'); // 2001 × 1.10
    const order = await one(`SELECT * FROM venue_orders WHERE position_id = $1`, [p.id]);
    expect(order).toMatchObject({
      client_order_id: clientOrderId(deploymentId, signalId, 'open'),
      side: 'BUY',
      status: 'FILLED',
      fee: '1.12556250',
    });
    expect(await one(`SELECT outcome, position_id FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({
      outcome: 'OPENED',
      position_id: p.id,
    });
    const s = await one(`SELECT status, executed_at FROM signals_v3 WHERE id = $1`, [signalId]);
    expect(s.status).toBe('EXECUTED');
    expect(s.executed_at).toBeInstanceOf(Date);
  });

  it('never opens a second position or sends a second order when the job runs again', async () => {
    const { signalId, deploymentId } = await routed({ side: 'SHORT' });
    await open(signalId, deploymentId);
    await open(signalId, deploymentId, true);
    await Promise.all([h.app.get(OpenBatcher).open({ signalId, deploymentId }), h.app.get(OpenBatcher).open({ signalId, deploymentId })]);
    expect((await one(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId])).n).toBe(1);
    expect((await one(`SELECT count(*)::int AS n FROM venue_orders WHERE signal_id = $1`, [signalId])).n).toBe(1);
  });

  it('after a crash between the fill and the position, uses the recorded fill instead of ordering again', async () => {
    const { signalId, deploymentId } = await routed();
    const cloid = clientOrderId(deploymentId, signalId, 'open');
    await h.pg.query(
      `INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, venue, token_symbol, side, qty, status, filled_qty,
        avg_fill_price, fee, venue_order_id)
       VALUES ($1, $2, $3, 'HYPERLIQUID', 'ETH', 'BUY', 1.25, 'FILLED', 1.25, 1990.5, 1.1, 'paper-earlier')`,
      [cloid, deploymentId, signalId],
    );
    await open(signalId, deploymentId);
    const p = await one(`SELECT qty, entry_price, entry_tx_hash FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    expect(p).toEqual({ qty: '1.25000000', entry_price: '1990.50000000', entry_tx_hash: 'paper-earlier' });
    expect((await one(`SELECT count(*)::int AS n FROM venue_orders WHERE signal_id = $1`, [signalId])).n).toBe(1);
  });

  it('records FAILED with the reason when there is no mark price, and finishes the signal', async () => {
    const { signalId, deploymentId } = await routed({ token: 'XAU', venue: 'OSTIUM' });
    const job = await open(signalId, deploymentId);
    expect(job.state).toBe('completed');
    expect(await one(`SELECT outcome, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({
      outcome: 'FAILED',
      reason: 'NO_PRICE: no mark price for XAU on OSTIUM',
    });
    expect(await one(`SELECT status FROM signals_v3 WHERE id = $1`, [signalId])).toEqual({ status: 'FAILED' });
  });

  it('records FAILED when a size rounds to nothing', async () => {
    const { signalId, deploymentId } = await routed({ size: { type: 'fixed-usd', value: 0.01 } });
    await open(signalId, deploymentId);
    const o = await one(`SELECT outcome, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId]);
    expect(o.outcome).toBe('FAILED');
    expect(o.reason).toMatch(/^SIZE_TOO_SMALL/);
  });

  it('records FAILED after the last attempt of a job that cannot run', async () => {
    const { signalId, deploymentId } = await routed({ venue: null });
    const job = await open(signalId, deploymentId);
    expect(job.state).toBe('failed');
    expect(job.failedReason).toMatch(/has no venue yet/);
    expect(job.attemptsMade).toBe(3); // retried like any error, recorded after the last attempt
    const o = await one(`SELECT outcome, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId]);
    expect(o.outcome).toBe('FAILED');
    expect(o.reason).toMatch(/executor gave up after 3 attempt\(s\): signal .* has no venue yet/);
  });

  it('closes once at the mark with realized PnL net of both fees, and hands the position to billing', async () => {
    const { signalId, deploymentId } = await routed();
    await open(signalId, deploymentId);
    const { id: positionId } = await one(`SELECT id FROM positions_v3 WHERE signal_id = $1`, [signalId]);
    await h.pg.query(`UPDATE venue_markets SET current_price = 2100 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    try {
      const closing = h.app.get(Closing);
      const results = await Promise.all([closing.close(positionId, 'MANUAL'), closing.close(positionId, 'MANUAL')]);
      // exit 2100 × 0.9995 = 2098.95; gross (2098.95 − 2001) × 1.25 = 122.4375
      // fees as charged, each stored at 8 places: 1.12556250 (open) + 1.25 × 2098.95 × 0.00045 = 1.180659375 → 1.18065938 (half-even)
      // pnl = 122.4375 − 2.30622188 = 120.13127812
      for (const r of results) expect(r).toEqual({ status: 'CLOSED', pnl: '120.13127812' });
      const p = await one(`SELECT status, exit_price, exit_reason, closed_at, pnl FROM positions_v3 WHERE id = $1`, [positionId]);
      expect(p).toMatchObject({ status: 'CLOSED', exit_price: '2098.95000000', exit_reason: 'MANUAL', pnl: '120.13127812' });
      const orders = (
        await h.pg.query(`SELECT side, reduce_only FROM venue_orders WHERE position_id = $1 ORDER BY created_at`, [positionId])
      ).rows;
      expect(orders).toEqual([
        { side: 'BUY', reduce_only: false },
        { side: 'SELL', reduce_only: true },
      ]);
      expect((await h.queues[QueueName.Billing].getJob(jobId(JobName.BillingPositionClosed, positionId)))?.data).toEqual({ positionId });
      expect(
        (await one(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1 AND action = 'v3.position.closed'`, [positionId])).n,
      ).toBe(1);
    } finally {
      await h.pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'ETH'`);
    }
  });

  it('moves paper marks by the deterministic random walk, the same in every run', async () => {
    const before = await one(`SELECT current_price FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'BTC'`, []);
    await h.app.get(PaperMarket).tick(1_700_000_000_000);
    const after = await one(`SELECT current_price FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'BTC'`, []);
    expect(after.current_price).not.toBe(before.current_price);
    const tick = Math.floor(1_700_000_000_000 / h.env.PAPER_WALK_INTERVAL_MS);
    expect(after.current_price).toBe(
      toMoney(walkStep(before.current_price, h.env.PAPER_WALK_SEED, 'BTC', tick, h.env.PAPER_WALK_STEP_BPS)),
    );
  });

  describe('failover', () => {
    /** Hyperliquid's paper twin answering every order the way Hyperliquid refuses an IOC it cannot fill. */
    class RefusingVenue extends PaperVenue {
      override async placeOrder(order: OrderRequest): Promise<OrderResult> {
        return {
          clientOrderId: order.clientOrderId,
          status: 'REJECTED',
          filledQty: '0',
          avgPrice: null,
          fee: '0',
          venueOrderId: null,
          error: 'Order could not immediately match against any resting orders.',
        };
      }
    }
    const withRefusingHyperliquid = async (run: () => Promise<void>) => {
      const registry = h.app.get(VenueRegistry);
      const options = {
        takerFeeBps: h.env.PAPER_TAKER_FEE_BPS,
        slippageBps: h.env.PAPER_SLIPPAGE_BPS,
        startingEquityUsd: h.env.PAPER_STARTING_EQUITY_USD,
      };
      registry.register(new RefusingVenue('HYPERLIQUID', registry.prices, options));
      try {
        await run();
      } finally {
        registry.register(new PaperVenue('HYPERLIQUID', registry.prices, options));
      }
    };
    const assign = (signalId: string, deploymentId: string, venue: string, candidates: string[]) =>
      h.pg.query(`UPDATE signal_outcomes SET venue = $3, venue_candidates = $4 WHERE signal_id = $1 AND deployment_id = $2`, [
        signalId,
        deploymentId,
        venue,
        candidates,
      ]);

    it('opens on the next ranked venue when the chosen one refuses the order, and keeps the trail', async () => {
      await withRefusingHyperliquid(async () => {
        const { signalId, deploymentId } = await routed();
        await assign(signalId, deploymentId, 'HYPERLIQUID', ['OSTIUM']);
        const job = await open(signalId, deploymentId);
        expect(job.returnvalue.outcome).toBe('OPENED');
        const p = await one(`SELECT venue, status FROM positions_v3 WHERE signal_id = $1`, [signalId]);
        expect(p).toEqual({ venue: 'OSTIUM', status: 'OPEN' });
        const orders = (
          await h.pg.query(`SELECT venue, status, error FROM venue_orders WHERE signal_id = $1 ORDER BY created_at`, [signalId])
        ).rows;
        expect(orders).toEqual([
          { venue: 'HYPERLIQUID', status: 'REJECTED', error: 'Order could not immediately match against any resting orders.' },
          { venue: 'OSTIUM', status: 'FILLED', error: null },
        ]);
        expect(await one(`SELECT outcome, venue, venue_candidates, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({
          outcome: 'OPENED',
          venue: 'OSTIUM',
          venue_candidates: [],
          reason: 'HYPERLIQUID refused: ORDER_REJECTED: Order could not immediately match against any resting orders. -> OSTIUM',
        });
        expect(await one(`SELECT payload FROM audit_logs WHERE action = 'v3.order.failover' AND entity_id = $1`, [signalId])).toMatchObject(
          {
            payload: { deployment_id: deploymentId, from: 'HYPERLIQUID', to: 'OSTIUM' },
          },
        );
      });
    });

    it('records the refusal as the failure when no venue is left (failover off)', async () => {
      await withRefusingHyperliquid(async () => {
        const { signalId, deploymentId } = await routed();
        await assign(signalId, deploymentId, 'HYPERLIQUID', []);
        expect((await open(signalId, deploymentId)).returnvalue.outcome).toBe('FAILED');
        expect(await one(`SELECT outcome, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])).toEqual({
          outcome: 'FAILED',
          reason: 'ORDER_REJECTED: Order could not immediately match against any resting orders.',
        });
        expect(await one(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId])).toEqual({ n: 0 });
      });
    });
  });

  describe('opens running together (a fan-out)', () => {
    it('are batched, write what one open at a time writes, end the odd ones on their own, and a re-run changes nothing', async () => {
      await h.pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE venue = 'HYPERLIQUID' AND token_symbol =
                         'ETH'`); // (the walk test moved it)
      const agentId = await insertAgent(h.pg);
      const plain: string[] = [];
      for (let i = 0; i < 12; i++) plain.push(await insertDeployment(h.pg, agentId));
      const tiny = await insertDeployment(h.pg, agentId); // its final size rounds to nothing
      const live = await insertDeployment(h.pg, agentId, { trading_mode: 'live' }); // no live adapter in this run
      const all = [...plain, tiny, live];
      const { rows } = await h.pg.query(
        `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, final_venue, status)
         VALUES ($1, 'ETH', 'LONG', $2, $3, 'HYPERLIQUID', 'ROUTED') RETURNING id`,
        [agentId, { type: 'percentage', value: 25 }, { type: 'fixed', stop: 0.05, take_profit: 0.1 }],
      );
      const signalId: string = rows[0].id;
      await h.pg.query(
        `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage) SELECT $1, d, 'PENDING', 'policy' FROM unnest($2::uuid[])
          AS d`,
        [signalId, all],
      );
      await h.pg.query(
        `INSERT INTO policy_decisions (signal_id, deployment_id, agent_id, decision, code, reason, size_model, effective_policy, inputs)
         VALUES ($1, $2, $3, 'TRADE', 'TRADE', 'ok', $4, '{}', '{}')`,
        [signalId, tiny, agentId, { type: 'fixed-usd', value: 0.01 }],
      );
      const queue = h.queues[QueueName.Executor];
      const runAll = async () => {
        await queue.addBulk(
          all.map((d) => ({
            name: JobName.ExecutorOpen,
            data: { signalId, deploymentId: d },
            opts: { jobId: jobId(JobName.ExecutorOpen, signalId, d), attempts: 1 },
          })),
        );
        return Promise.all(all.map((d) => waitForJob(queue, jobId(JobName.ExecutorOpen, signalId, d))));
      };
      const jobs = await runAll();
      expect(jobs.map((j) => j.returnvalue.outcome)).toEqual([...plain.map(() => 'OPENED'), 'FAILED', 'FAILED']);

      const positions = (await h.pg.query(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId])).rows;
      expect(positions).toHaveLength(plain.length);
      for (const p of positions) {
        expect(p).toMatchObject({
          venue: 'HYPERLIQUID',
          token_symbol: 'ETH',
          side: 'LONG',
          qty: '1.25000000',
          entry_price: '2001.00000000',
          current_price: '2001.00000000',
          status: 'OPEN',
        });
        expect(p).toMatchObject({
          stop_loss: '1900.95000000',
          take_profit: '2201.10000000',
          entry_tx_hash: expect.stringMatching(/^paper-/),
        });
      }
      const orders = (await h.pg.query(`SELECT * FROM venue_orders WHERE signal_id = $1`, [signalId])).rows;
      expect(orders).toHaveLength(plain.length);
      for (const o of orders) {
        const p = positions.find((x) => x.deployment_id === o.deployment_id);
        expect(o).toMatchObject({
          client_order_id: clientOrderId(o.deployment_id, signalId, 'open'),
          position_id: p.id,
          side: 'BUY',
          status: 'FILLED',
          filled_qty: '1.25000000',
        });
        expect(o).toMatchObject({
          avg_fill_price: '2001.00000000',
          fee: '1.12556250',
          qty: '1.25000000',
          limit_price: '2000.00000000',
          reduce_only: false,
        });
      }
      // batched: orders inserted by one statement share its timestamp
      expect(new Set(orders.map((o) => o.created_at.getTime())).size).toBeLessThan(orders.length);
      const outcomes = (
        await h.pg.query(`SELECT deployment_id, outcome, position_id, stage, reason FROM signal_outcomes WHERE signal_id = $1`, [signalId])
      ).rows;
      for (const d of plain) {
        expect(outcomes.find((o) => o.deployment_id === d)).toMatchObject({
          outcome: 'OPENED',
          stage: 'executor',
          position_id: positions.find((p) => p.deployment_id === d).id,
        });
      }
      expect(outcomes.find((o) => o.deployment_id === tiny)).toMatchObject({
        outcome: 'FAILED',
        reason: expect.stringMatching(/^SIZE_TOO_SMALL/),
      });
      expect(outcomes.find((o) => o.deployment_id === live)).toMatchObject({
        outcome: 'FAILED',
        reason: 'NO_ADAPTER: live trading on HYPERLIQUID is not configured',
      });
      const audits = (
        await h.pg.query(`SELECT entity_id, payload FROM audit_logs WHERE action = 'v3.position.opened' AND payload->>'signal_id' = $1`, [
          signalId,
        ])
      ).rows;
      expect(audits).toHaveLength(plain.length);
      for (const a of audits) {
        const p = positions.find((x) => x.id === a.entity_id);
        expect(a.payload).toEqual({
          deployment_id: p.deployment_id,
          signal_id: signalId,
          venue: 'HYPERLIQUID',
          mode: 'paper',
          token: 'ETH',
          side: 'LONG',
          qty: '1.25000000',
          entry_price: '2001.00000000',
          fee: '1.12556250',
          client_order_id: clientOrderId(p.deployment_id, signalId, 'open'),
          venue_order_id: p.entry_tx_hash,
        });
      }
      const signal = await one(`SELECT status, executed_at FROM signals_v3 WHERE id = $1`, [signalId]);
      expect(signal.status).toBe('EXECUTED');
      expect(signal.executed_at).toBeInstanceOf(Date);

      for (const d of all) await queue.remove(jobId(JobName.ExecutorOpen, signalId, d));
      const again = await runAll();
      expect(again.map((j) => j.returnvalue)).toEqual(
        jobs.map((j) => ({ outcome: j.returnvalue.outcome, positionId: j.returnvalue.positionId })),
      );
      expect((await one(`SELECT count(*)::int AS n FROM positions_v3 WHERE signal_id = $1`, [signalId])).n).toBe(plain.length);
      expect((await one(`SELECT count(*)::int AS n FROM venue_orders WHERE signal_id = $1`, [signalId])).n).toBe(plain.length);
      expect(
        (
          await one(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'v3.position.opened' AND payload->>'signal_id' = $1`, [
            signalId,
          ])
        ).n,
      ).toBe(plain.length);
    });
  });

  describe('position monitor', () => {
    const mark = (price: string) =>
      h.pg.query(`UPDATE venue_markets SET current_price = $1 WHERE venue = 'HYPERLIQUID' AND token_symbol = 'SOL'`, [price]);
    const monitor = () => h.app.get(PositionMonitor).run();
    const position = async (signalId: string) => one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signalId]);

    it(
      'arms a trailing stop after +3%, trails 1% below the best mark, and closes once at the venue price when the mark ' + 'falls to it',
      async () => {
        await mark('100');
        const { signalId, deploymentId } = await routed({ token: 'SOL', risk: { type: 'trailing-stop', stop: 0.01, activation: 0.03 } });
        await open(signalId, deploymentId);
        const opened = await position(signalId);
        // entry 100 × 1.0005; the hard stop 1% below it until the trail arms
        expect(opened).toMatchObject({ entry_price: '100.05000000', stop_loss: '99.04950000', status: 'OPEN' });
        expect(opened.trailing_params).toEqual({ type: 'trailing', trail_pct: '0.01', activation_pct: '0.03', high_water: '100.05' });

        await mark('102'); // +1.95%: a new best price, not armed
        expect(await monitor()).toMatchObject({ closing: 0 });
        expect((await position(signalId)).trailing_params).toMatchObject({ high_water: '102', armed: false });

        await mark('104'); // +3.95%: armed, trail at 104 × 0.99 = 102.96
        expect(await monitor()).toMatchObject({ closing: 0 });
        expect((await position(signalId)).trailing_params).toMatchObject({ high_water: '104', armed: true });
        await mark('103');
        expect(await monitor()).toMatchObject({ closing: 0 });

        await mark('102.9');
        // two monitors at once: one close job, one close
        const [a, b] = await Promise.all([monitor(), monitor()]);
        expect(a.closing + b.closing).toBeGreaterThanOrEqual(1);
        await waitForJob(h.queues[QueueName.Executor], jobId(JobName.ExecutorClose, opened.id));
        const closed = await position(signalId);
        // sold at the mark less 5 bps slippage: 102.9 × 0.9995
        expect(closed).toMatchObject({ status: 'CLOSED', exit_reason: 'TRAILING_STOP', exit_price: '102.84855000' });
        const orders = (
          await h.pg.query(`SELECT reduce_only, fee FROM venue_orders WHERE position_id = $1 ORDER BY created_at`, [opened.id])
        ).rows;
        expect(orders.map((o) => o.reduce_only)).toEqual([false, true]);
        const fees = orders.reduce((sum, o) => sum.plus(o.fee), dec(0));
        expect(closed.pnl).toBe(toMoney(dec('102.84855').minus('100.05').mul(closed.qty).minus(fees)));
        expect(await monitor()).toMatchObject({ closing: 0 });
      },
    );

    it('stops out a short above its stop and takes profit on a long', async () => {
      await mark('100');
      const short = await routed({ token: 'SOL', side: 'SHORT', risk: { type: 'fixed', stop: 0.02, take_profit: 0.05 } });
      const long = await routed({ token: 'SOL', risk: { type: 'fixed', stop: 0.1, take_profit: 0.01 } });
      await open(short.signalId, short.deploymentId);
      await open(long.signalId, long.deploymentId);
      await mark('102'); // short stop at 99.95 × 1.02 = 101.949; long target at 100.05 × 1.01 = 101.0505
      await monitor();
      const shortPos = await position(short.signalId);
      const longPos = await position(long.signalId);
      await waitForJob(h.queues[QueueName.Executor], jobId(JobName.ExecutorClose, shortPos.id));
      await waitForJob(h.queues[QueueName.Executor], jobId(JobName.ExecutorClose, longPos.id));
      expect(await position(short.signalId)).toMatchObject({ status: 'CLOSED', exit_reason: 'STOP_LOSS' });
      expect(await position(long.signalId)).toMatchObject({ status: 'CLOSED', exit_reason: 'TAKE_PROFIT' });
    });
  });
});
