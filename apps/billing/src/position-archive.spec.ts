import { DataSource } from 'typeorm';
import { agentPerformance, readBooks } from '@conduit/db';
import { bookFigures } from '@conduit/domain';
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
import { ARCHIVE_BATCH } from './position-archive';

type Job = JobName.BillingDailyPerformance | JobName.BillingRetention | JobName.BillingPnlSnapshot;

/** Seed 003's daily_performance view and the archive of old closed positions, in the billing service on real Postgres and Redis. */
describe('billing: daily performance and the position archive', () => {
  const clock = new ManualClock('2026-06-15T09:40:00.000Z');
  const h = useServiceHarness((env) => BillingAppModule.forRoot(env), {}, { clock });
  let run = 0;
  const job = async (name: Job, data: Record<string, unknown> = {}) => {
    const id = jobId(name, String(++run));
    await h.queues[QueueName.Billing].add(name, data, { jobId: id });
    const done = await waitForJob(h.queues[QueueName.Billing], id);
    expect(done.state).toBe('completed');
    return done.returnvalue;
  };
  const rows = async (sql: string, params: unknown[] = []) => (await h.pg.query(sql, params)).rows;
  const daily = () =>
    rows(
      `SELECT date::text, trading_mode, total_trades, win_rate::text, total_pnl::text, avg_pnl::text, best_trade::text, worst_trade::text,
              avg_holding_time::text FROM daily_performance ORDER BY date, trading_mode`,
    );
  const at = (iso: string) => new Date(iso);
  const hours = (from: string, h: number) => new Date(Date.parse(from) + h * 3_600_000);

  describe('daily_performance', () => {
    let agentId: string;
    let paper: string;
    let live: string;

    beforeAll(async () => {
      agentId = await insertAgent(h.pg);
      paper = await insertDeployment(h.pg, agentId);
      live = await insertDeployment(h.pg, agentId, { trading_mode: 'live' });
      const closed = (deployment: string, pnl: string, closedAt: string, heldHours: number) =>
        insertBookPosition(h.pg, agentId, deployment, {
          qty: '1',
          entry: '100',
          status: 'CLOSED',
          exit: '100',
          pnl,
          closedAt: at(closedAt),
          openedAt: hours(closedAt, -heldHours),
        });
      await closed(paper, '10.5', '2026-06-10T08:00:00Z', 2);
      await closed(paper, '-4.25', '2026-06-10T23:59:59Z', 4);
      await closed(live, '7', '2026-06-10T12:00:00Z', 1);
      await closed(paper, '-3', '2026-06-11T00:00:00Z', 0.5);
      // neither open, pending nor failed positions are trades
      await insertBookPosition(h.pg, agentId, paper, { qty: '1', entry: '100', mark: '150' });
      await insertBookPosition(h.pg, agentId, paper, { qty: '1', entry: '100', status: 'FAILED', closedAt: at('2026-06-10T09:00:00Z') });
    });

    it('refreshes the view: per UTC day and trading mode, exact trades, win rate, PnL and holding time', async () => {
      expect(await daily()).toEqual([]); // populated empty by the migration, not refreshed since
      expect(await job(JobName.BillingDailyPerformance)).toEqual({ rows: 3, concurrently: true });
      expect(await daily()).toEqual([
        {
          date: '2026-06-10',
          trading_mode: 'live',
          total_trades: 1,
          win_rate: '1.0000',
          total_pnl: '7.00000000',
          avg_pnl: '7.0000000000000000',
          best_trade: '7.00000000',
          worst_trade: '7.00000000',
          avg_holding_time: '01:00:00',
        },
        {
          date: '2026-06-10',
          trading_mode: 'paper',
          total_trades: 2,
          win_rate: '0.5000',
          total_pnl: '6.25000000',
          avg_pnl: '3.1250000000000000',
          best_trade: '10.50000000',
          worst_trade: '-4.25000000',
          avg_holding_time: '03:00:00',
        },
        {
          date: '2026-06-11',
          trading_mode: 'paper',
          total_trades: 1,
          win_rate: '0.0000',
          total_pnl: '-3.00000000',
          avg_pnl: '-3.0000000000000000',
          best_trade: '-3.00000000',
          worst_trade: '-3.00000000',
          avg_holding_time: '00:30:00',
        },
      ]);
    });

    it('takes the next close at the next refresh, and refreshes a view never populated without CONCURRENTLY', async () => {
      await insertBookPosition(h.pg, agentId, live, {
        qty: '2',
        entry: '100',
        status: 'CLOSED',
        exit: '90',
        pnl: '-20.12345678',
        closedAt: at('2026-06-11T15:00:00Z'),
        openedAt: at('2026-06-09T15:00:00Z'),
      });
      expect((await daily()).map((r) => r.date + r.trading_mode)).toEqual(['2026-06-10live', '2026-06-10paper', '2026-06-11paper']);
      await h.pg.query(`REFRESH MATERIALIZED VIEW daily_performance WITH NO DATA`);
      expect(await job(JobName.BillingDailyPerformance)).toEqual({ rows: 4, concurrently: false });
      expect(await job(JobName.BillingDailyPerformance)).toEqual({ rows: 4, concurrently: true });
      expect((await daily()).find((r) => r.date === '2026-06-11' && r.trading_mode === 'live')).toEqual({
        date: '2026-06-11',
        trading_mode: 'live',
        total_trades: 1,
        win_rate: '0.0000',
        total_pnl: '-20.12345678',
        avg_pnl: '-20.1234567800000000',
        best_trade: '-20.12345678',
        worst_trade: '-20.12345678',
        avg_holding_time: '2 days',
      });
    });
  });

  describe('positions_archive', () => {
    // RETENTION_POSITIONS_ARCHIVE_DAYS = 365: positions closed before 2025-06-15T09:40:00Z move
    const cutoff = '2025-06-15T09:40:00.000Z';
    const daysBefore = (days: number) => new Date(Date.parse(cutoff) - days * 86_400_000);
    const archive = async () => {
      const results = await job(JobName.BillingRetention);
      return results[results.length - 1];
    };
    const ids = async (table: string) => (await rows(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id as string);
    let ds: DataSource;
    let traderId: string;
    let bookId: string;
    let agentId: string;
    let deploymentId: string;
    let old: { win: string; loss: string; billed: string; pending: string; subscriberWin: string };
    let stay: string[];

    beforeAll(async () => {
      ds = h.app.get(DataSource);
      ({ agentId: traderId, bookId } = await insertTrader(h.pg, { initialBalance: '1000' }));
      const book = (p: Parameters<typeof insertBookPosition>[3]) => insertBookPosition(h.pg, traderId, bookId, p);
      const closed = { qty: '1', entry: '100', status: 'CLOSED' as const, openFee: '0.05', closeFee: '0.05' };
      const win = await book({ ...closed, exit: '150', pnl: '49.9', closedAt: daysBefore(40), openedAt: daysBefore(41) });
      const loss = await book({ ...closed, coin: 'BTC', exit: '80', pnl: '-20.1', closedAt: daysBefore(0.001), openedAt: daysBefore(3) });
      const edge = await book({ ...closed, exit: '110', pnl: '9.9', closedAt: at(cutoff), openedAt: daysBefore(1) });
      const recent = await book({ ...closed, exit: '90', pnl: '-10.1', closedAt: at('2026-06-01T00:00:00Z') });
      const open = await book({ qty: '2', entry: '100', mark: '105', openedAt: daysBefore(500) });
      const failed = await book({ qty: '1', entry: '100', status: 'FAILED', closedAt: daysBefore(400) });

      // a subscriber deployment of another agent, with profit shares: one collected, one failed, one still pending
      agentId = await insertAgent(h.pg);
      deploymentId = await insertDeployment(h.pg, agentId);
      const sub = (p: Parameters<typeof insertBookPosition>[3]) => insertBookPosition(h.pg, agentId, deploymentId, p);
      const subWin = await sub({ ...closed, exit: '200', pnl: '99.9', closedAt: daysBefore(100), openedAt: daysBefore(101) });
      const billed = await sub({ ...closed, exit: '120', pnl: '19.9', closedAt: daysBefore(50), openedAt: daysBefore(52) });
      const pending = await sub({ ...closed, exit: '130', pnl: '29.9', closedAt: daysBefore(60), openedAt: daysBefore(61) });
      const subLoss = await sub({ ...closed, exit: '95', pnl: '-5.1', closedAt: daysBefore(-10), openedAt: daysBefore(-9.5) });
      const bill = (positionId: string, status: string) =>
        h.pg.query(
          `INSERT INTO billing_events_v3 (position_id, deployment_id, kind, amount, status) VALUES ($1, $2, 'PROFIT_SHARE', 1.99, $3)`,
          [positionId, deploymentId, status],
        );
      await bill(subWin.positionId, 'COLLECTED');
      await bill(billed.positionId, 'FAILED');
      await bill(pending.positionId, 'PENDING');
      await h.pg.query(
        `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, position_id) VALUES ($1, $2, 'OPENED', 'executor', $3)`,
        [subWin.signalId, deploymentId, subWin.positionId],
      );
      // the days the PnL snapshots read
      for (const day of ['2025-06-10', '2026-06-15']) await job(JobName.BillingPnlSnapshot, { day });
      old = {
        win: win.positionId,
        loss: loss.positionId,
        billed: billed.positionId,
        pending: pending.positionId,
        subscriberWin: subWin.positionId,
      };
      stay = [edge.positionId, recent.positionId, open.positionId, failed.positionId, pending.positionId, subLoss.positionId];
    });

    /** Everything that reads a closed position's history, as text. */
    const figures = async () => {
      await job(JobName.BillingDailyPerformance);
      const [book] = await readBooks(ds, [traderId]);
      const f = bookFigures(book);
      const p = await agentPerformance(ds.manager, agentId, '10000');
      return JSON.stringify({
        daily: await daily(),
        trades: await rows(`SELECT * FROM agent_trades WHERE agent_id = $1 ORDER BY id`, [traderId]),
        history: await rows(`SELECT * FROM positions_history ORDER BY id`),
        book: { ...f, report: f.report },
        performance: { report: p.report, amounts: p.amounts, realized: p.realized, capital: p.capital },
        snapshots: await rows(`SELECT * FROM pnl_snapshots_v3 ORDER BY deployment_id, day`),
      });
    };

    it('moves closed positions past the configured age whose bills are final; every reader of history sees the same', async () => {
      const before = await figures();
      const result = await archive();
      expect(result).toEqual({ table: 'positions_archive', before: cutoff, deleted: 4, statements: 1 });
      const moved = [old.win, old.loss, old.billed, old.subscriberWin].sort();
      expect(await ids('positions_archive')).toEqual(moved);
      const live = await ids('positions_v3');
      expect(live.filter((id) => moved.includes(id))).toEqual([]);
      expect(live).toEqual(expect.arrayContaining(stay));
      // the same rows, column for column
      expect(await rows(`SELECT * FROM positions_archive WHERE id = $1`, [old.win])).toEqual(
        JSON.parse(before)
          .history.filter((r: { id: string }) => r.id === old.win)
          .map((r: Record<string, unknown>) => ({
            ...r,
            opened_at: new Date(r.opened_at as string),
            closed_at: new Date(r.closed_at as string),
          })),
      );
      // the day's snapshot again, from the archive
      for (const day of ['2025-06-10', '2026-06-15']) await job(JobName.BillingPnlSnapshot, { day });
      expect(await figures()).toEqual(before);
      // bills, orders and outcomes still name the archived positions
      const named = await rows(
        `SELECT (SELECT count(*)::int FROM billing_events_v3 WHERE position_id = ANY($1)) AS bills,
                (SELECT count(*)::int FROM venue_orders WHERE position_id = ANY($1)) AS orders,
                (SELECT count(*)::int FROM signal_outcomes WHERE position_id = ANY($1)) AS outcomes`,
        [moved],
      );
      expect(named).toEqual([{ bills: 2, orders: 8, outcomes: 1 }]);
    });

    it('does nothing more when run again; a bill that is no longer pending lets its position go', async () => {
      expect(await archive()).toMatchObject({ deleted: 0, statements: 1 });
      const before = await figures();
      await h.pg.query(`UPDATE billing_events_v3 SET status = 'COLLECTED' WHERE position_id = $1`, [old.pending]);
      expect(await archive()).toMatchObject({ deleted: 1 });
      expect(await ids('positions_archive')).toContain(old.pending);
      expect(await figures()).toEqual(before);
    });

    it('checks what names a position in either table, with the foreign key error code', async () => {
      const order = (positionId: string, cloid: string) =>
        h.pg.query(
          `INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, position_id, venue, token_symbol, side, qty)
           SELECT $2, p.deployment_id, p.signal_id, $1, 'HYPERLIQUID', 'ETH', 'SELL', 1 FROM positions_history p WHERE p.id = $3`,
          [positionId, cloid, old.win],
        );
      const code = (p: Promise<unknown>) => p.then(() => 'ok').catch((e: { code: string }) => e.code);
      expect(await code(order(old.win, 'archived-position'))).toBe('ok');
      expect(await code(order(stay[0], 'live-position'))).toBe('ok');
      expect(await code(order('00000000-0000-4000-8000-000000000000', 'no-position'))).toBe('23503');
      const rebill = `UPDATE billing_events_v3 SET position_id = gen_random_uuid() WHERE position_id = $1`;
      expect(await code(h.pg.query(rebill, [old.subscriberWin]))).toBe('23503');
    });

    it('moves a large backlog in batches of ARCHIVE_BATCH, oldest first', async () => {
      const backlog = await insertDeployment(h.pg, agentId);
      await h.pg.query(
        `INSERT INTO positions_v3 (deployment_id, venue, token_symbol, side, qty, entry_price, status, exit_price, pnl, opened_at,
                                   closed_at)
         SELECT $1, 'HYPERLIQUID', 'ETH', 'LONG', 1, 100, 'CLOSED', 101, 1, $2::timestamptz - make_interval(mins => i + 60),
                $2::timestamptz - make_interval(mins => i)
           FROM generate_series(1, $3::int) AS i`,
        [backlog, at(cutoff), ARCHIVE_BATCH + 1],
      );
      expect(await archive()).toMatchObject({ deleted: ARCHIVE_BATCH + 1, statements: 2 });
      const [{ n }] = await rows(`SELECT count(*)::int AS n FROM positions_archive WHERE deployment_id = $1`, [backlog]);
      expect(n).toBe(ARCHIVE_BATCH + 1);
    });

    it('leaves positions where they are while positions_archive lacks a column of positions_v3', async () => {
      await h.pg.query(`UPDATE positions_v3 SET closed_at = $1 WHERE id = $2`, [daysBefore(1), stay[1]]);
      await h.pg.query(`ALTER TABLE positions_v3 ADD COLUMN drift_test TEXT`);
      try {
        expect(await archive()).toMatchObject({
          deleted: 0,
          statements: 0,
          skipped: 'positions_archive and positions_v3 differ in drift_test',
        });
        expect(await ids('positions_v3')).toContain(stay[1]);
      } finally {
        await h.pg.query(`ALTER TABLE positions_v3 DROP COLUMN drift_test`);
      }
      expect(await archive()).toMatchObject({ deleted: 1 });
    });
  });
});
