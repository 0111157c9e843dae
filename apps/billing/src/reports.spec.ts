import { randomBytes } from 'crypto';
import { INestApplicationContext } from '@nestjs/common';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, insertDeployment, ManualClock, startContext, useServiceHarness, waitForJob } from '@conduit/testing';
import { BillingAppModule } from './app.module';
import { Reports } from './reports';

/**
 * Reports (issue 15) on real Postgres and Redis: a scripted period of positions, bills and notable events, reported
 * by two billing instances at once (as two replicas would), once per period and type, with exact decimals.
 */
describe('billing reports', () => {
  // 09:30 UTC: the last complete 4h period is 04:00-08:00, the last complete day 14 June.
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  const h = useServiceHarness((env) => BillingAppModule.forRoot(env), { REPORT_WALLET_EVENT_USD: '100000' }, { clock });
  let second: INestApplicationContext;
  const ids: Record<string, string> = {};
  const T = (hhmm: string, day = '2026-06-15') => `${day}T${hhmm}:00.000Z`;

  beforeAll(async () => {
    second = await startContext(BillingAppModule.forRoot(h.env), { clock });
    const one = async (sql: string, params: unknown[]) => (await h.pg.query(sql, params)).rows[0]?.id as string;
    ids.alpha = await insertAgent(h.pg, { name: 'Alpha' });
    ids.beta = await insertAgent(h.pg, { name: 'Beta' });
    ids.d1 = await insertDeployment(h.pg, ids.alpha);
    ids.d2 = await insertDeployment(h.pg, ids.alpha);
    ids.d3 = await insertDeployment(h.pg, ids.beta);
    const signal = (agent: string) =>
      one(
        `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model) VALUES ($1, 'ETH', 'LONG', '{}', '{}') RETURNING id`,
        [agent],
      );
    const position = async (d: string, agent: string, p: Record<string, unknown>) => {
      const row = {
        deployment_id: d,
        signal_id: await signal(agent),
        venue: 'HYPERLIQUID',
        token_symbol: 'ETH',
        side: 'LONG',
        qty: 1,
        entry_price: 2000,
        ...p,
      };
      const cols = Object.keys(row);
      return one(`INSERT INTO positions_v3 (${cols}) VALUES (${cols.map((_, i) => `$${i + 1}`)}) RETURNING id`, Object.values(row));
    };
    const closed = (closedAt: string, pnl: string, extra: Record<string, unknown> = {}) => ({
      status: 'CLOSED',
      opened_at: T('01:00'),
      closed_at: closedAt,
      pnl,
      exit_price: 2000,
      exit_reason: 'TAKE_PROFIT',
      ...extra,
    });
    ids.p1 = await position(ids.d1, ids.alpha, closed(T('05:00'), '27'));
    ids.p2 = await position(ids.d1, ids.alpha, closed(T('06:00'), '-12.5', { token_symbol: 'BTC', side: 'SHORT' }));
    ids.p3 = await position(ids.d3, ids.beta, closed(T('07:30'), '3.125'));
    ids.p4 = await position(ids.d2, ids.alpha, closed(T('08:00'), '100', { opened_at: T('04:30') })); // closes at the end: open then
    ids.p5 = await position(ids.d2, ids.alpha, closed(T('03:59'), '50')); // before the period
    ids.o1 = await position(ids.d3, ids.beta, { status: 'OPEN', opened_at: T('05:00'), qty: 2, current_price: '2010.5' });
    ids.o2 = await position(ids.d2, ids.alpha, { status: 'OPEN', opened_at: T('09:00'), current_price: '2100' }); // after it
    const order = (p: string, d: string, fee: string, status = 'FILLED') =>
      h.pg.query(
        `INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, position_id, venue, token_symbol, side, qty, status, fee)
         SELECT $1, $2, signal_id, id, 'HYPERLIQUID', 'ETH', 'BUY', 1, $4, $3 FROM positions_v3 WHERE id = $5`,
        [randomBytes(8).toString('hex'), d, fee, status, p],
      );
    await order(ids.p1, ids.d1, '0.45');
    await order(ids.p1, ids.d1, '0.55');
    await order(ids.p1, ids.d1, '9', 'REJECTED'); // not a fill: no fee
    await order(ids.p2, ids.d1, '0.30');

    const bill = (
      d: string,
      kind: string,
      amount: string,
      status: string,
      createdAt: string,
      metadata: object = {},
      p: string | null = null,
    ) =>
      one(
        `INSERT INTO billing_events_v3 (deployment_id, position_id, kind, amount, status, created_at, occurred_at, metadata, period_start)
         VALUES ($1, $2, $3::bill_kind_t, $4, $5, $6, $6, $7, CASE WHEN $3::bill_kind_t = 'SUBSCRIPTION' THEN $6::timestamptz END)
         RETURNING id`,
        [d, p, kind, amount, status, createdAt, metadata],
      );
    ids.b1 = await bill(ids.d1, 'PROFIT_SHARE', '5.4', 'COLLECTED', T('05:01'), { collected_at: T('05:02') }, ids.p1);
    ids.b2 = await bill(ids.d2, 'SUBSCRIPTION', '10', 'FAILED', T('03:00'));
    ids.b3 = await bill(ids.d3, 'PROFIT_SHARE', '0.625', 'PENDING', T('07:31'), {}, ids.p3);
    ids.b4 = await bill(ids.d3, 'SUBSCRIPTION', '10', 'PENDING', T('08:00')); // after the period

    const auditAt = (event: string, type: string, subject: string, payload: object, at: string) =>
      h.pg.query(`INSERT INTO audit_logs (action, entity_type, entity_id, payload, occurred_at) VALUES ($1, $2, $3, $4, $5)`, [
        event,
        type,
        subject,
        payload,
        at,
      ]);
    ids.failedSignal = await signal(ids.alpha);
    await auditAt('v3.deployment.kill_switch', 'deployment', ids.d1, { enabled: true, by: '0xabc' }, T('05:30'));
    await auditAt('v3.bill.failed', 'billing_event', ids.b2, { kind: 'SUBSCRIPTION', reason: 'insufficient balance' }, T('06:30'));
    await auditAt('v3.signal.failed', 'signal', ids.failedSignal, { stage: 'router', reason: 'no venue lists DOGE' }, T('04:10'));
    await auditAt('v3.deployment.kill_switch', 'deployment', ids.d2, { enabled: true }, T('08:00')); // after the period
    ids.fanout = await signal(ids.alpha);
    for (const d of [ids.d1, ids.d2])
      await h.pg.query(
        `INSERT INTO signal_outcomes (signal_id, deployment_id, outcome, stage, reason, updated_at)
         VALUES ($1, $2, 'FAILED', 'executor', 'venue rejected', $3)`,
        [ids.fanout, d, T('06:45')],
      );
    await h.pg.query(
      `UPDATE venues_status SET is_available = FALSE, status = 'DOWN', last_error = 'timeout', last_checked = $1 WHERE venue = 'OSTIUM'`,
      [T('07:00')],
    );
    ids.wallet = await one(`INSERT INTO wallets (address, label) VALUES ($1, 'Whale') RETURNING id`, [`0x${'ab'.repeat(20)}`]);
    const event = (at: string, type: string, notional: string) =>
      h.pg.query(
        `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, notional_usd)
         VALUES ($1, $2, $3, '1', $4, 'BTC', $5)`,
        [at, ids.wallet, `0x${randomBytes(32).toString('hex')}`, type, notional],
      );
    await event(T('05:15'), 'open', '250000');
    await event(T('05:20'), 'add', '5000'); // small
    await event(T('06:10'), 'liquidation', '1000'); // small, but a liquidation
    await event(T('08:30'), 'open', '500000'); // after the period
    const bias = (at: string, asset: string, timeframe: string, value: string) =>
      h.pg.query(`INSERT INTO bias (timestamp, asset, timeframe, value) VALUES ($1, $2, $3, $4)`, [at, asset, timeframe, value]);
    await bias(T('03:00'), 'BTC', '4h', '0.400');
    await bias(T('06:00'), 'BTC', '4h', '-0.250');
    await bias(T('06:00'), 'ETH', '24h', '-0.5'); // another timeframe
    await bias(T('07:00'), 'ETH', '24h', '0.5');
  });
  afterAll(async () => {
    await second?.close();
  });

  const reports = async () => (await h.pg.query(`SELECT * FROM reports ORDER BY report_type, period_start`)).rows as Record<string, any>[];

  it('writes one report per period and type while two billing instances run the job at once', async () => {
    const q = h.queues[QueueName.Billing];
    const jobs = Array.from({ length: 6 }, (_, i) => jobId(JobName.BillingReports, 'test', String(i)));
    await Promise.all([
      ...jobs.map((id) => q.add(JobName.BillingReports, {}, { jobId: id })),
      h.app.get(Reports).run({}),
      second.get(Reports).run({}),
    ]);
    const done = await Promise.all(jobs.map((id) => waitForJob(q, id)));
    expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'completed'));
    const rows = await reports();
    expect(rows.map((r) => [r.report_type, r.period_start.toISOString(), r.period_end.toISOString()])).toEqual([
      ['4h', '2026-06-15T04:00:00.000Z', '2026-06-15T08:00:00.000Z'],
      ['daily', '2026-06-14T00:00:00.000Z', '2026-06-15T00:00:00.000Z'],
    ]);
    // Undelivered: the hook notifications delivers from.
    expect(rows.map((r) => [r.delivered_at, r.push_sent])).toEqual([
      [null, false],
      [null, false],
    ]);
    const created = (await h.pg.query(`SELECT entity_id FROM audit_logs WHERE action = 'v3.report.created' ORDER BY entity_id`)).rows;
    expect(created.map((r) => r.entity_id)).toEqual(rows.map((r) => r.id).sort());
    // Each later run finds them written.
    const again = await second.get(Reports).run({});
    expect(again.map((o) => [o.report_type, o.created, o.report_id])).toEqual([
      ['4h', false, rows[0].id],
      ['daily', false, rows[1].id],
    ]);
  });

  it('reports the scripted period exactly: PnL per agent and deployment, trades, win rate, best and worst, fees, bills', async () => {
    const [r] = await reports();
    // realized 27 − 12.5 + 3.125 = 17.625; fees 0.45 + 0.55 + 0.30 = 1.30; 2 won of 3.
    expect(r.metrics).toEqual({
      report_type: '4h',
      period_start: '2026-06-15T04:00:00.000Z',
      period_end: '2026-06-15T08:00:00.000Z',
      trades: { closed: 3, wins: 2, losses: 1, breakeven: 0, win_rate: '0.6667' },
      realized_pnl: '17.62500000',
      fees: '1.30000000',
      // o1: (2010.5 − 2000) × 2 = 21; p4 was open at 08:00 (closed then) without a mark.
      open_positions: { count: 2, unrealized_pnl: '21.00000000' },
      best_trade: expect.objectContaining({ position_id: ids.p1, pnl: '27.00000000', agent_name: 'Alpha' }),
      worst_trade: expect.objectContaining({ position_id: ids.p2, pnl: '-12.50000000', side: 'SHORT', token_symbol: 'BTC' }),
      agents: [
        {
          agent_id: ids.alpha,
          name: 'Alpha',
          trades: 2,
          wins: 1,
          losses: 1,
          win_rate: '0.5000',
          realized_pnl: '14.50000000',
          fees: '1.30000000',
        },
        {
          agent_id: ids.beta,
          name: 'Beta',
          trades: 1,
          wins: 1,
          losses: 0,
          win_rate: '1.0000',
          realized_pnl: '3.12500000',
          fees: '0.00000000',
        },
      ],
      deployments: [
        expect.objectContaining({ deployment_id: ids.d1, trades: 2, realized_pnl: '14.50000000', fees: '1.30000000', open_positions: 0 }),
        expect.objectContaining({
          deployment_id: ids.d3,
          trades: 1,
          realized_pnl: '3.12500000',
          open_positions: 1,
          unrealized_pnl: '21.00000000',
        }),
        expect.objectContaining({
          deployment_id: ids.d2,
          trades: 0,
          realized_pnl: '0.00000000',
          open_positions: 1,
          unrealized_pnl: '0.00000000',
        }),
      ],
      // created: 5.4 + 0.625; collected: 5.4; failed: the subscription billed before the period, failed in it.
      bills: {
        created: { count: 2, amount: '6.02500000' },
        collected: { count: 1, amount: '5.40000000' },
        failed: { count: 1, amount: '10.00000000' },
      },
      notable_events: 8,
    });
    expect(r.notable_events.map((e: any) => [e.at.slice(11, 16), e.kind, e.subject])).toEqual([
      ['04:10', 'signal_failed', ids.failedSignal],
      ['05:15', 'wallet_event', `0x${'ab'.repeat(20)}`],
      ['05:30', 'kill_switch', ids.d1],
      ['06:00', 'bias_flip', 'BTC'],
      ['06:10', 'wallet_event', `0x${'ab'.repeat(20)}`],
      ['06:30', 'bill_failed', ids.b2],
      ['06:45', 'outcome_failed', ids.fanout],
      ['07:00', 'venue_down', 'OSTIUM'],
    ]);
    expect(r.notable_events[1].detail).toBe('Whale open BTC (250000.00 USD)');
    expect(r.notable_events[6].detail).toBe(`signal ${ids.fanout}: 2 deployment(s) failed at executor: venue rejected`);
    expect(r.summary_markdown).toContain('# Conduit 4-hour report: 2026-06-15 04:00 UTC to 2026-06-15 08:00 UTC');
    expect(r.summary_markdown).toContain('- Trades closed: 3 (2 won, 1 lost, 0 even; win rate 66.67%)');
    expect(r.summary_markdown).toContain('- Realized PnL: 17.62500000 USDC');
    expect(r.summary_markdown).toContain('| created | 2 | 6.02500000 |');
    expect(r.summary_markdown).toContain('- 2026-06-15 06:00 UTC bias flip: BTC 4h bias flipped long to short (0.400 to -0.250)');
  });

  it('reports a day without trades with zeros', async () => {
    const [, daily] = await reports();
    expect(daily.metrics).toMatchObject({ trades: { closed: 0, win_rate: null }, realized_pnl: '0.00000000', notable_events: 1 });
    // venues_status has no history: a venue down at a check made within the day after the period is listed with its time.
    expect(daily.notable_events).toEqual([
      { at: '2026-06-15T07:00:00.000Z', kind: 'venue_down', subject: 'OSTIUM', detail: 'OSTIUM DOWN at its latest check: timeout' },
    ]);
  });

  it('writes a named period on request, once; a period that has not ended is skipped', async () => {
    const q = h.queues[QueueName.Billing];
    const id = jobId(JobName.BillingReports, '4h', '2026-06-15T00-00');
    await q.add(JobName.BillingReports, { type: '4h', periodStart: '2026-06-15T00:00:00.000Z' }, { jobId: id });
    const job = await waitForJob(q, id);
    expect(job.returnvalue).toEqual([
      expect.objectContaining({ report_type: '4h', period_start: '2026-06-15T00:00:00.000Z', created: true }),
    ]);
    const running = await h.app.get(Reports).run({ type: '4h', periodStart: '2026-06-15T08:00:00.000Z' });
    expect(running).toEqual([expect.objectContaining({ created: false, report_id: null, skipped: 'the period has not ended' })]);
    expect((await reports()).map((r) => `${r.report_type} ${r.period_start.toISOString()}`)).toEqual([
      '4h 2026-06-15T00:00:00.000Z',
      '4h 2026-06-15T04:00:00.000Z',
      'daily 2026-06-14T00:00:00.000Z',
    ]);
  });

  it('refuses a second row for the same type and period, and an unknown type, in the schema itself', async () => {
    await expect(
      h.pg.query(
        `INSERT INTO reports (report_type, period_start, period_end) VALUES ('4h', '2026-06-15T04:00:00Z', '2026-06-15T08:00:00Z')`,
      ),
    ).rejects.toThrow(/uq_reports_type_period/);
    await expect(
      h.pg.query(
        `INSERT INTO reports (report_type, period_start, period_end) VALUES ('weekly', '2026-06-15T04:00:00Z', '2026-06-15T08:00:00Z')`,
      ),
    ).rejects.toThrow(/ck_reports_type/);
  });
});
