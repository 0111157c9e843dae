import { Queue } from 'bullmq';
import { sixHourBucket } from '@conduit/domain';
import { JobName, jobId, QueueName, redisOptions } from '@conduit/queue';
import { adminAuth, http, ManualClock, waitFor, waitForQueuesToDrain, WalletClient } from '@conduit/testing';
import { bucketSignalId } from '../apps/signal/src/generation';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * A watched wallet's move becomes positions (issue 14), through the six applications: the wallet watched over the
 * API, its score, event and analysis as the wallet jobs write them, an agent following it by address with two
 * subscribers; Agent What's generation emits the wallet signal, policy, routing and the executor open both
 * positions in one batch, each carrying the wallet, and active_positions_view names it.
 */
describe('end to end: a followed wallet signals, positions carry it', () => {
  const clock = new ManualClock(new Date());
  let apps: PipelineApps;
  let signalQueue: Queue;

  beforeAll(async () => {
    apps = await startPipelineApps({ SIGNAL_GENERATE_INTERVAL_MS: '0' }, { clock });
    signalQueue = new Queue(QueueName.Signal, { connection: redisOptions(apps.env.REDIS_URL), prefix: apps.env.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await signalQueue?.close();
    await apps?.close();
  });

  const until = <T>(what: string, check: () => Promise<T | null | undefined>) => waitFor(what, check, { timeoutMs: 20_000, everyMs: 25 });

  it('opens the positions of a wallet signal, each naming the wallet', async () => {
    const { api, pg, env } = apps;
    const address = `0x${'5b'.repeat(20)}`;
    const watched = await http('POST', `${api}/api/v3/wallets`, { address, label: 'ETH whale' }, adminAuth(env));
    expect(watched.status).toBe(201);
    const walletId: string = watched.body.wallet.id;
    const now = clock.now();
    await pg.query(
      `INSERT INTO wallet_scores (wallet_id, timestamp, credibility_1h, credibility_4h, credibility_24h) VALUES ($1, $2, 7, 8, 7)`,
      [walletId, new Date(now.getTime() - 600_000)],
    );
    const [{ id: eventId }] = (
      await pg.query(
        `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, amount, notional_usd, size_fraction)
         VALUES ($1, $2, $3, '101', 'open', 'ETH', 25, 50000, 0.5) RETURNING id`,
        [now, walletId, `0x${'ab'.repeat(32)}`],
      )
    ).rows;
    await pg.query(`INSERT INTO event_analysis (event_id, llm_classification, bias_impact) VALUES ($1, 'first_since_watch', 0.6)`, [
      eventId,
    ]);

    const creator = WalletClient.random(api);
    const created = await creator.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: creator.address,
      name: 'Whale Follower',
      wallet_ids: [address],
      profit_receiver_address: creator.address,
    });
    expect(created.status).toBe(201);
    const agentId: string = created.body.agent.id;
    expect((await creator.http('POST', `${api}/api/v3/agents/${agentId}/activate`)).status).toBe(200);
    const deployments: string[] = [];
    for (const subscriber of [WalletClient.random(api), WalletClient.random(api)]) {
      const d = await subscriber.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agentId, user_wallet: subscriber.address });
      expect(d.status).toBe(201);
      deployments.push(d.body.deployment.id);
    }

    // what the wallet-bias job does for every agent following wallets once it has recomputed the bias
    await signalQueue.add(JobName.SignalGenerate, { agentId }, { jobId: jobId(JobName.SignalGenerate, agentId, 'e2e') });
    const signalId = bucketSignalId(agentId, 'ETH', sixHourBucket(now));
    const signal = await until('the wallet signal to execute', async () => {
      const [s] = (await pg.query(`SELECT * FROM signals_v3 WHERE id = $1 AND status IN ('EXECUTED', 'FAILED', 'SKIPPED')`, [signalId]))
        .rows;
      return s;
    });
    expect(signal).toMatchObject({
      status: 'EXECUTED',
      side: 'LONG',
      signal_wallet_id: walletId,
      source_wallets: [walletId],
      source_events: [eventId],
    });
    await waitForQueuesToDrain(env);

    // the signal read over the API names its wallets and events
    const read = await http('GET', `${api}/api/v3/signals/${signalId}`);
    expect(read.body.signal).toMatchObject({ signal_wallet_id: walletId, source_wallets: [walletId], source_events: [eventId] });

    const positions = (
      await pg.query(`SELECT id, deployment_id, status, signal_wallet_id FROM positions_v3 WHERE signal_id = $1 ORDER BY deployment_id`, [
        signalId,
      ])
    ).rows;
    expect(positions.map((p) => [p.deployment_id, p.status, p.signal_wallet_id])).toEqual(
      [...deployments].sort().map((d) => [d, 'OPEN', walletId]),
    );
    const position = await http('GET', `${api}/api/v3/positions/${positions[0].id}`, undefined, adminAuth(env));
    expect(position.body.position).toMatchObject({ signal_wallet_id: walletId });
    const view = (
      await pg.query(
        `SELECT deployment_id, signal_wallet, wallet_credibility::text FROM active_positions_view
          WHERE signal_id = $1 ORDER BY deployment_id`,
        [signalId],
      )
    ).rows;
    expect(view).toEqual([...deployments].sort().map((d) => ({ deployment_id: d, signal_wallet: address, wallet_credibility: '8.0' })));
  });
});
