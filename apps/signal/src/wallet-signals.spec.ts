import { randomBytes } from 'crypto';
import { sixHourBucket } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { insertAgent, ManualClock, useServiceHarness, waitForJob } from '@conduit/testing';
import { SignalAppModule } from './app.module';
import { bucketSignalId } from './generation';

/**
 * Agent What reading the wallets an agent follows (issue 14), on real Postgres and Redis: wallets, scores, events and
 * analyses inserted directly; the agent's own bias per token (docs/WALLETS.md "Signals") becomes a signal naming its
 * wallets and events, or a logged HOLD.
 */
describe('Agent What: signals from followed wallets', () => {
  const clock = new ManualClock('2026-06-15T08:30:00.000Z');
  const h = useServiceHarness((env) => SignalAppModule.forRoot(env), { SIGNAL_GENERATE_INTERVAL_MS: '0' }, { clock });
  const queue = () => h.queues[QueueName.Signal];
  const at = (agoMs = 0) => new Date(clock.now().getTime() - agoMs);

  /** A watched wallet with its 4h credibility scored an hour ago. */
  const wallet = async (credibility4h: string) => {
    const address = `0x${randomBytes(20).toString('hex')}`;
    const [{ id }] = (await h.pg.query(`INSERT INTO wallets (address, label) VALUES ($1, 'whale') RETURNING id`, [address])).rows;
    await h.pg.query(
      `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_1h, credibility_4h, credibility_24h) VALUES ($1, $2, 1, $3, 1)`,
      [id, at(3_600_000), credibility4h],
    );
    return { id: id as string, address };
  };
  /** An analysed event of the wallet on an asset, at the clock's now unless said otherwise. */
  const move = async (walletId: string, asset: string, sizeFraction: string, biasImpact: string, agoMs = 0) => {
    const [{ id }] = (
      await h.pg.query(
        `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, amount, notional_usd, size_fraction)
         VALUES ($1, $2, $3, $4, 'open', $5, 1, 1000, $6) RETURNING id`,
        [at(agoMs), walletId, `0x${randomBytes(32).toString('hex')}`, String(Math.floor(Math.random() * 1e12)), asset, sizeFraction],
      )
    ).rows;
    await h.pg.query(`INSERT INTO event_analysis (event_id, llm_classification, bias_impact) VALUES ($1, 'routine', $2)`, [id, biasImpact]);
    return id as string;
  };
  let run = 0;
  const generate = async (agentId: string) => {
    const id = jobId(JobName.SignalGenerate, agentId, 'wallets', String(++run));
    await queue().add(JobName.SignalGenerate, { agentId }, { jobId: id });
    const job = await waitForJob(queue(), id);
    expect(job.state).toBe('completed');
    return job.returnvalue as { signals: string[]; holds: number };
  };
  const signal = async (agentId: string, token: string) =>
    (await h.pg.query(`SELECT * FROM signals_v3 WHERE id = $1`, [bucketSignalId(agentId, token, sixHourBucket(clock.now()))])).rows[0];
  const decisions = async (agentId: string) =>
    (await h.pg.query(`SELECT * FROM agent_decisions WHERE agent_id = $1 AND source_type = 'aggregate' ORDER BY timestamp, id`, [agentId]))
      .rows;

  it('follows a wallet by its address: a crossing bias emits a signal below the confidence threshold, naming the wallet', async () => {
    const a = await wallet('8.0');
    const event = await move(a.id, 'ETH', '0.5', '0.6');
    // mixed case: addresses are matched in any case
    const agentId = await insertAgent(h.pg, { wallet_ids: [a.address.toUpperCase().replace('0X', '0x')] });

    // w = 0.8 × 0.5 = 0.4; value 0.600 ≥ 0.3; one credible voice: confidence 0.33; strength 0.6 × 1.33 / 2 = 0.399 < 0.6
    const out = await generate(agentId);
    expect(out).toEqual({ signals: [bucketSignalId(agentId, 'ETH', sixHourBucket(clock.now()))], holds: 0 });
    const s = await signal(agentId, 'ETH');
    expect(s).toMatchObject({
      side: 'LONG',
      status: 'PENDING',
      source_wallets: [a.id],
      source_events: [event],
      signal_wallet_id: a.id,
      source_tweets: null,
      source_research: null,
      confidence: 0.4,
    });
    // at the threshold's floor: 5% margin at 1x
    expect(s.size_model).toEqual({ type: 'percentage', value: 5, leverage: 1 });
    expect(await h.queues[QueueName.Policy].getJob(jobId(JobName.PolicyEvaluate, s.id))).toBeDefined();

    const [logged] = await decisions(agentId);
    expect(logged).toMatchObject({ action: 'OPEN_LONG', coin: 'ETH', signal_id: s.id, confidence: '0.40' });
    expect(logged.reasoning).toContain(`wallet bias 0.600 ≥ 0.300 over 4h (confidence 0.33; ${a.address} 1.0000)`);
    expect(logged.reasoning).toContain('wallet gate, signal 5% at 1x');
    expect(logged.parsed_result.wallet_bias).toEqual({
      asset: 'ETH',
      timeframe: '4h',
      value: '0.600',
      confidence: '0.33',
      threshold: '0.300',
      side: 'LONG',
      strength: 0.399,
      components: { [a.id]: '1.0000' },
      addresses: { [a.id]: a.address },
      events: [event],
      gate: 'wallet',
    });

    // a repeat in the same bucket, even with a new move: the bucket's signal is out, nothing new is emitted or logged
    await move(a.id, 'ETH', '0.5', '0.9');
    expect(await generate(agentId)).toEqual({ signals: [], holds: 0 });
    expect((await h.pg.query(`SELECT count(*)::int AS n FROM signals_v3 WHERE agent_id = $1`, [agentId])).rows[0].n).toBe(1);
    expect(await decisions(agentId)).toHaveLength(1);
  });

  it('follows wallets by id: two credible wallets selling make a SHORT naming both, the larger share first', async () => {
    const a = await wallet('8.0');
    const b = await wallet('7.0');
    const ea = await move(a.id, 'kPEPE', '0.5', '-0.8');
    const eb = await move(b.id, 'kPEPE', '0.25', '-0.4');
    const agentId = await insertAgent(h.pg, { wallet_ids: [a.id, b.id] });

    // wA = 0.4, wB = 0.7 × 0.25 = 0.175; value = (−0.32 − 0.07) / 0.575 = −0.678; both agree: 2 / 4 = 0.50
    await generate(agentId);
    const s = await signal(agentId, 'kPEPE');
    expect(s).toMatchObject({ token_symbol: 'kPEPE', side: 'SHORT', source_wallets: [a.id, b.id], signal_wallet_id: a.id });
    expect([...s.source_events].sort()).toEqual([ea, eb].sort());
    const [logged] = await decisions(agentId);
    expect(logged.action).toBe('OPEN_SHORT');
    expect(logged.parsed_result.wallet_bias).toMatchObject({
      value: '-0.678',
      confidence: '0.50',
      components: { [a.id]: '0.6957', [b.id]: '0.3043' },
      strength: 0.5085,
    });
    expect(logged.reasoning).toContain(`wallet bias -0.678 ≥ 0.300 over 4h (confidence 0.50; ${a.address} 0.6957, ${b.address} 0.3043)`);
  });

  it('holds, logged, when the bias stays below the threshold (the env default or the agent own)', async () => {
    const a = await wallet('8.0');
    await move(a.id, 'SOL', '0.5', '0.2');
    const c = await wallet('8.0');
    await move(c.id, 'AVAX', '0.5', '0.6');
    const byDefault = await insertAgent(h.pg, { wallet_ids: [a.address] });
    const strict = await insertAgent(h.pg, { wallet_ids: [c.address], wallet_bias_threshold: '0.75' });

    expect(await generate(byDefault)).toEqual({ signals: [], holds: 1 });
    expect(await generate(strict)).toEqual({ signals: [], holds: 1 });
    expect(await signal(byDefault, 'SOL')).toBeUndefined();
    expect(await signal(strict, 'AVAX')).toBeUndefined();
    const [sol] = await decisions(byDefault);
    expect(sol).toMatchObject({ action: 'HOLD', coin: 'SOL', signal_id: null, confidence: '0.00' });
    expect(sol.reasoning).toBe(
      `no side: LONG support 0 vs SHORT 0; wallet bias 0.200 below the threshold 0.300 over 4h (confidence 0.33; ${a.address} 1.0000)`,
    );
    expect(sol.parsed_result.wallet_bias).toMatchObject({ value: '0.200', side: null, strength: 0, components: { [a.id]: '1.0000' } });
    const [avax] = await decisions(strict);
    expect(avax.reasoning).toContain('wallet bias 0.600 below the threshold 0.750');

    // the same evidence re-read is the same decision, logged once
    expect(await generate(byDefault)).toEqual({ signals: [], holds: 1 });
    expect(await decisions(byDefault)).toHaveLength(1);
  });

  it('follows the watchlist top N by 4h credibility, leaves out unanalysed, stale and inactive wallets', async () => {
    const top = await wallet('9.9');
    const second = await wallet('9.8');
    const idle = await wallet('10.0');
    await h.pg.query(`UPDATE wallets SET is_active = false WHERE id = $1`, [idle.id]);
    const e1 = await move(top.id, 'BTC', '0.5', '0.5');
    await move(top.id, 'BTC', '0.5', '-1', 5 * 3_600_000); // older than the 4h window
    await move(second.id, 'BTC', '0.5', '-0.9');
    await move(idle.id, 'BTC', '0.5', '-0.9');
    // a move not yet analysed is not read
    await h.pg.query(
      `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, size_fraction)
       VALUES ($1, $2, $3, '1', 'open', 'BTC', 0.5)`,
      [at(), top.id, `0x${randomBytes(32).toString('hex')}`],
    );
    const agentId = await insertAgent(h.pg, { wallet_top_n: 1 });

    await generate(agentId);
    const s = await signal(agentId, 'BTC');
    expect(s).toMatchObject({ side: 'LONG', source_wallets: [top.id], source_events: [e1], signal_wallet_id: top.id });

    // top 2 adds the second wallet's sale: (0.495 × 0.5 − 0.49 × 0.9) / 0.985 = −0.196, shares 0.5025 and 0.4975:
    // SHORT past the agent's 0.15, named after the seller although the buyer's share is larger
    const two = await insertAgent(h.pg, { wallet_top_n: 2, wallet_bias_threshold: '0.15' });
    await generate(two);
    expect(await signal(two, 'BTC')).toMatchObject({ side: 'SHORT', source_wallets: [top.id, second.id], signal_wallet_id: second.id });
    expect((await decisions(two))[0].parsed_result.wallet_bias).toMatchObject({
      value: '-0.196',
      components: { [top.id]: '0.5025', [second.id]: '0.4975' },
    });
  });

  it('reads no wallets when the agent weighs them 0', async () => {
    const a = await wallet('8.0');
    await move(a.id, 'DOGE', '0.5', '0.9');
    const agentId = await insertAgent(h.pg, { wallet_ids: [a.id], weights: { wallets: 0 } });
    expect(await generate(agentId)).toEqual({ signals: [], holds: 0 });
  });
});
