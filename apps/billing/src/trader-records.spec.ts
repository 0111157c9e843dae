import { deterministicId } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  insertAgent,
  insertBookPosition,
  insertDeployment,
  insertTrader,
  ManualClock,
  useServiceHarness,
  waitForJob,
} from '@conduit/testing';
import { BillingAppModule } from './app.module';

/** LLM traders' performance snapshots and seed 004's retention, in the billing service on real Postgres and Redis. */
describe('billing: trader records', () => {
  const clock = new ManualClock('2026-06-15T09:32:10.000Z');
  const h = useServiceHarness((env) => BillingAppModule.forRoot(env), {}, { clock });
  let run = 0;
  const job = async (name: JobName.BillingAgentPerformance | JobName.BillingRetention | JobName.BillingPnlSnapshot) => {
    const id = jobId(name, String(++run));
    await h.queues[QueueName.Billing].add(name, {}, { jobId: id });
    const done = await waitForJob(h.queues[QueueName.Billing], id);
    expect(done.state).toBe('completed');
    return done.returnvalue;
  };
  const performance = async (agentId: string) =>
    (await h.pg.query(`SELECT * FROM agent_performance WHERE agent_id = $1 ORDER BY snapshot_time`, [agentId])).rows;

  describe('agent_performance of an LLM trader', () => {
    let agentId: string;
    let openId: string;

    beforeAll(async () => {
      // positions_v3.leverage comes with the Liquidation migration; the snapshot reads it when it is there
      await h.pg.query(`ALTER TABLE positions_v3 ADD COLUMN IF NOT EXISTS leverage INT`);
      const trader = await insertTrader(h.pg, { initialBalance: '1000' });
      agentId = trader.agentId;
      const bookId = trader.bookId;
      const day = (d: string) => new Date(`2026-06-${d}T12:00:00Z`);
      await insertBookPosition(h.pg, agentId, bookId, {
        coin: 'BTC',
        qty: '0.01',
        entry: '60000',
        status: 'CLOSED',
        exit: '65000',
        pnl: '50',
        closedAt: day('13'),
      });
      await insertBookPosition(h.pg, agentId, bookId, {
        coin: 'SOL',
        qty: '1',
        entry: '150',
        status: 'CLOSED',
        exit: '130',
        pnl: '-20',
        closedAt: day('14'),
      });
      ({ positionId: openId } = await insertBookPosition(h.pg, agentId, bookId, { qty: '2', entry: '100', mark: '110' }));
      await h.pg.query(`UPDATE positions_v3 SET leverage = 5 WHERE id = $1`, [openId]);
      const snapshot = `INSERT INTO pnl_snapshots_v3 (agent_id, deployment_id, day, pnl, start_equity) VALUES ($1, $2, $3, $4, $5)`;
      await h.pg.query(snapshot, [agentId, bookId, '2026-06-13', '50', '1000']);
      await h.pg.query(snapshot, [agentId, bookId, '2026-06-14', '-21', '1050']);
      // a subscriber of the trader is not its book: none of this counts
      const subscriber = await insertDeployment(h.pg, agentId);
      await insertBookPosition(h.pg, agentId, subscriber, { qty: '1', entry: '100', status: 'CLOSED', exit: '600', pnl: '500' });
      await h.pg.query(snapshot, [agentId, subscriber, '2026-06-14', '500', '10000']);
    });

    it("writes the book's exact figures for the slot: a win, a loss and an open position at 5x", async () => {
      const stopped = await insertTrader(h.pg, { status: 'STOPPED' });
      const result = await job(JobName.BillingAgentPerformance);
      expect(result).toMatchObject({ slot: '2026-06-15T09:30:00.000Z', traders: 1, written: 1 });
      const [row] = await performance(agentId);
      expect(row).toEqual({
        id: deterministicId('agent-performance', agentId, '2026-06-15T09:30:00.000Z'),
        agent_id: agentId,
        snapshot_time: new Date('2026-06-15T09:30:00.000Z'),
        total_value: '1050.00', // 1000 + 30 realized + 20 unrealized
        cash_balance: '990.00', // 1000 + 30 − 2 × 100 ÷ 5 margin
        position_value: '220.00', // |2 × 110|
        realized_pnl: '30.00',
        unrealized_pnl: '20.00',
        total_pnl: '50.00',
        roi_percent: '5.0000', // 50 ÷ 1000
        num_trades: 2,
        num_winning_trades: 1,
        num_losing_trades: 1,
        win_rate: '50.00',
        avg_win: '50.00',
        avg_loss: '20.00',
        profit_factor: '2.5000', // 50 ÷ 20
        sharpe_ratio: '5.7897', // days +5 %, −2 %: 0.015 ÷ (0.035 × √2) × √365 = 5.78968…
        max_drawdown: '21.0000', // 1000 → 1050 → 1029
        max_drawdown_percent: '2.00', // 1.05 → 1.029
      });
      expect(await performance(stopped.agentId)).toEqual([]);
    });

    it('writes one row per slot, whatever the runs within it; the next slot has the new figures', async () => {
      await h.pg.query(`UPDATE positions_v3 SET current_price = 120 WHERE id = $1`, [openId]);
      clock.set('2026-06-15T09:34:58.999Z');
      expect(await job(JobName.BillingAgentPerformance)).toMatchObject({ slot: '2026-06-15T09:30:00.000Z', written: 0 });
      await Promise.all([job(JobName.BillingAgentPerformance), job(JobName.BillingAgentPerformance)]);
      expect((await performance(agentId)).map((r) => r.unrealized_pnl)).toEqual(['20.00']);

      clock.set('2026-06-15T09:34:59.400Z'); // a tick whose worker's clock runs 0.6 s early takes its slot
      expect(await job(JobName.BillingAgentPerformance)).toMatchObject({ slot: '2026-06-15T09:35:00.000Z', written: 1 });
      const rows = await performance(agentId);
      expect(rows.map((r) => [r.snapshot_time.toISOString(), r.unrealized_pnl, r.total_value])).toEqual([
        ['2026-06-15T09:30:00.000Z', '20.00', '1050.00'],
        ['2026-06-15T09:35:00.000Z', '40.00', '1070.00'],
      ]);
    });

    it("leaves the trader's rows to its book: the daily snapshot writes no hourly row for it", async () => {
      await job(JobName.BillingPnlSnapshot);
      expect(await performance(agentId)).toHaveLength(2);
    });
  });

  describe('retention', () => {
    const count = async (sql: string, params: unknown[] = []) => (await h.pg.query(sql, params)).rows[0].n as number;
    const daysAgo = (days: number) => new Date(clock.now().getTime() - days * 86_400_000);

    it('deletes decisions past 90 days and performance past 180, in batches; usage, trades and newer rows stay', async () => {
      clock.set('2026-06-15T09:40:00.000Z');
      const agentId = await insertAgent(h.pg);
      const decision = `INSERT INTO agent_decisions (agent_id, timestamp, action, coin, size_usd, leverage, stop_loss_price,
                          take_profit_price, confidence, reasoning) VALUES ($1, $2, 'HOLD', 'ETH', 0, 1, 0, 0, 0.5, 'r') RETURNING id`;
      const old = (await h.pg.query(decision, [agentId, new Date(daysAgo(90).getTime() - 1)])).rows[0].id;
      const edge = (await h.pg.query(decision, [agentId, daysAgo(90)])).rows[0].id;
      await h.pg.query(
        `INSERT INTO llm_token_usage (agent_id, decision_id, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
         VALUES ($1, $2, 'deepseek-chat', 1000, 200, 1200, 0.00042)`,
        [agentId, old],
      );
      // 12,001 snapshots past 180 days (three DELETE statements), one within
      await h.pg.query(
        `INSERT INTO agent_performance (agent_id, snapshot_time, total_value, cash_balance, position_value, realized_pnl, unrealized_pnl,
                                        total_pnl)
         SELECT $1, $2::timestamptz - make_interval(mins => i), 1, 1, 0, 0, 0, 0 FROM generate_series(1, 12001) AS i`,
        [agentId, daysAgo(180)],
      );
      await h.pg.query(
        `INSERT INTO agent_performance (agent_id, snapshot_time, total_value, cash_balance, position_value, realized_pnl, unrealized_pnl,
                                        total_pnl) VALUES ($1, $2, 1, 1, 0, 0, 0, 0)`,
        [agentId, daysAgo(179)],
      );
      const trades = await count(`SELECT count(*)::int AS n FROM agent_trades`);

      const result = await job(JobName.BillingRetention);
      expect(result).toEqual([
        { table: 'agent_decisions', before: daysAgo(90).toISOString(), deleted: 1, statements: 1 },
        { table: 'agent_performance', before: daysAgo(180).toISOString(), deleted: 12001, statements: 3 },
        { table: 'events', before: daysAgo(90).toISOString(), deleted: 0, statements: 1 },
        { table: 'wallet_scores', before: daysAgo(180).toISOString(), deleted: 0, statements: 1 },
        { table: 'bias', before: daysAgo(30).toISOString(), deleted: 0, statements: 1 },
        { table: 'market_marks', before: daysAgo(2).toISOString(), deleted: 0, statements: 1 },
        { table: 'positions_archive', before: daysAgo(365).toISOString(), deleted: 0, statements: 1 },
      ]);
      expect((await h.pg.query(`SELECT id FROM agent_decisions WHERE agent_id = $1`, [agentId])).rows).toEqual([{ id: edge }]);
      const usage = (await h.pg.query(`SELECT decision_id, cost_usd FROM llm_token_usage WHERE agent_id = $1`, [agentId])).rows;
      expect(usage).toEqual([{ decision_id: null, cost_usd: '0.00042000' }]);
      expect(await count(`SELECT count(*)::int AS n FROM agent_performance WHERE agent_id = $1`, [agentId])).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM agent_trades`)).toBe(trades);
      expect(await count(`SELECT count(*)::int AS n FROM agent_performance WHERE snapshot_time >= '2026-06-15'`)).toBe(2); // the trader's
    });

    it('prunes market_marks past 2 days, keeping the newest mark of each market however old', async () => {
      await h.pg.query(
        `INSERT INTO market_marks (venue, token_symbol, minute, mark)
         VALUES ('HYPERLIQUID', 'RETA', $1, 2000), ('HYPERLIQUID', 'RETA', $2, 2001), ('HYPERLIQUID', 'RETA', $3, 2002),
                ('OSTIUM', 'RETB', $4, 1), ('OSTIUM', 'RETB', $5, 2)`,
        [daysAgo(4), daysAgo(3), daysAgo(1), daysAgo(10), daysAgo(5)],
      );
      const result = await job(JobName.BillingRetention);
      expect(result.find((r: { table: string }) => r.table === 'market_marks')).toEqual({
        table: 'market_marks',
        before: daysAgo(2).toISOString(),
        deleted: 3,
        statements: 1,
      });
      const left = await h.pg.query(`SELECT token_symbol, mark::text FROM market_marks WHERE token_symbol IN ('RETA', 'RETB') ORDER BY 1`);
      expect(left.rows).toEqual([
        { token_symbol: 'RETA', mark: '2002.00000000' },
        { token_symbol: 'RETB', mark: '2.00000000' },
      ]);
      expect(result.slice(0, 2).map((r: { deleted: number }) => r.deleted)).toEqual([0, 0]); // a second run finds nothing more
    });

    it("keeps seed 003's windows: events 90 days (with their analyses), wallet scores 180, bias 30", async () => {
      const [{ id: walletId }] = (await h.pg.query(`INSERT INTO wallets (address) VALUES ($1) RETURNING id`, [`0x${'9a'.repeat(20)}`]))
        .rows;
      const event = async (fill: string, at: Date) =>
        (
          await h.pg.query(
            `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset) VALUES ($1, $2, '0xabc', $3, 'open', 'ETH')
             RETURNING id`,
            [at, walletId, fill],
          )
        ).rows[0].id as string;
      const oldEvent = await event('1', new Date(daysAgo(90).getTime() - 1));
      await event('2', daysAgo(90));
      await h.pg.query(`INSERT INTO event_analysis (event_id, pattern_matched) VALUES ($1, 'first_trade')`, [oldEvent]);
      for (const at of [new Date(daysAgo(180).getTime() - 1), daysAgo(179)]) {
        await h.pg.query(`INSERT INTO wallet_scores (wallet_id, timestamp, credibility_4h) VALUES ($1, $2, 5)`, [walletId, at]);
      }
      for (const at of [new Date(daysAgo(30).getTime() - 1), daysAgo(29)]) {
        await h.pg.query(`INSERT INTO bias (timestamp, asset, timeframe, value) VALUES ($1, 'ETH', '4h', 0.1)`, [at]);
      }
      const result = await job(JobName.BillingRetention);
      const deleted = Object.fromEntries(result.map((r: { table: string; deleted: number }) => [r.table, r.deleted]));
      expect([deleted.events, deleted.wallet_scores, deleted.bias]).toEqual([1, 1, 1]);
      expect(await count(`SELECT count(*)::int AS n FROM events WHERE wallet_id = $1`, [walletId])).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM event_analysis`)).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM wallet_scores WHERE wallet_id = $1`, [walletId])).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM bias WHERE asset = 'ETH'`)).toBe(1);
    });
  });
});
