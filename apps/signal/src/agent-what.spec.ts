import { DataSource } from 'typeorm';
import { storePosts, storeResearchNotes } from '@conduit/db';
import { deterministicId, sixHourBucket } from '@conduit/domain';
import { JobName, jobId, QueueName } from '@conduit/queue';
import {
  insertAgent,
  ManualClock,
  OpenAiServer,
  startOpenAiServer,
  startXServer,
  useServiceHarness,
  waitForJob,
  XServer,
} from '@conduit/testing';
import { SignalAppModule } from './app.module';
import { bucketSignalId } from './generation';

/**
 * Agent What against a local OpenAI-compatible server (good, malformed and slow answers) and a local X API v2
 * server, on real Postgres and Redis: posts → classification (every run logged) → signals per 6-hour bucket,
 * research notes, impact factors, the X poller.
 */
describe('Agent What: classification, decision log, generation, feedback', () => {
  let llm: OpenAiServer;
  let x: XServer;
  const overrides: Record<string, string> = {
    LLM_TIMEOUT_MS: '400',
    SIGNAL_GENERATE_INTERVAL_MS: '0',
    X_POLL_INTERVAL_MS: '0',
    LLM_MODEL: 'test-model',
  };
  beforeAll(async () => {
    llm = await startOpenAiServer({ apiKey: 'sk-test-llm-key' });
    x = await startXServer({ bearerToken: 'x-test-bearer' });
    Object.assign(overrides, { LLM_BASE_URL: `${llm.url}/v1`, LLM_API_KEY: llm.apiKey, X_BEARER_TOKEN: x.bearerToken, X_API_URL: x.url });
  });
  afterAll(async () => {
    await llm?.close();
    await x?.close();
  });
  // Generation buckets by the clock: the tests set it, so a run that crosses 00/06/12/18 UTC reads one bucket.
  const clock = new ManualClock('2026-06-15T08:59:59.000Z');
  const h = useServiceHarness((env) => SignalAppModule.forRoot(env), overrides, { clock });

  let tweet = 1_900_000_000_000_000_000n;
  const nextTweet = () => String(++tweet);
  const queue = () => h.queues[QueueName.Signal];
  /** An ACTIVE agent following a fresh account with this impact factor. */
  const follower = async (impact = 0.9, fields: Record<string, unknown> = {}) => {
    const username = `acct${Math.random().toString(36).slice(2, 10)}`;
    const userId = String(1000 + Math.floor(Math.random() * 1e9));
    await h.pg.query(`INSERT INTO ct_accounts (x_username, x_user_id, impact_factor) VALUES ($1, $2, $3)`, [username, userId, impact]);
    const agentId = await insertAgent(h.pg, { x_account_ids: [userId], ...fields });
    return { agentId, username, userId };
  };
  const post = async (username: string, text: string) => {
    const ds = h.app.get(DataSource);
    const [stored] = await ds.transaction((em) =>
      storePosts(em, [{ tweetId: nextTweet(), username, text, createdAt: clock.now().toISOString() }]),
    );
    const id = jobId(JobName.SignalClassifyPost, stored.id);
    await queue().add(JobName.SignalClassifyPost, { postId: stored.id }, { jobId: id });
    return { postId: stored.id, tweetId: stored.tweetId, job: await waitForJob(queue(), id) };
  };
  const generate = async (agentId: string, tag: string) => {
    const id = jobId(JobName.SignalGenerate, agentId, 'test', tag);
    await queue().add(JobName.SignalGenerate, { agentId }, { jobId: id });
    return waitForJob(queue(), id);
  };
  const decisions = async (agentId: string) =>
    (await h.pg.query(`SELECT * FROM agent_decisions WHERE agent_id = $1 ORDER BY timestamp, source_type, source_id, id`, [agentId])).rows;

  it('logs an LLM classification with its prompt and raw answer, then turns the post into a signal', async () => {
    const { agentId, username } = await follower(0.9);
    llm.enqueue({
      kind: 'json',
      body: { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.85, reasoning: 'breakout call on ETH' },
    });
    const { job, tweetId, postId } = await post(username, '$ETH breaking out of the range, longing here');
    expect(job.returnvalue).toEqual({ classifier: 'llm', status: 'success', isSignal: true, agents: 1 });

    const request = llm.requests.at(-1)!;
    expect(request.model).toBe('test-model');
    expect(request.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'post_classification', strict: true } });
    const [classified] = (await h.pg.query(`SELECT * FROM ct_posts WHERE id = $1`, [postId])).rows;
    expect(classified).toMatchObject({ is_signal_candidate: true, extracted_tokens: ['ETH'], signal_type: 'LONG' });
    expect(classified.confidence).toBeCloseTo(0.85, 5);

    // the generation job the classification queued
    await waitForJob(queue(), jobId(JobName.SignalGenerate, agentId, 'post', postId));
    const logged = await decisions(agentId);
    const llmRow = logged.find((d) => d.source_type === 'ct_post')!;
    expect(llmRow).toMatchObject({
      status: 'success',
      action: 'OPEN_LONG',
      coin: 'ETH',
      confidence: '0.85',
      reasoning: 'breakout call on ETH',
      model: 'test-model',
      source_id: tweetId,
      error_message: null,
    });
    expect(llmRow.prompt_content).toContain('$ETH breaking out of the range');
    expect(JSON.parse(llmRow.llm_response)).toEqual({
      is_signal: true,
      tokens: ['ETH'],
      side: 'LONG',
      confidence: 0.85,
      reasoning: 'breakout call on ETH',
    });
    expect(llmRow.execution_time_ms).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(logged)).not.toContain(llm.apiKey);

    // 0.9 impact × 0.85 = 0.765 ≥ 0.6: one signal for the bucket, citing the tweet, sized and with exits
    const signalId = bucketSignalId(agentId, 'ETH', sixHourBucket(clock.now()));
    const [signal] = (await h.pg.query(`SELECT * FROM signals_v3 WHERE id = $1`, [signalId])).rows;
    expect(signal).toMatchObject({
      agent_id: agentId,
      token_symbol: 'ETH',
      side: 'LONG',
      requested_venue: 'MULTI',
      status: 'PENDING',
      source_tweets: [tweetId],
    });
    expect(signal.confidence).toBeCloseTo(0.77, 5);
    expect(signal.size_model).toEqual({ type: 'percentage', value: 13.25, leverage: 2 });
    expect(signal.risk_model).toEqual({ type: 'trailing-stop', stop: 0.06, take_profit: 0.12, activation: 0.06 });
    const aggregate = logged.find((d) => d.source_type === 'aggregate')!;
    expect(aggregate).toMatchObject({ action: 'OPEN_LONG', coin: 'ETH', signal_id: signalId, leverage: 2, confidence: '0.77' });
    expect(aggregate.reasoning).toMatch(/^LONG ETH 0\.77 from 1 post\(s\) and 0 note\(s\): signal 13\.25% at 2x/);
    expect(await h.queues[QueueName.Policy].getJob(jobId(JobName.PolicyEvaluate, signalId))).toBeDefined();

    // a second bullish post in the same bucket: still one signal for ETH, no second decision for it
    llm.enqueue({ kind: 'json', body: { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.9, reasoning: 'still long' } });
    const second = await post(username, '$ETH adding to the long');
    await waitForJob(queue(), jobId(JobName.SignalGenerate, agentId, 'post', second.postId));
    expect((await h.pg.query(`SELECT count(*)::int AS n FROM signals_v3 WHERE agent_id = $1`, [agentId])).rows[0].n).toBe(1);
    expect((await decisions(agentId)).filter((d) => d.source_type === 'aggregate')).toHaveLength(1);
  });

  it('records a malformed LLM answer as a parsing error and lets the trained model decide', async () => {
    const { agentId, username } = await follower(0.9);
    llm.enqueue({ kind: 'text', content: 'Sure! ETH looks bullish to me {not json' });
    const { job } = await post(username, '$SOL looks bullish, breakout soon, moon');
    expect(job.returnvalue).toMatchObject({ classifier: 'trained', status: 'success', isSignal: true });
    const rows = (await decisions(agentId)).filter((d) => d.source_type === 'ct_post');
    expect(rows.map((r) => [r.model, r.status, r.action])).toEqual(
      expect.arrayContaining([
        ['test-model', 'parsing_error', 'HOLD'],
        [expect.stringMatching(/^conduit-post-sentiment-v\d+\+[0-9a-f]{8}$/), 'success', 'OPEN_LONG'],
      ]),
    );
    const bad = rows.find((r) => r.status === 'parsing_error')!;
    expect(bad.llm_response).toBe('Sure! ETH looks bullish to me {not json');
    expect(bad.prompt_content).toContain('$SOL looks bullish');
    expect(bad.error_message).toBeTruthy();
  });

  it('records a slow LLM as failed after its timeout and falls back to the trained model', async () => {
    const { agentId, username } = await follower(0.9);
    llm.enqueue({
      kind: 'slow',
      delayMs: 3000,
      then: { kind: 'json', body: { is_signal: false, tokens: [], side: null, confidence: 0, reasoning: 'late' } },
    });
    const { job } = await post(username, '$BTC bearish, dumping, looks like a breakdown');
    expect(job.returnvalue).toMatchObject({ classifier: 'trained', isSignal: true });
    const failed = (await decisions(agentId)).find((d) => d.status === 'failed')!;
    expect(failed).toMatchObject({ model: 'test-model', action: 'HOLD', llm_response: null });
    expect(failed.error_message).toMatch(/timed out/);
    expect(failed.execution_time_ms).toBeLessThan(2000);
  });

  it('holds, with the reason, when the evidence is below the threshold', async () => {
    const { agentId, username } = await follower(0.3);
    llm.enqueue({ kind: 'json', body: { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.8, reasoning: 'weak call' } });
    const { postId } = await post(username, '$ETH long');
    const gen = await waitForJob(queue(), jobId(JobName.SignalGenerate, agentId, 'post', postId));
    expect(gen.returnvalue).toEqual({ signals: [], holds: 1 });
    const hold = (await decisions(agentId)).find((d) => d.source_type === 'aggregate')!;
    expect(hold).toMatchObject({ action: 'HOLD', coin: 'ETH', size_usd: '0.00', signal_id: null, confidence: '0.24' });
    expect(hold.reasoning).toBe('LONG ETH 0.24 from 1 post(s) and 0 note(s): below the threshold 0.6');
  });

  it('generates from research notes with the agent weights, fighting-the-tape adjusted', async () => {
    const agentId = await insertAgent(h.pg, { research_institute_ids: ['Bench Research'], weights: { x: 1, research: 1 } });
    const ds = h.app.get(DataSource);
    const [note] = await ds.transaction((em) =>
      storeResearchNotes(em, [
        {
          institute: 'Bench Research',
          sourceId: 'n-1',
          tokenSymbol: 'SOL',
          side: 'SHORT',
          confidence: 0.9,
          signalTime: clock.now().toISOString(),
        },
      ]),
    );
    const window = sixHourBucket(clock.now());
    await h.pg.query(
      `INSERT INTO market_indicators_6h (token_symbol, window_start, indicators) VALUES ('SOL', $1,
        '{"volatility_24h": 0.05, "ret_6h": 0.025}')`,
      [window],
    );
    const job = await generate(agentId, 'research');
    const signalId = bucketSignalId(agentId, 'SOL', window);
    expect(job.returnvalue).toEqual({ signals: [signalId], holds: 0 });
    const [signal] = (await h.pg.query(`SELECT * FROM signals_v3 WHERE id = $1`, [signalId])).rows;
    // 0.9 against a +2.5% move of a 5%-vol token: × (1 − 0.25 × 0.5) = 0.7875
    expect(signal).toMatchObject({ side: 'SHORT', source_research: [note.id], source_tweets: null });
    expect(signal.confidence).toBeCloseTo(0.79, 5);
    const [row] = (await decisions(agentId)).filter((d) => d.signal_id === signalId);
    expect(row.reasoning).toContain('6h move 2.50% against the side: confidence × 0.875');
  });

  it('moves the impact factor of the accounts behind a closed position, once', async () => {
    const { agentId, username } = await follower(0.5);
    const ds = h.app.get(DataSource);
    const [p] = await ds.transaction((em) => storePosts(em, [{ tweetId: nextTweet(), username, text: '$ETH long' }]));
    const [account] = (await h.pg.query(`SELECT id FROM ct_accounts WHERE x_username = $1`, [username])).rows;
    const signalId = deterministicId('impact-test', p.id);
    await h.pg.query(
      `INSERT INTO signals_v3 (id, agent_id, token_symbol, side, size_model, risk_model, source_tweets, status) VALUES ($1, $2, 'ETH',
        'LONG', '{}', '{}', $3, 'EXECUTED')`,
      [signalId, agentId, [p.tweetId]],
    );
    await h.pg.query(`INSERT INTO agent_deployments_v3 (agent_id, user_wallet) VALUES ($1, '0ximpact')`, [agentId]);
    const { rows } = await h.pg.query(
      `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, status, pnl, exit_price, closed_at)
       SELECT id, $1, 'HYPERLIQUID', 'ETH', 'LONG', 1, 2000, 'CLOSED', 100, 2100, now() FROM agent_deployments_v3 WHERE agent_id = $2
         RETURNING id`,
      [signalId, agentId],
    );
    const run = async (tag: string) => {
      const id = jobId(JobName.SignalPositionClosed, rows[0].id, tag);
      await queue().add(JobName.SignalPositionClosed, { positionId: rows[0].id }, { jobId: id });
      return waitForJob(queue(), id);
    };
    expect((await run('a')).returnvalue).toEqual({ accounts: 1 });
    expect((await run('b')).returnvalue).toEqual({ accounts: 0 });
    // +5% on notional: 0.5 + 0.1 × tanh(1)
    const [after] = (await h.pg.query(`SELECT impact_factor FROM ct_accounts WHERE id = $1`, [account.id])).rows;
    expect(after.impact_factor).toBeCloseTo(0.5 + 0.1 * Math.tanh(1), 5);
    const history = (await h.pg.query(`SELECT * FROM impact_factor_history WHERE ct_account_id = $1`, [account.id])).rows;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      signal_id: signalId,
      position_id: rows[0].id,
      pnl_contribution: '100.00000000',
      impact_factor_before: 0.5,
    });
  });

  it('polls X for new posts of followed accounts and queues their classification', async () => {
    const { username, userId } = await follower(0.9);
    x.addPost({ userId, username, text: '$ETH bullish breakout' });
    x.addPost({ userId, username, text: '$BTC looking heavy' });
    const id = jobId(JobName.SignalPollX, 'test');
    await queue().add(JobName.SignalPollX, {}, { jobId: id });
    const job = await waitForJob(queue(), id);
    expect(job.returnvalue).toMatchObject({ posts: 2, rateLimited: false });
    const stored = (
      await h.pg.query(
        `SELECT p.id, p.tweet_text FROM ct_posts p JOIN ct_accounts a ON a.id = p.ct_account_id WHERE a.x_user_id = $1 ORDER BY
          p.tweet_id::numeric`,
        [userId],
      )
    ).rows;
    expect(stored.map((r) => r.tweet_text)).toEqual(['$ETH bullish breakout', '$BTC looking heavy']);
    for (const r of stored) expect(await queue().getJob(jobId(JobName.SignalClassifyPost, r.id))).toBeDefined();
    // the next round resumes after the newest stored id: nothing new
    const again = jobId(JobName.SignalPollX, 'test2');
    await queue().add(JobName.SignalPollX, {}, { jobId: again });
    expect((await waitForJob(queue(), again)).returnvalue).toMatchObject({ posts: 0 });
    expect(x.requests.every((r: any) => !JSON.stringify(r).includes(x.bearerToken))).toBe(true);
  });
});
