import { INestApplicationContext } from '@nestjs/common';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  HlSimFill,
  HyperliquidSim,
  ManualClock,
  startContext,
  startHyperliquidServer,
  useServiceHarness,
  waitFor,
  waitForJob,
} from '@conduit/testing';
import { SignalAppModule } from '../app.module';
import { WalletPoller } from './wallet-poller';

/**
 * The wallet poller against the local Hyperliquid server (scripted fills, ledgers and accounts, its request weights
 * and 429s) on real Postgres and Redis: each fill one event, across repeated polls, a restart and overlapping reads;
 * the cursor; deposits that do not score; analyse jobs once per event.
 */
const T0 = Date.parse('2026-06-15T12:00:00.000Z');
const MIN = 60_000;
const hash = (n: number) => '0x' + n.toString(16).padStart(64, '0');
const address = (n: number) => '0x' + n.toString(16).padStart(40, '0');

let tid = 500_000;
const fill = (over: Partial<HlSimFill> & Pick<HlSimFill, 'time' | 'hash'>): HlSimFill => ({
  coin: 'BTC',
  px: '60000.0',
  sz: '0.1',
  side: 'B',
  startPosition: '0.0',
  dir: 'Open Long',
  closedPnl: '0.0',
  oid: 9000 + tid,
  crossed: true,
  fee: '2.7',
  tid: tid++,
  feeToken: 'USDC',
  twapId: null,
  ...over,
});

