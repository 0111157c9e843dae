import { randomBytes } from 'crypto';
import { assetBias, BiasEvent } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, ManualClock, useServiceHarness, waitForJob } from '@conduit/testing';
import { SignalAppModule } from '../app.module';

/**
 * Without an LLM: the rules analyse events (reading the position's history), and the bias job turns analysed events
 * into bias rows exactly as assetBias does on hand-computed inputs, once per time, then the agents following wallets
 * re-read. Real Postgres and Redis; the clock is the test's.
 */
describe('wallet bias and rules analysis (no LLM)', () => {
  const clock = new ManualClock('2026-06-15T12:00:00.000Z');
  const h = useServiceHarness(
    (env) => SignalAppModule.forRoot(env),
    { SIGNAL_GENERATE_INTERVAL_MS: '0', WALLET_POLL_INTERVAL_MS: '0', WALLET_BIAS_INTERVAL_MS: '0' },
    { clock },
  );
  const queue = () => h.queues[QueueName.Signal];

  let fill = 5000;
  const wallet = async () =>
    (await h.pg.query(`INSERT INTO wallets (address) VALUES ($1) RETURNING id`, [`0x${randomBytes(20).toString('hex')}`])).rows[0]
      .id as string;
  const score = (walletId: string, at: string, c1h: string, c4h: string, c24h: string) =>
    h.pg.query(
      `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_1h, credibility_4h, credibility_24h) VALUES ($1, $2, $3, $4, $5)`,
      [walletId, at, c1h, c4h, c24h],
    );
  const event = async (walletId: string, at: string, fields: Record<string, unknown> = {}) => {
    const row = {
      timestamp: at,
      wallet_id: walletId,
      tx_hash: `0x${randomBytes(32).toString('hex')}`,
      fill_id: String(++fill),
      event_type: 'open',
      asset: 'SOL',
      notional_usd: '1000.00',
      position_before: '0',
      position_after: '1',
      realized_pnl: '0',
      ...fields,
    };
    const cols = Object.keys(row);
    const sql = `INSERT INTO events (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
    return (await h.pg.query(sql, Object.values(row))).rows[0].id as string;
  };
  /** An event with its analysis written directly (the bias reads only bias_impact of it). */
  const analysed = async (walletId: string, at: string, sizeFraction: string | null, impact: string, asset = 'SOL') => {
    const id = await event(walletId, at, { size_fraction: sizeFraction, asset });
    await h.pg.query(`INSERT INTO event_analysis (event_id, bias_impact, analyser) VALUES ($1, $2, 'rules')`, [id, impact]);
    return id;
  };
  const run = async <N extends JobName.SignalWalletAnalyse | JobName.SignalWalletBias>(name: N, data: object, tag: string) => {
    const id = jobId(name, tag);
    await queue().add(name, data, { jobId: id });
    const job = await waitForJob(queue(), id);
    expect(job.state).toBe('completed');
    return job.returnvalue;
  };
  const biasRows = async (asset: string) =>
    (
      await h.pg.query(
        `SELECT timestamp, timeframe, value::text, components, confidence::text FROM bias WHERE asset = $1 ORDER BY timestamp, timeframe`,
        [asset],
      )
    ).rows;

  it('analyses by the rules, adding to a winner from the position history', async () => {
    const w = await wallet();
    await event(w, '2026-06-15T08:00:00Z', { asset: 'ETH', position_after: '1', raw_data: { px: '2000' } });
    await event(w, '2026-06-15T09:00:00Z', {
      asset: 'ETH',
      event_type: 'add',
      position_before: '1',
      position_after: '2',
      raw_data: { px: '2200' },
    });
    // entry 2100; at 2400 the 2 ETH long is 600 up: the add of 1 ETH (25 % of equity) adds to a winner
    const add = await event(w, '2026-06-15T10:00:00Z', {
      asset: 'ETH',
      event_type: 'add',
      amount: '1',
      notional_usd: '2400.00',
      size_fraction: '0.2500',
      position_before: '2',
      position_after: '3',
      raw_data: { px: '2400' },
    });
    expect(await run(JobName.SignalWalletAnalyse, { eventId: add }, `rules-${add}`)).toEqual({
      analyser: 'rules',
      stored: true,
      asset: 'ETH',
    });
    const { rows } = await h.pg.query(`SELECT * FROM event_analysis WHERE event_id = $1`, [add]);
    // 0.4 × 1.5 × min(1, 0.25 / 0.2) = 0.6, long
    expect(rows[0]).toMatchObject({
      llm_classification: 'adding_to_winner',
      llm_confidence: '0.75',
      bias_impact: '0.600',
      pattern_matched: 'rules:adding_to_winner',
      proposed_action: { action: 'OPEN_LONG', asset: 'ETH' },
      analyser: 'rules',
      model: null,
      prompt: null,
      raw_response: null,
      latency_ms: null,
      error: null,
    });
    expect(rows[0].llm_narrative).toContain('unrealized 600.00 USD');
  });

  it('writes the bias per timeframe as assetBias computes it, with each wallet credibility as it stands now', async () => {
    const [a, b, c] = [await wallet(), await wallet(), await wallet()];
    await score(a, '2026-06-15T10:00:00Z', '7.0', '8.0', '9.0');
    await score(a, '2026-06-15T11:50:00Z', '2.0', '2.0', '2.0'); // the latest before now: weighs all of A's events
    await score(a, '2026-06-15T12:10:00Z', '9.9', '9.9', '9.9'); // after now: not yet
    await score(b, '2026-06-15T11:00:00Z', '6.5', '6.5', '6.5'); // c has no score: no weight
    await analysed(a, '2026-06-15T11:45:00Z', '0.2000', '0.600'); // 15 min old
    await analysed(b, '2026-06-15T12:00:00Z', '0.1000', '-0.400'); // now
    await analysed(a, '2026-06-15T10:00:00Z', '0.5000', '0.800'); // 2 h old: 4h and 24h only
    await analysed(c, '2026-06-15T11:30:00Z', '0.3000', '1.000');
    await analysed(a, '2026-06-14T11:00:00Z', '0.5000', '-1.000'); // 25 h old: in no window
    await analysed(a, '2026-06-15T12:30:00Z', '0.5000', '-1.000'); // after now
    await analysed(a, '2026-06-15T11:40:00Z', '0.5000', '-1.000', 'AVAX'); // another asset
    await event(a, '2026-06-15T11:55:00Z', { size_fraction: '0.9000' }); // not analysed yet

    expect(await run(JobName.SignalWalletBias, { asset: 'SOL' }, 'sol')).toEqual({ assets: 1, rows: 3, agents: 0 });
    const rows = await biasRows('SOL');
    const at = (hhmm: string) => new Date(`2026-06-15T${hhmm}:00Z`);
    const input = (walletId: string, time: Date, sizeFraction: string, biasImpact: string, credibility: string): BiasEvent => ({
      walletId,
      time,
      sizeFraction,
      biasImpact,
      credibility,
    });
    const now = clock.now();
    // 1h by hand: w_a = 0.2 × 0.2 × ½ = 0.02 (+0.6), w_b = 0.65 × 0.1 = 0.065 (−0.4), w_c = 0:
    // (0.012 − 0.026) / 0.085 = −0.16471; only b is credible (≥ 6) and agrees: 1 / (1 + 2)
    expect(rows.find((r) => r.timeframe === '1h')).toEqual({
      timestamp: now,
      timeframe: '1h',
      value: '-0.165',
      components: { [a]: '0.2353', [b]: '0.7647', [c]: '0.0000' },
      confidence: '0.33',
    });
    const expected = {
      '4h': assetBias(
        [
          input(a, at('11:45'), '0.2000', '0.600', '2.0'),
          input(b, at('12:00'), '0.1000', '-0.400', '6.5'),
          input(a, at('10:00'), '0.5000', '0.800', '2.0'),
          input(c, at('11:30'), '0.3000', '1.000', '0'),
        ],
        now,
        '4h',
      ),
      '24h': assetBias(
        [
          input(a, at('11:45'), '0.2000', '0.600', '2.0'),
          input(b, at('12:00'), '0.1000', '-0.400', '6.5'),
          input(a, at('10:00'), '0.5000', '0.800', '2.0'),
          input(c, at('11:30'), '0.3000', '1.000', '0'),
        ],
        now,
        '24h',
      ),
    };
    for (const tf of ['4h', '24h'] as const) {
      const row = rows.find((r) => r.timeframe === tf)!;
      expect({ value: row.value, components: row.components, confidence: row.confidence }).toEqual(expected[tf]);
    }
    expect(expected['4h'].value).not.toBe('-0.165'); // the 2 h old event counts there
  });

  it('writes each bias once per time and has the agents following wallets re-read', async () => {
    const following = await insertAgent(h.pg, { name: 'Follows ids', wallet_ids: [await wallet()] });
    const topN = await insertAgent(h.pg, { name: 'Follows the top 3', wallet_top_n: 3 });
    await insertAgent(h.pg, { name: 'Follows posts' });
    await insertAgent(h.pg, { name: 'Empty list', wallet_ids: [] });
    await insertAgent(h.pg, { name: 'Paused follower', wallet_top_n: 3, status: 'PAUSED' });
    await insertAgent(h.pg, { name: 'Trader', wallet_top_n: 3, kind: 'llm_trader' });

    clock.set('2026-06-15T12:05:00.000Z');
    const before = (await biasRows('SOL')).length;
    expect(await run(JobName.SignalWalletBias, { asset: 'SOL' }, 'first')).toEqual({ assets: 1, rows: 3, agents: 2 });
    expect(await run(JobName.SignalWalletBias, { asset: 'SOL' }, 'again')).toEqual({ assets: 1, rows: 0, agents: 2 });
    expect((await biasRows('SOL')).length).toBe(before + 3);
    const stamp = String(clock.now().getTime());
    for (const agent of [following, topN]) {
      const job = await queue().getJob(jobId(JobName.SignalGenerate, agent, 'bias', 'SOL', stamp));
      expect(job?.data).toEqual({ agentId: agent });
    }
    const generated = (await queue().getJobs()).filter((j) => j.name === JobName.SignalGenerate);
    expect(generated).toHaveLength(2); // the second run's jobs had the same ids

    // the schedule: every asset with events in the last 24 hours (SOL, AVAX and ETH of the first case)
    clock.set('2026-06-15T12:10:00.000Z');
    expect(await run(JobName.SignalWalletBias, {}, 'scheduled')).toEqual({ assets: 3, rows: 9, agents: 2 });
    const avax = (await biasRows('AVAX')).map((r) => [r.timeframe, r.value]);
    expect(avax).toEqual([
      ['1h', '-1.000'],
      ['24h', '-1.000'],
      ['4h', '-1.000'],
    ]);
  });
});
