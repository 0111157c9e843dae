import { Queue } from 'bullmq';
import { ExchangeClient, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { Wallet } from 'ethers';
import { assetBias, BiasEvent, dec, sixHourBucket } from '@conduit/domain';
import { JobName, jobId, QueueName, redisOptions } from '@conduit/queue';
import {
  adminAuth,
  http,
  HyperliquidSim,
  ManualClock,
  startContext,
  startHyperliquidServer,
  waitFor,
  waitForJob,
  waitForQueuesToDrain,
  WalletClient,
} from '@conduit/testing';
import { SignalAppModule } from '../apps/signal/src/app.module';
import { bucketSignalId } from '../apps/signal/src/generation';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * Smart money end to end (issue 14): two wallets trade BTC on the local Hyperliquid (signed orders, real fills); the
 * six services poll them through the info API (weights charged at Hyperliquid's limit), write each fill once as an
 * event, analyse it, score the wallets and keep the bias; an agent following both emits a signal that opens its
 * subscriber's position, which names the wallet. Then a restarted signal service and repeated polls write nothing
 * twice, and a deposit does not raise credibility.
 */
describe('end to end: watched wallets trade, their bias opens a position that names the wallet', () => {
  const clock = new ManualClock(new Date());
  let sim: HyperliquidSim;
  let apps: PipelineApps;
  let signalQueue: Queue;
  let info: InfoClient;
  const traders = [new Wallet(Wallet.createRandom().privateKey), new Wallet(Wallet.createRandom().privateKey)];
  const addresses = traders.map((t) => t.address.toLowerCase());
  const walletIds: string[] = [];
  let agentId: string;
  let deploymentId: string;

  beforeAll(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    sim.limitRequests({ weightPerMinute: 1200 });
    apps = await startPipelineApps({ HYPERLIQUID_API_URL: sim.url }, { clock });
    signalQueue = new Queue(QueueName.Signal, { connection: redisOptions(apps.env.REDIS_URL), prefix: apps.env.QUEUE_PREFIX });
    info = new InfoClient({ transport: new HttpTransport({ apiUrl: sim.url, isTestnet: true }) });
    await apps.pg.query(`UPDATE venue_markets SET current_price = $1 WHERE token_symbol = 'BTC'`, [(await info.allMids()).BTC]);
  });
  afterAll(async () => {
    await signalQueue?.close();
    await apps?.close();
    await sim?.close();
  });

  const until = <T>(what: string, check: () => Promise<T | null | undefined>) => waitFor(what, check, { timeoutMs: 20_000, everyMs: 25 });
  const all = async (sql: string, params: unknown[] = []) => (await apps.pg.query(sql, params)).rows;
  const one = async (sql: string, params: unknown[] = []) => (await all(sql, params))[0];

  /** A market buy (or sell) of `size` BTC: an IOC limit 1% through the mid, signed by the trader itself. */
  const trade = async (trader: Wallet, buy: boolean, size: string) => {
    const mid = dec((await info.allMids()).BTC);
    const limit = (buy ? mid.mul('1.01') : mid.mul('0.99')).toDecimalPlaces(0).toFixed();
    const exchange = new ExchangeClient({ transport: new HttpTransport({ apiUrl: sim.url, isTestnet: true }), wallet: trader });
    await exchange.order({
      orders: [{ a: sim.assetIndex('BTC'), b: buy, p: limit, s: size, r: false, t: { limit: { tif: 'Ioc' } } }],
      grouping: 'na',
    });
  };
  let polls = 0;
  /** One signal.wallet-poll of a wallet, as the schedule queues it, at the clock's time (moved to the venue's now). */
  const poll = async (walletId: string) => {
    clock.set(new Date());
    const id = jobId(JobName.SignalWalletPoll, walletId, 'e2e', String(++polls));
    await signalQueue.add(JobName.SignalWalletPoll, { walletId }, { jobId: id });
    const job = await waitForJob(signalQueue, id);
    expect(job.state).toBe('completed');
    return job.returnvalue;
  };
  const fillsOf = async (address: string) => (await info.userFills({ user: address as `0x${string}` })).filter((f) => f.coin === 'BTC');
  const eventsOf = (walletId: string) =>
    all(`SELECT id, tx_hash, fill_id, event_type, asset, amount::text FROM events WHERE wallet_id = $1 ORDER BY timestamp, fill_id`, [
      walletId,
    ]);
  const latestScore = (walletId: string) =>
    one(
      `SELECT timestamp, credibility_1h::text, credibility_4h::text, credibility_24h::text, equity_usd::text
         FROM wallet_scores WHERE wallet_id = $1 ORDER BY timestamp DESC LIMIT 1`,
      [walletId],
    );

  it('watches two wallets and an agent that follows them, with a subscriber', async () => {
    const { api, env } = apps;
    for (const [i, address] of addresses.entries()) {
      sim.fund(address, '10000');
      const r = await http('POST', `${api}/api/v3/wallets`, { address, label: `Whale ${'AB'[i]}`, tags: ['e2e'] }, adminAuth(env));
      expect(r.status).toBe(201);
      walletIds.push(r.body.wallet.id);
    }
    const creator = WalletClient.random(api);
    const created = await creator.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: creator.address,
      name: 'Smart Money Follower',
      wallet_ids: addresses,
      wallet_bias_threshold: '0.3',
      weights: { x: 0, research: 0, wallets: 1 },
      profit_receiver_address: creator.address,
    });
    expect(created.status).toBe(201);
    agentId = created.body.agent.id;
    expect((await creator.http('POST', `${api}/api/v3/agents/${agentId}/activate`)).status).toBe(200);
    const subscriber = WalletClient.random(api);
    const d = await subscriber.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agentId, user_wallet: subscriber.address });
    expect(d.status).toBe(201);
    deploymentId = d.body.deployment.id;
  });

  it('turns each fill into one event, analyses it, scores the wallets, and the bias opens a position naming the wallet', async () => {
    // A buys 0.1 BTC (about 30% of its equity), B 0.06 (about 18%)
    await trade(traders[0], true, '0.1');
    await trade(traders[1], true, '0.06');
    for (const id of walletIds) await poll(id);

    for (const [i, id] of walletIds.entries()) {
      const fills = await fillsOf(addresses[i]);
      expect(fills.length).toBeGreaterThan(0);
      const events = await eventsOf(id);
      expect(events.map((e) => `${e.tx_hash}:${e.fill_id}`).sort()).toEqual(fills.map((f) => `${f.hash}:${f.tid}`).sort());
      expect(events.reduce((sum, e) => sum.plus(e.amount), dec(0)).toFixed()).toBe(i === 0 ? '0.1' : '0.06');
      expect(events[0].event_type).toBe('open');
    }
    // every event analysed once (rules: no LLM configured), then the bias and the agent's signal
    const signalId = bucketSignalId(agentId, 'BTC', sixHourBucket(clock.now()));
    const signal = await until('the wallet signal to settle', () =>
      one(`SELECT * FROM signals_v3 WHERE id = $1 AND status IN ('EXECUTED', 'FAILED', 'SKIPPED')`, [signalId]),
    );
    await waitForQueuesToDrain(apps.env);
    const analyses = await all(`SELECT a.event_id, a.analyser FROM event_analysis a JOIN events e ON e.id = a.event_id`);
    expect(analyses.length).toBe((await all(`SELECT id FROM events`)).length);
    expect(new Set(analyses.map((a) => a.analyser))).toEqual(new Set(['rules']));

    // the bias is the formula over what the tables hold: each analysed event, its wallet's credibility now
    const bias = await one(`SELECT timestamp, value::text, components, confidence::text FROM bias
                             WHERE asset = 'BTC' AND timeframe = '4h' ORDER BY timestamp DESC LIMIT 1`);
    expect({ value: bias.value, components: bias.components, confidence: bias.confidence }).toEqual(
      assetBias(await biasInputs(new Date(bias.timestamp)), new Date(bias.timestamp), '4h'),
    );
    expect(dec(bias.value).gte('0.3')).toBe(true);

    // A bought more of its equity than B: the larger share names the position
    expect(signal).toMatchObject({ status: 'EXECUTED', side: 'LONG', token_symbol: 'BTC', signal_wallet_id: walletIds[0] });
    // the first bias over the threshold signals (one signal per bucket): A's alone, or A's and B's if B's analysis came first
    expect(signal.source_wallets).toContain(walletIds[0]);
    expect(walletIds).toEqual(expect.arrayContaining(signal.source_wallets));
    const position = await one(`SELECT id, signal_wallet_id, status FROM positions_v3 WHERE signal_id = $1 AND deployment_id = $2`, [
      signalId,
      deploymentId,
    ]);
    expect(position).toMatchObject({ status: 'OPEN', signal_wallet_id: walletIds[0] });
    const view = await one(`SELECT signal_wallet, wallet_credibility::text, current_bias::text FROM active_positions_view WHERE id = $1`, [
      position.id,
    ]);
    expect(view).toEqual({
      signal_wallet: addresses[0],
      wallet_credibility: (await latestScore(walletIds[0])).credibility_4h,
      current_bias: bias.value,
    });
    const read = await http('GET', `${apps.api}/api/v3/wallets/${walletIds[0]}`);
    expect(read.body.wallet).toMatchObject({ address: addresses[0] });
    const analysis = await http('GET', `${apps.api}/api/v3/events/${(await eventsOf(walletIds[0]))[0].id}/analysis`);
    expect(analysis.status).toBe(200);
    expect(analysis.body.analysis).toMatchObject({ analyser: 'rules', pattern_matched: 'rules:first_since_watch' });
  });

  it('writes nothing twice across a restarted signal service and repeated polls; a new fill is one more event', async () => {
    const before = await eventsOf(walletIds[0]);
    // the signal service stops and a new one starts on the same database and queues
    await apps.workers[0].close();
    apps.workers[0] = await startContext(SignalAppModule.forRoot(apps.env), { clock });
    await poll(walletIds[0]);
    await poll(walletIds[0]); // the cursor's millisecond is read again: a repeated page
    expect(await eventsOf(walletIds[0])).toEqual(before);

    await trade(traders[0], true, '0.01');
    await poll(walletIds[0]);
    await poll(walletIds[0]);
    const after = await eventsOf(walletIds[0]);
    const fills = await fillsOf(addresses[0]);
    expect(after.length).toBe(fills.length);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => e.event_type)).toEqual(after.slice(before.length).map(() => 'add'));
    await waitForQueuesToDrain(apps.env);
    expect((await all(`SELECT event_id FROM event_analysis`)).length).toBe((await all(`SELECT id FROM events`)).length);
  });

  it('scores a deposit as no gain: credibility stays, equity shows it', async () => {
    const b = walletIds[1];
    await poll(b);
    const before = await latestScore(b);
    sim.fund(addresses[1], '5000');
    sim.scriptLedger(addresses[1], [{ time: Date.now(), hash: `0x${'d0'.repeat(32)}`, delta: { type: 'deposit', usdc: '5000.0' } }]);
    await until('a later millisecond', async () => (Date.now() > before.timestamp.getTime() ? true : null));
    await poll(b);
    const after = await latestScore(b);
    expect(after.timestamp.getTime()).toBeGreaterThan(before.timestamp.getTime());
    expect(dec(after.equity_usd).minus(before.equity_usd).toFixed(2)).toBe('5000.00');
    expect([after.credibility_1h, after.credibility_4h, after.credibility_24h]).toEqual([
      before.credibility_1h,
      before.credibility_4h,
      before.credibility_24h,
    ]);
    expect(await all(`SELECT transfer_type, net_usdc::text FROM wallet_transfers WHERE wallet_id = $1`, [b])).toEqual([
      { transfer_type: 'deposit', net_usdc: '5000.00000000' },
    ]);
    // and the whole run stayed inside Hyperliquid's request weight
    expect(sim.throttled).toEqual([]);
  });

  /** The bias formula's inputs as the tables hold them at `now`: analysed BTC events in 4h, each wallet's 4h credibility. */
  async function biasInputs(now: Date): Promise<BiasEvent[]> {
    const rows = await all(
      `SELECT e.wallet_id, e.timestamp, e.size_fraction::text, a.bias_impact::text,
              (SELECT s.credibility_4h::text FROM wallet_scores s WHERE s.wallet_id = e.wallet_id AND s.timestamp <= $1
                ORDER BY s.timestamp DESC LIMIT 1) AS credibility
         FROM events e JOIN event_analysis a ON a.event_id = e.id
        WHERE e.asset = 'BTC' AND e.timestamp > $1::timestamptz - interval '4 hours' AND e.timestamp <= $1
        ORDER BY e.timestamp, e.id`,
      [now],
    );
    return rows.map((r) => ({
      walletId: r.wallet_id,
      time: new Date(r.timestamp),
      sizeFraction: r.size_fraction,
      biasImpact: r.bias_impact,
      credibility: r.credibility ?? '0',
    }));
  }
});
