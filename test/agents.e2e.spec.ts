import Decimal from 'decimal.js';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { sixHourBucket } from '@conduit/domain';
import { JobName, jobId, QueueName, redisOptions } from '@conduit/queue';
import {
  adminAuth,
  http,
  ManualClock,
  OpenAiServer,
  startOpenAiServer,
  waitFor,
  waitForQueuesToDrain,
  WalletClient,
} from '@conduit/testing';
import { PaperVenue, VenueRegistry } from '@conduit/venue';
import { bucketSignalId } from '../apps/signal/src/generation';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * The three agent layers end to end, through six separately booted applications and a local OpenAI-compatible
 * server: an X post ingested over HTTP is classified by the LLM (logged), becomes Agent What's signal, Agent How
 * lets one deployment trade and skips the other with its reason, Agent Where routes by LOWEST_FEES, the executor
 * opens on that venue. A malformed LLM answer lands in the decision log as a parse error.
 */
describe('end to end: post → signal → policies → cost routing → positions', () => {
  let env: Env;
  let llm: OpenAiServer;
  // The services read a clock that stands at the test's start: a run crossing 00/06/12/18 UTC stays in one bucket.
  const clock = new ManualClock(new Date());
  let apps: PipelineApps;
  let api: string;
  let user: WalletClient;
  let pg: Client;

  beforeAll(async () => {
    llm = await startOpenAiServer({ apiKey: 'sk-e2e' });
    apps = await startPipelineApps(
      { LLM_BASE_URL: `${llm.url}/v1`, LLM_API_KEY: llm.apiKey, LLM_MODEL: 'e2e-model', SIGNAL_GENERATE_INTERVAL_MS: '0' },
      { clock },
    );
    ({ env, api, pg } = apps);
    user = new WalletClient(api);
    // The router's view of Hyperliquid: a 10 bps taker fee, so LOWEST_FEES prefers Ostium (4.5 bps).
    const registry = apps.workers[2].get(VenueRegistry);
    registry.register(
      new PaperVenue('HYPERLIQUID', registry.prices, {
        takerFeeBps: '10',
        slippageBps: env.PAPER_SLIPPAGE_BPS,
        startingEquityUsd: env.PAPER_STARTING_EQUITY_USD,
      }),
    );
  });
  afterAll(async () => {
    await apps?.close();
    await llm?.close();
  });

  const until = <T>(what: string, check: () => Promise<T | null | undefined>) => waitFor(what, check, { timeoutMs: 20_000, everyMs: 25 });

  const subscribers = new Map<string, WalletClient>();
  const subscriber = () => {
    const c = WalletClient.random(api);
    subscribers.set(c.address, c);
    return c;
  };

  it('turns one post into positions for the deployment whose policy allows it, on the cheaper venue', async () => {
    const created = await user.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: 'CT Follower',
      x_account_ids: ['@AlphaCaller'],
      weights: { x: 1, research: 0 },
      profit_receiver_address: user.address,
      policy: { max_leverage: 2 },
    });
    expect(created.status).toBe(201);
    const agentId = created.body.agent.id;
    expect((await user.http('POST', `${api}/api/v3/agents/${agentId}/activate`)).status).toBe(200);
    const routing = await user.http('PUT', `${api}/api/v3/agents/${agentId}/routing-config`, {
      venue_priority: ['HYPERLIQUID', 'OSTIUM'],
      routing_strategy: 'LOWEST_FEES',
    });
    expect(routing.status).toBe(200);

    const [traderWallet, carefulWallet] = [subscriber(), subscriber()];
    const trader = await traderWallet.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agentId, user_wallet: traderWallet.address });
    const careful = await carefulWallet.http('POST', `${api}/api/v3/agents/deploy`, {
      agent_id: agentId,
      user_wallet: carefulWallet.address,
      policy: { denied_tokens: ['ETH'] },
    });
    expect([trader.status, careful.status]).toEqual([201, 201]);
    const traderId = trader.body.deployment.id;
    const carefulId = careful.body.deployment.id;

    // The account is known and trusted (impact 0.9) before its post arrives.
    await pg.query(`INSERT INTO ct_accounts (x_username, x_user_id, impact_factor) VALUES ('alphacaller', '4242', 0.9)`);
    llm.enqueue({
      kind: 'json',
      body: { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.85, reasoning: 'ETH reclaiming the range high' },
    });
    const ingested = await user.http(
      'POST',
      `${api}/api/v3/ct/posts`,
      {
        posts: [
          {
            tweet_id: '1860000000000000001',
            x_username: '@AlphaCaller',
            text: '$ETH reclaiming the range high. Long.',
            created_at: clock.now().toISOString(),
          },
        ],
      },
      adminAuth(env),
    );
    expect(ingested.status).toBe(201);
    expect(ingested.body).toMatchObject({ inserted: 1, duplicates: 0, posts: [{ tweet_id: '1860000000000000001', status: 'QUEUED' }] });
    // the same post again: stored once, nothing queued
    const again = await user.http(
      'POST',
      `${api}/api/v3/ct/posts`,
      { posts: [{ tweet_id: '1860000000000000001', x_username: 'alphacaller', text: 'edited?' }] },
      adminAuth(env),
    );
    expect(again.body).toMatchObject({ inserted: 0, duplicates: 1 });

    const signalId = bucketSignalId(agentId, 'ETH', sixHourBucket(clock.now()));
    const signal = await until('the signal to execute', async () => {
      const [s] = (await pg.query(`SELECT * FROM signals_v3 WHERE id = $1 AND status IN ('EXECUTED', 'FAILED', 'SKIPPED')`, [signalId]))
        .rows;
      return s;
    });
    expect(signal).toMatchObject({
      status: 'EXECUTED',
      final_venue: 'OSTIUM',
      token_symbol: 'ETH',
      side: 'LONG',
      source_tweets: ['1860000000000000001'],
    });
    await waitForQueuesToDrain(env);

    // Every layer on the signal, from the API (an operator reads every deployment's part)
    const layers = await http('GET', `${api}/api/v3/signals/${signalId}/decisions`, undefined, adminAuth(env));
    expect(layers.status).toBe(200);
    expect(layers.body.agent_what).toHaveLength(1);
    expect(layers.body.agent_what[0]).toMatchObject({ action: 'OPEN_LONG', coin: 'ETH', model: 'aggregate-v1', signal_id: signalId });
    const how = Object.fromEntries(layers.body.agent_how.map((d: any) => [d.deployment_id, d]));
    expect(how[traderId]).toMatchObject({ decision: 'TRADE', code: 'TRADE', leverage: 2, outcome: 'OPENED', venue: 'OSTIUM' });
    expect(how[traderId].reason).toBe('trade 13.25% of equity at 2x');
    expect(how[carefulId]).toMatchObject({
      decision: 'SKIP',
      code: 'TOKEN_DENIED',
      reason: 'ETH is on the denied list',
      outcome: 'SKIPPED',
      stage: 'policy',
    });
    expect(layers.body.agent_where).toMatchObject({ selected_venue: 'OSTIUM', checked_venues: ['HYPERLIQUID', 'OSTIUM'] });
    expect(layers.body.agent_where.routing_reason).toMatch(
      /^LOWEST_FEES: Ostium fills \$2650 of ETH at 4\.50 bps fee \+ slippage \(Hyperliquid 10\.00 bps\)$/,
    );

    const positions = (
      await pg.query(`SELECT deployment_id, venue, token_symbol, side, status FROM positions_v3 WHERE signal_id = $1`, [signalId])
    ).rows;
    expect(positions).toEqual([{ deployment_id: traderId, venue: 'OSTIUM', token_symbol: 'ETH', side: 'LONG', status: 'OPEN' }]);
    const skipped = await carefulWallet.http('GET', `${api}/api/v3/deployments/${carefulId}/decisions?decision=SKIP`);
    expect(skipped.body.decisions).toHaveLength(1);
    expect(skipped.body.decisions[0]).toMatchObject({ signal_id: signalId, code: 'TOKEN_DENIED' });

    // The LLM decision with its prompt and raw answer
    const log = await http('GET', `${api}/api/v3/agents/${agentId}/decisions?source_type=ct_post`);
    expect(log.body.decisions).toHaveLength(1);
    expect(log.body.decisions[0]).toMatchObject({
      status: 'success',
      action: 'OPEN_LONG',
      model: 'e2e-model',
      source_id: '1860000000000000001',
    });
    expect(log.body.decisions[0].prompt_content).toContain('$ETH reclaiming the range high. Long.');
    expect(JSON.parse(log.body.decisions[0].llm_response)).toMatchObject({ is_signal: true, side: 'LONG', confidence: 0.85 });

    // A malformed answer to the next post: a parse error in the log, and the trained model's decision after it
    llm.enqueue({ kind: 'text', content: '```json\n{"is_signal": true, "tokens": ["BTC"], "side": "UP"}\n```' });
    await user.http(
      'POST',
      `${api}/api/v3/ct/posts`,
      { posts: [{ tweet_id: '1860000000000000002', x_username: 'alphacaller', text: '$BTC bearish, breakdown under support' }] },
      adminAuth(env),
    );
    const parseError = await until('the parse error in the log', async () => {
      const r = await http('GET', `${api}/api/v3/agents/${agentId}/decisions?status=parsing_error`);
      return r.body.decisions[0];
    });
    expect(parseError).toMatchObject({ action: 'HOLD', model: 'e2e-model', source_id: '1860000000000000002' });
    expect(parseError.llm_response).toContain('"side": "UP"');
    expect(parseError.error_message).toMatch(/side/);

    // Routing history by agent, with the venue distribution of that selection
    const history = await http('GET', `${api}/api/v3/stats/routing-history?agent_id=${agentId}`);
    expect(history.body.history.map((r: any) => r.signal_id)).toContain(signalId);
    expect(history.body.summary).toEqual(expect.arrayContaining([expect.objectContaining({ venue: 'OSTIUM' })]));
    const none = await http('GET', `${api}/api/v3/stats/routing-history?agent_id=${agentId}&to=2000-01-01`);
    expect(none.body.history).toEqual([]);
  });

  it('answers bad policy, post and routing input with 400 naming the field, and writes nothing', async () => {
    const [agent] = (await pg.query(`SELECT id FROM agents_v3 LIMIT 1`)).rows;
    const [deployment] = (await pg.query(`SELECT id, policy, user_wallet FROM agent_deployments_v3 LIMIT 1`)).rows;
    const owner = subscribers.get(deployment.user_wallet)!;
    const badPolicy = await owner.http('PUT', `${api}/api/v3/deployments/${deployment.id}/policy`, {
      max_leverage: 0,
      enabled_venues: ['BINANCE'],
      foo: 1,
    });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.fields).toEqual(expect.arrayContaining(['max_leverage', 'enabled_venues', 'foo']));
    expect(badPolicy.body.message.join(' ')).toMatch(/max_leverage must be an integer from 1 to 100/);
    expect((await pg.query(`SELECT policy FROM agent_deployments_v3 WHERE id = $1`, [deployment.id])).rows[0].policy).toEqual(
      deployment.policy,
    );

    const posts = (await pg.query(`SELECT count(*)::int AS n FROM ct_posts`)).rows[0].n;
    const badPost = await user.http(
      'POST',
      `${api}/api/v3/ct/posts`,
      { posts: [{ tweet_id: 'abc', x_username: 'ok', text: '' }] },
      adminAuth(env),
    );
    expect(badPost.status).toBe(400);
    expect(badPost.body.message).toEqual(
      expect.arrayContaining(['posts.0.tweet_id must be a decimal X post id', 'posts.0.text must be 1-10000 characters']),
    );
    expect((await pg.query(`SELECT count(*)::int AS n FROM ct_posts`)).rows[0].n).toBe(posts);

    const badRouting = await user.http('PUT', `${api}/api/v3/agents/${agent.id}/routing-config`, {
      venue_priority: ['OSTIUM', 'OSTIUM'],
      routing_strategy: 'CHEAPEST',
    });
    expect(badRouting.status).toBe(400);
    expect(badRouting.body.fields).toEqual(expect.arrayContaining(['venue_priority', 'routing_strategy']));

    const kill = await owner.http('POST', `${api}/api/v3/deployments/${deployment.id}/kill-switch`, { enabled: true });
    expect(kill.status).toBe(200);
    expect(kill.body.effective_policy.kill_switch).toBe(true);
  });

  it('stops a deployment: every open position closes at the market', async () => {
    const [open] = (
      await pg.query(
        `SELECT p.id, p.deployment_id, d.user_wallet FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE
          p.status = 'OPEN' LIMIT 1`,
      )
    ).rows;
    const stopped = await subscribers.get(open.user_wallet)!.http('POST', `${api}/api/v3/deployments/${open.deployment_id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.deployment.status).toBe('STOPPED');
    const ids: string[] = stopped.body.closing_positions;
    expect(ids).toContain(open.id);
    const closed = await until('every position to close', async () => {
      const rows = (await pg.query(`SELECT status, exit_reason, pnl FROM positions_v3 WHERE id = ANY($1::uuid[])`, [ids])).rows;
      return rows.every((p) => p.status === 'CLOSED') ? rows : null;
    });
    expect(closed).toHaveLength(ids.length);
    for (const p of closed) expect(p).toMatchObject({ exit_reason: 'DEPLOYMENT_STOPPED', pnl: expect.any(String) });
  });

  it("reports the agent's performance and daily PnL from today's snapshot", async () => {
    const [{ agent_id }] = (
      await pg.query(
        `SELECT d.agent_id FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE p.status = 'CLOSED' LIMIT 1`,
      )
    ).rows;
    const queue = new Queue(QueueName.Billing, { connection: redisOptions(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
    try {
      await queue.add(JobName.BillingPnlSnapshot, {}, { jobId: jobId(JobName.BillingPnlSnapshot, 'e2e') });
      await until('the snapshot', async () => (await pg.query(`SELECT 1 FROM pnl_snapshots_v3 WHERE agent_id = $1`, [agent_id])).rows[0]);
    } finally {
      await queue.close();
    }
    const closed = (
      await pg.query(
        `SELECT p.pnl::text AS pnl FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE d.agent_id = $1 AND
          p.status = 'CLOSED'`,
        [agent_id],
      )
    ).rows;
    const r = await until('the performance', async () => {
      const res = await http('GET', `${api}/api/v3/agents/${agent_id}/performance`);
      return res.body.daily?.length ? res : null;
    });
    expect(r.status).toBe(200);
    expect(r.body.performance.trades).toBe(closed.length);
    // Money exactly: the DECIMAL sum as Postgres writes it, against the API's decimal text.
    const [{ sum }] = (
      await pg.query(
        `SELECT COALESCE(sum(p.pnl), 0)::text AS sum FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
          WHERE d.agent_id = $1 AND p.status = 'CLOSED'`,
        [agent_id],
      )
    ).rows;
    expect(r.body.performance.realized_pnl).toEqualDecimal(sum);
    // every USD amount of the answer is decimal text: the mean of the winners and of the losers, the drawdown
    const pnls = closed.map((p: { pnl: string }) => new Decimal(p.pnl));
    const mean = (xs: Decimal[]) => (xs.length ? xs.reduce((a, b) => a.plus(b), new Decimal(0)).div(xs.length) : new Decimal(0));
    expect(r.body.performance.average_win).toEqualDecimal(
      mean(pnls.filter((p: Decimal) => p.gt(0))).toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN),
    );
    expect(r.body.performance.average_loss).toEqualDecimal(
      mean(pnls.filter((p: Decimal) => p.lt(0)))
        .abs()
        .toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN),
    );
    for (const field of ['total_value', 'realized_pnl', 'unrealized_pnl', 'average_win', 'average_loss', 'max_drawdown_usd']) {
      expect(typeof r.body.performance[field]).toBe('string');
    }
    expect(r.body.daily[r.body.daily.length - 1].day).toBe(clock.now().toISOString().slice(0, 10));
    expect((await http('GET', `${api}/api/v3/agents/00000000-0000-4000-8000-000000000000/performance`)).status).toBe(404);

    // billing history of the agent's creator, as an operator reads it
    const profitable = closed.filter((p: { pnl: string }) => new Decimal(p.pnl).gt(0)).length;
    const creator = await until('the profit shares', async () => {
      const res = await http(
        'GET',
        `${api}/api/v3/billing/events?creator_wallet=0x1111111111111111111111111111111111111111&kind=PROFIT_SHARE`,
        undefined,
        adminAuth(env),
      );
      return res.body.events?.length === profitable ? res : null;
    });
    expect(creator.body.events.every((e: any) => e.creator_wallet === '0x1111111111111111111111111111111111111111')).toBe(true);
    expect((await http('GET', `${api}/api/v3/billing/events?creator_wallet=nope`)).status).toBe(400);
  });
});