describe('WalletPoller: Hyperliquid fills → events, transfers and scores', () => {
  let sim: HyperliquidSim;
  const overrides: Record<string, string> = {};
  beforeAll(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    overrides.HYPERLIQUID_API_URL = sim.url;
  });
  afterAll(() => sim?.close());
  const clock = new ManualClock(new Date(T0));
  const h = useServiceHarness((env) => SignalAppModule.forRoot(env), overrides, { clock });
  const queue = () => h.queues[QueueName.Signal];

  let n = 0;
  const watch = async (firstSeen = T0 - 60 * MIN) => {
    const addr = address(0xabc000 + ++n);
    const { rows } = await h.pg.query(`INSERT INTO wallets (address, label, first_seen_at) VALUES ($1, $2, $3) RETURNING id`, [
      addr,
      `wallet ${n}`,
      new Date(firstSeen),
    ]);
    sim.scriptAccount(addr, { accountValue: '10000.0' });
    return { id: rows[0].id as string, addr };
  };
  const events = async (walletId: string) =>
    (await h.pg.query(`SELECT * FROM events WHERE wallet_id = $1 ORDER BY timestamp, fill_id`, [walletId])).rows;
  const cursorOf = async (walletId: string) =>
    (await h.pg.query(`SELECT metadata, last_activity FROM wallets WHERE id = $1`, [walletId])).rows[0];
  const scores = async (walletId: string) =>
    (await h.pg.query(`SELECT * FROM wallet_scores WHERE wallet_id = $1 ORDER BY timestamp`, [walletId])).rows;
  let polls = 0;
  /** One poll through the queue (signal.wallet-poll), as the tick would queue it. */
  const poll = async (walletId: string) => {
    const id = jobId(JobName.SignalWalletPoll, walletId, 'test', String(++polls));
    await queue().add(JobName.SignalWalletPoll, { walletId }, { jobId: id });
    const job = await waitForJob(queue(), id);
    expect(job.state).toBe('completed');
    return job.returnvalue;
  };
  const analyseJobs = async () =>
    (await queue().getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])).filter(
      (j) => j.name === JobName.SignalWalletAnalyse,
    );

  it('the tick polls each active wallet; every perp fill is one event, a multi-fill transaction included', async () => {
    const a = await watch();
    const b = await watch();
    const idle = await watch();
    await h.pg.query(`UPDATE wallets SET is_active = false WHERE id = $1`, [idle.id]);
    sim.scriptAccount(a.addr, { accountValue: '20000.0', positions: [{ coin: 'BTC', szi: '0.3', entryPx: '60000.0' }] });
    sim.scriptFills(a.addr, [
      fill({ time: T0 - 90 * MIN, hash: hash(1) }), // before the wallet was watched: not an event
      fill({ time: T0 - 50 * MIN, hash: hash(2) }),
      // one transaction sweeping two levels: two fills, one hash
      fill({ time: T0 - 40 * MIN, hash: hash(3), startPosition: '0.1', sz: '0.15' }),
      fill({ time: T0 - 40 * MIN, hash: hash(3), startPosition: '0.25', sz: '0.05', px: '60010.0' }),
      fill({ time: T0 - 30 * MIN, hash: hash(4), coin: '@107', px: '30.0', sz: '1.0' }), // spot: not an event
    ]);
    sim.scriptFills(b.addr, [
      fill({ time: T0 - 45 * MIN, hash: hash(5), coin: 'ETH', px: '3000.0', sz: '1.0', side: 'A', dir: 'Open Short' }),
      fill({ time: T0 - 20 * MIN, hash: hash(6), coin: 'ETH', px: '2900.0', sz: '1.0', startPosition: '-1.0', closedPnl: '100.0' }),
    ]);

    const tick = await queue().add(JobName.SignalWalletPolls, {}, { jobId: 'wallet-polls-test-1' });
    const done = await waitForJob(queue(), tick.id!);
    expect(done.returnvalue).toEqual({ wallets: 2 });
    for (const w of [a, b]) {
      const job = await waitForJob(queue(), jobId(JobName.SignalWalletPoll, w.id, 'tick', String(done.timestamp)));
      expect(job.state).toBe('completed');
    }
    expect(await queue().getJob(jobId(JobName.SignalWalletPoll, idle.id, 'tick', String(done.timestamp)))).toBeUndefined();

    const ea = await events(a.id);
    expect(ea.map((e) => [e.tx_hash, e.event_type, e.amount, e.is_first_since_watch])).toEqual([
      [hash(2), 'open', '0.1000000000', true],
      [hash(3), 'add', '0.1500000000', false],
      [hash(3), 'add', '0.0500000000', false],
    ]);
    expect(new Set(ea.map((e) => e.fill_id)).size).toBe(3);
    // notional 0.15 × 60,000 = 9,000 of 20,000 equity
    expect(ea[1]).toMatchObject({ asset: 'BTC', notional_usd: '9000.00', size_fraction: '0.4500', venue: 'HYPERLIQUID' });
    const eb = await events(b.id);
    expect(eb.map((e) => [e.event_type, e.realized_pnl])).toEqual([
      ['open', '-2.70000000'],
      ['close', '97.30000000'],
    ]);

    const ca = await cursorOf(a.id);
    // the last fill read (the spot one) moves the cursor; last activity is that fill too
    expect(ca.metadata).toEqual({ hyperliquid: { fills_cursor_ms: T0 - 30 * MIN, ledger_cursor_ms: T0 - 60 * MIN } });
    expect(ca.last_activity.getTime()).toBe(T0 - 30 * MIN);
    expect(await scores(a.id)).toEqual([
      expect.objectContaining({ timestamp: new Date(T0), equity_usd: '20000.00', trading_volume_24h: '18000.50', archetype: 'unknown' }),
    ]);
    expect((await scores(b.id))[0]).toMatchObject({ win_rate: '1.00', trading_volume_24h: '5900.00' });

    // one analyse job per event, under the event's id
    for (const e of [...ea, ...eb]) expect(await queue().getJob(jobId(JobName.SignalWalletAnalyse, e.id))).toBeDefined();
    expect(await analyseJobs()).toHaveLength(5);
  });

  it('polling again, a restarted poller and an overlapping read write nothing twice; the cursor resumes', async () => {
    const w = await watch();
    sim.scriptFills(w.addr, [
      fill({ time: T0 - 30 * MIN, hash: hash(10) }),
      fill({ time: T0 - 10 * MIN, hash: hash(11), startPosition: '0.1' }),
    ]);
    expect(await poll(w.id)).toMatchObject({ events: 2 });
    clock.advance(MIN);
    expect(await poll(w.id)).toMatchObject({ events: 0 }); // the cursor's millisecond is read again, and dropped
    expect(await events(w.id)).toHaveLength(2);

    // a fill in the cursor's own millisecond (another tid) and a later one, read by a new app on the same database
    sim.scriptFills(w.addr, [
      fill({ time: T0 - 10 * MIN, hash: hash(12), startPosition: '0.2' }),
      fill({ time: T0 - 5 * MIN, hash: hash(13), startPosition: '0.3', side: 'A', sz: '0.2', closedPnl: '15.0' }),
    ]);
    let restarted: INestApplicationContext | undefined;
    try {
      restarted = await startContext(SignalAppModule.forRoot(h.env), { clock });
      clock.advance(MIN);
      expect(await restarted.get(WalletPoller).poll(w.id)).toMatchObject({ events: 2 });
    } finally {
      await restarted?.close();
    }
    const stored = await events(w.id);
    expect(stored.map((e) => e.tx_hash)).toEqual([hash(10), hash(11), hash(12), hash(13)]);
    expect(stored.map((e) => e.event_type)).toEqual(['open', 'add', 'add', 'reduce']);
    expect((await cursorOf(w.id)).metadata.hyperliquid.fills_cursor_ms).toBe(T0 - 5 * MIN);

    // the server answers everything again (a cursor set back): every fill is read a second time, none written
    await h.pg.query(`UPDATE wallets SET metadata = '{}'::jsonb WHERE id = $1`, [w.id]);
    clock.advance(MIN);
    expect(await poll(w.id)).toMatchObject({ events: 0 });
    expect(await events(w.id)).toHaveLength(4);
    expect((await cursorOf(w.id)).metadata.hyperliquid.fills_cursor_ms).toBe(T0 - 5 * MIN);
    // a score per poll at the clock's time
    expect((await scores(w.id)).map((s) => s.timestamp.getTime())).toEqual([T0, T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    // analyse jobs: one per event, however often the events were read
    for (const e of stored) expect(await queue().getJob(jobId(JobName.SignalWalletAnalyse, e.id))).toBeDefined();
    const ids = new Set(stored.map((e) => jobId(JobName.SignalWalletAnalyse, e.id)));
    expect((await analyseJobs()).filter((j) => ids.has(j.id!))).toHaveLength(4);
  });

  it('queues one scheduled poll per wallet while an earlier one still waits: ticks do not pile up', async () => {
    const w = await watch();
    await queue().pause();
    try {
      const poller = h.app.get(WalletPoller);
      await poller.pollAll(1001);
      await poller.pollAll(1002);
      const waiting = (await queue().getJobs(['waiting', 'paused', 'prioritized'])).filter(
        (j) => j.name === JobName.SignalWalletPoll && j.data.walletId === w.id,
      );
      expect(waiting.map((j) => j.id)).toEqual([jobId(JobName.SignalWalletPoll, w.id, 'tick', '1001')]);
    } finally {
      await queue().resume();
    }
    await waitForJob(queue(), jobId(JobName.SignalWalletPoll, w.id, 'tick', '1001'));
  });

  it('a deposit in the ledger does not raise credibility: the same trades with and without it score the same', async () => {
    const start = clock.now().getTime();
    const plain = await watch(start - 60 * MIN);
    const deposited = await watch(start - 60 * MIN);
    for (const w of [plain, deposited]) {
      sim.scriptFills(w.addr, [
        fill({ time: start - 50 * MIN, hash: hash(100 + n * 10 + (w === plain ? 1 : 2)), sz: '0.1' }),
        fill({
          time: start - 40 * MIN,
          hash: hash(200 + n * 10 + (w === plain ? 1 : 2)),
          side: 'A',
          startPosition: '0.1',
          px: '61000.0',
          closedPnl: '100.0',
        }),
      ]);
      expect(await poll(w.id)).toMatchObject({ events: 2 });
    }
    // 20 minutes later: one wallet deposited 5,000 (its equity shows it), both traded to +100 on 10,000
    clock.advance(20 * MIN);
    sim.scriptLedger(deposited.addr, [
      { time: clock.now().getTime() - 5 * MIN, hash: hash(999), delta: { type: 'deposit', usdc: '5000.0' } },
    ]);
    sim.scriptAccount(plain.addr, { accountValue: '10100.0' });
    sim.scriptAccount(deposited.addr, { accountValue: '15100.0' });
    for (const w of [plain, deposited]) await poll(w.id);
    const transfers = (await h.pg.query(`SELECT * FROM wallet_transfers WHERE wallet_id = $1`, [deposited.id])).rows;
    expect(transfers).toEqual([expect.objectContaining({ tx_hash: hash(999), transfer_type: 'deposit', net_usdc: '5000.00000000' })]);
    const [a, b] = [(await scores(plain.id)).at(-1), (await scores(deposited.id)).at(-1)];
    expect(b.equity_usd).toBe('15100.00');
    expect([b.credibility_1h, b.credibility_4h, b.credibility_24h]).toEqual([a.credibility_1h, a.credibility_4h, a.credibility_24h]);
    // and the +1 % on 10,000 does raise it above the first score's neutral growth
    expect(Number(a.credibility_1h)).toBeGreaterThan(Number((await scores(plain.id))[0].credibility_1h));
    // the deposit is read once: a second poll writes no transfer
    clock.advance(MIN);
    expect(await poll(deposited.id)).toMatchObject({ transfers: 0 });
  });

  it('backs off on 429 (the server over its limit) and still writes every fill once', async () => {
    const w = await watch(clock.now().getTime() - 60 * MIN);
    const t = clock.now().getTime();
    sim.scriptFills(
      w.addr,
      Array.from({ length: 3 }, (_, i) => fill({ time: t - (30 - i) * MIN, hash: hash(300 + i), startPosition: String(i / 10) })),
    );
    // the server allows 30 a minute (of the clock): the fills (20) pass, the ledger (20) is refused until the minute ends
    clock.advance(2 * MIN); // whatever earlier tests spent has left the server's window and the poller's budget
    sim.limitRequests({ weightPerMinute: 30, now: () => clock.now().getTime() });
    try {
      const poller = h.app.get(WalletPoller);
      let result: unknown;
      const running = poller.poll(w.id).then((r) => (result = r));
      await waitFor('the poll to finish while the clock moves', () => {
        if (result === undefined) clock.advance(5_000);
        return result;
      });
      await running;
      expect(result).toMatchObject({ events: 3 });
      expect(sim.throttled.length).toBeGreaterThan(0);
    } finally {
      sim.limitRequests(null);
    }
    expect((await events(w.id)).map((e) => e.tx_hash)).toEqual([hash(300), hash(301), hash(302)]);
  });
});
