import Decimal from 'decimal.js';
import { Env } from '@conduit/config';
import {
  http,
  ManualClock,
  OpenAiReply,
  OpenAiServer,
  startOpenAiServer,
  waitFor,
  waitForQueuesToDrain,
  WalletClient,
} from '@conduit/testing';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/**
 * LLM trading agents (seed 004) end to end through the six services and a local OpenAI-compatible server: each
 * scripted answer of the model ends in its agent_decisions row (and token usage), and an open or a close trades for
 * the agent's own book and its subscriber through policy, router, executor and billing.
 */
describe('end to end: an llm_trader decides, its limits hold, its subscribers trade', () => {
  let env: Env;
  let llm: OpenAiServer;
  const clock = new ManualClock(new Date());
  let apps: PipelineApps;
  let api: string;
  const creator = () => new WalletClient(api);
  let user: WalletClient;
  let agentId: string;
  let bookId: string;
  let subscriberId: string;

  beforeAll(async () => {
    llm = await startOpenAiServer({ apiKey: 'sk-traders' });
    apps = await startPipelineApps(
      {
        LLM_BASE_URL: `${llm.url}/v1`,
        LLM_API_KEY: llm.apiKey,
        LLM_TIMEOUT_MS: '1500',
        LLM_PRICES: JSON.stringify({ 'e2e-trader': { prompt: '0.27', completion: '1.10' } }),
      },
      { clock },
    );
    ({ env, api } = apps);
    user = creator();
    await apps.pg.query(`UPDATE venue_markets SET current_price = 60000 WHERE token_symbol = 'BTC'`);
    await apps.pg.query(`UPDATE venue_markets SET current_price = 150 WHERE token_symbol = 'SOL'`);
  });
  afterAll(async () => {
    await apps?.close();
    await llm?.close();
  });

  const until = <T>(what: string, check: () => Promise<T | null | undefined>) => waitFor(what, check, { timeoutMs: 20_000, everyMs: 25 });
  const one = async (sql: string, params: unknown[] = []) => (await apps.pg.query(sql, params)).rows[0];
  const all = async (sql: string, params: unknown[] = []) => (await apps.pg.query(sql, params)).rows;
  const decide = (body: object): OpenAiReply => ({ kind: 'json', body });
  const cycle = async (reply: OpenAiReply) => {
    llm.enqueue(reply);
    const r = await user.http('POST', `${api}/api/v3/agents/${agentId}/cycle`);
    expect(r.status).toBe(200);
    return r.body.decision;
  };
  const settled = (signalId: string) =>
    until(`signal ${signalId} to settle`, () =>
      one(`SELECT * FROM signals_v3 WHERE id = $1 AND status IN ('EXECUTED', 'FAILED', 'SKIPPED')`, [signalId]),
    );
  const positionsOf = (signalId: string) =>
    all(
      `SELECT deployment_id, token_symbol, side, qty::text, stop_loss::text, take_profit::text, status, exit_reason
         FROM positions_v3 WHERE signal_id = $1 ORDER BY deployment_id = $2 DESC`,
      [signalId, bookId],
    );

  it('creates an llm_trader with seed 004 defaults, refuses bad settings naming the field, and lets its creator change them', async () => {
    const bad = await user.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: 'Bad Trader',
      kind: 'llm_trader',
      llm_model: 'e2e-trader',
      max_leverage: 51,
      profit_receiver_address: user.address,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join('; ')).toMatch(/initial_balance is required for kind llm_trader/);
    expect(bad.body.message.join('; ')).toMatch(/max_leverage must be an integer from 1 to 50/);
    const signalWithModel = await user.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: 'Poster',
      llm_model: 'e2e-trader',
      profit_receiver_address: user.address,
    });
    expect(signalWithModel.status).toBe(400);
    expect(signalWithModel.body.message).toEqual(['llm_model is only for kind llm_trader']);
    const unlisted = await user.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: 'Unlisted',
      kind: 'llm_trader',
      llm_model: 'e2e-trader',
      initial_balance: '20000',
      coins: ['ETH', 'NOPECOIN'],
      profit_receiver_address: user.address,
    });
    expect(unlisted.status).toBe(400);
    expect(unlisted.body).toMatchObject({ fields: ['coins'], message: ['coins: NOPECOIN listed by no venue'] });
    expect(Number((await one(`SELECT count(*) FROM agents_v3`)).count)).toBe(0);

    const created = await user.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: 'Trend Follower',
      kind: 'llm_trader',
      llm_model: 'e2e-trader',
      initial_balance: '20000.00',
      max_leverage: 5,
      coins: ['eth', 'BTC', 'SOL'],
      strategy_description: 'Follow the 4h trend; cut losers fast.',
      profit_receiver_address: user.address,
    });
    expect(created.status).toBe(201);
    agentId = created.body.agent.id;
    bookId = created.body.agent.book_deployment_id;
    expect(created.body.agent).toMatchObject({
      kind: 'llm_trader',
      llm_model: 'e2e-trader',
      exchange_account: 'paper',
      initial_balance: '20000.00',
      max_position_size: '20.00',
      max_leverage: 5,
      stop_loss_pct: '2.00',
      take_profit_pct: '5.00',
      coins: ['ETH', 'BTC', 'SOL'],
      cycle_interval_seconds: 300,
    });
    expect(await one(`SELECT book, paper_equity_usd::text, user_wallet FROM agent_deployments_v3 WHERE id = $1`, [bookId])).toEqual({
      book: true,
      paper_equity_usd: '20000.00',
      user_wallet: user.address,
    });
    const twin = await user.http('POST', `${api}/api/v3/agents/create`, {
      creator_wallet: user.address,
      name: 'Trend Follower',
      kind: 'llm_trader',
      llm_model: 'rules:momentum',
      initial_balance: '1000',
      profit_receiver_address: user.address,
    });
    expect(twin.status).toBe(409);
    expect(twin.body.fields).toEqual(['name']);

    const stranger = WalletClient.random(api);
    expect((await stranger.http('PATCH', `${api}/api/v3/agents/${agentId}`, { max_leverage: 3 })).status).toBe(403);
    const badPatch = await user.http('PATCH', `${api}/api/v3/agents/${agentId}`, { stop_loss_pct: '0' });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.message).toEqual(['stop_loss_pct must be a decimal number in (0, 99.99]']);
    const patched = await user.http('PATCH', `${api}/api/v3/agents/${agentId}`, { stop_loss_pct: '2.5', cycle_interval_seconds: 60 });
    expect(patched.status).toBe(200);
    const shown = await http('GET', `${api}/api/v3/agents/${agentId}`);
    expect(shown.body.agent).toMatchObject({ stop_loss_pct: '2.50', cycle_interval_seconds: 60, max_leverage: 5, status: 'DRAFT' });

    expect((await user.http('POST', `${api}/api/v3/agents/${agentId}/activate`)).status).toBe(200);
    const subscriber = WalletClient.random(api);
    const deployed = await subscriber.http('POST', `${api}/api/v3/agents/deploy`, { agent_id: agentId, user_wallet: subscriber.address });
    expect(deployed.status).toBe(201);
    subscriberId = deployed.body.deployment.id;
  });

  it('trades an open for the book and the subscriber, each the same fraction of its equity, with the levels it named', async () => {
    const d = await cycle(
      decide({
        action: 'OPEN_LONG',
        coin: 'ETH',
        size_usd: 1000,
        leverage: 2,
        stop_loss_price: 1950,
        take_profit_price: 2100.5,
        confidence: 0.8,
        reasoning: 'ETH above its 4h range',
      }),
    );
    expect(d).toMatchObject({
      status: 'success',
      action: 'OPEN_LONG',
      coin: 'ETH',
      size_usd: '1000.00',
      leverage: 2,
      source_type: 'llm_cycle',
    });
    expect(d.stop_loss_price).toBe('1950.00000000');
    expect(d.signal_id).toEqual(expect.any(String));
    const prompt = llm.requests.at(-1)!;
    expect(prompt.model).toBe('e2e-trader');
    expect(JSON.stringify(prompt.messages)).toContain('Follow the 4h trend; cut losers fast.');

    expect(await settled(d.signal_id)).toMatchObject({ status: 'EXECUTED', token_symbol: 'ETH', side: 'LONG' });
    // 1000 of the book's 20000 at 2x is 2.5% margin: the book trades 0.5 ETH at 2000, the subscriber (10000) 0.25.
    expect(await positionsOf(d.signal_id)).toEqual([
      {
        deployment_id: bookId,
        token_symbol: 'ETH',
        side: 'LONG',
        qty: '0.50000000',
        stop_loss: '1950.00000000',
        take_profit: '2100.50000000',
        status: 'OPEN',
        exit_reason: null,
      },
      {
        deployment_id: subscriberId,
        token_symbol: 'ETH',
        side: 'LONG',
        qty: '0.25000000',
        stop_loss: '1950.00000000',
        take_profit: '2100.50000000',
        status: 'OPEN',
        exit_reason: null,
      },
    ]);

    const usage = await one(
      `SELECT model, prompt_tokens, completion_tokens, total_tokens, cost_usd::text FROM llm_token_usage WHERE decision_id = $1`,
      [d.id],
    );
    expect(usage.model).toBe('e2e-trader');
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    const cost = new Decimal(usage.prompt_tokens).mul('0.27').plus(new Decimal(usage.completion_tokens).mul('1.10')).div(1_000_000);
    expect(usage.cost_usd).toEqualDecimal(cost);
  });

  it('clamps a size above the limits and a leverage above the maximum, recording what it changed and why', async () => {
    const d = await cycle(
      decide({
        action: 'OPEN_SHORT',
        coin: 'BTC',
        size_usd: 100000,
        leverage: 40,
        stop_loss_price: null,
        take_profit_price: null,
        confidence: 0.9,
        reasoning: 'all in',
      }),
    );
    expect(d).toMatchObject({ status: 'success', action: 'OPEN_SHORT', leverage: 5, size_usd: '4000.00' });
    expect(d.adjustments.map((a: any) => a.field).sort()).toEqual(['leverage', 'size_usd', 'stop_loss_price', 'take_profit_price']);
    // Levels missing: the stop and take profit fall back to 2.5% and 5% from the 60000 mark.
    expect(d.stop_loss_price).toBe('61500.00000000');
    expect(d.take_profit_price).toBe('57000.00000000');
    await settled(d.signal_id);
    const [book, sub] = await positionsOf(d.signal_id);
    // 4000 at 5x of 20000 is 4% margin: 4000 / 60000 BTC for the book, half of it for the subscriber.
    expect(book).toMatchObject({ side: 'SHORT', qty: new Decimal(4000).div(60000).toDecimalPlaces(5, Decimal.ROUND_DOWN).toFixed(8) });
    expect(new Decimal(sub.qty).lte(new Decimal(book.qty).div(2))).toBe(true);
  });

  it('closes the opposite side before an open, and never holds a second position in the same coin and side', async () => {
    const flip = await cycle(
      decide({
        action: 'OPEN_LONG',
        coin: 'BTC',
        size_usd: 2000,
        leverage: 2,
        stop_loss_price: 59000,
        take_profit_price: 61000,
        confidence: 0.7,
        reasoning: 'reversal',
      }),
    );
    expect(flip).toMatchObject({ status: 'success', action: 'OPEN_LONG' });
    await settled(flip.signal_id);
    const shorts = await until('the BTC shorts to close', async () => {
      const open = await all(`SELECT id FROM positions_v3 WHERE token_symbol = 'BTC' AND side = 'SHORT' AND status = 'OPEN'`);
      return open.length === 0 ? all(`SELECT exit_reason FROM positions_v3 WHERE token_symbol = 'BTC' AND side = 'SHORT'`) : null;
    });
    expect(shorts).toEqual([{ exit_reason: 'AGENT_DECISION' }, { exit_reason: 'AGENT_DECISION' }]);

    const again = await cycle(
      decide({
        action: 'OPEN_LONG',
        coin: 'ETH',
        size_usd: 500,
        leverage: 2,
        stop_loss_price: 1950,
        take_profit_price: 2100,
        confidence: 0.6,
        reasoning: 'more',
      }),
    );
    expect(again).toMatchObject({ status: 'success', action: 'HOLD', signal_id: null });
    expect(JSON.stringify(again.adjustments)).toMatch(/already holds/);
  });

  it('falls back to its own stop when the model puts it on the wrong side of the mark', async () => {
    const d = await cycle(
      decide({
        action: 'OPEN_LONG',
        coin: 'SOL',
        size_usd: 300,
        leverage: 1,
        stop_loss_price: 160,
        take_profit_price: 170,
        confidence: 0.6,
        reasoning: 'sol',
      }),
    );
    expect(d.stop_loss_price).toBe('146.25000000'); // 150 × (1 − 2.5%)
    expect(d.take_profit_price).toBe('170.00000000');
    expect(d.adjustments).toEqual([expect.objectContaining({ field: 'stop_loss_price', from: '160', to: '146.25' })]);
    await settled(d.signal_id);
  });

  it('logs an unknown coin, a malformed answer and a timeout without trading', async () => {
    const signalsBefore = Number((await one(`SELECT count(*) FROM signals_v3`)).count);
    const unknown = await cycle(
      decide({
        action: 'OPEN_LONG',
        coin: 'DOGE',
        size_usd: 100,
        leverage: 1,
        stop_loss_price: null,
        take_profit_price: null,
        confidence: 0.5,
        reasoning: 'meme',
      }),
    );
    expect(unknown).toMatchObject({ status: 'failed', signal_id: null });
    expect(unknown.error_message).toMatch(/DOGE/);
    const malformed = await cycle({ kind: 'text', content: 'I think you should buy ETH!' });
    expect(malformed).toMatchObject({
      status: 'parsing_error',
      action: 'HOLD',
      llm_response: 'I think you should buy ETH!',
      signal_id: null,
    });
    const timeout = await cycle({ kind: 'slow', delayMs: 5000, then: decide({ action: 'HOLD' }) });
    expect(timeout).toMatchObject({ status: 'failed', action: 'HOLD', signal_id: null });
    expect(timeout.error_message).toMatch(/timed out after 1500 ms/);
    expect(Number((await one(`SELECT count(*) FROM signals_v3`)).count)).toBe(signalsBefore);
    // Tokens the provider billed are recorded, an answer that did not parse included; a timeout has none.
    const usage = async (id: string) => Number((await one(`SELECT count(*) FROM llm_token_usage WHERE decision_id = $1`, [id])).count);
    expect([await usage(unknown.id), await usage(malformed.id), await usage(timeout.id)]).toEqual([1, 1, 0]);
  });

  it('closes every open position of its deployments in the coin on CLOSE_POSITION, once each', async () => {
    const d = await cycle(
      decide({
        action: 'CLOSE_POSITION',
        coin: 'ETH',
        size_usd: 0,
        leverage: 1,
        stop_loss_price: null,
        take_profit_price: null,
        confidence: 0.7,
        reasoning: 'take it off',
      }),
    );
    expect(d).toMatchObject({ status: 'success', action: 'CLOSE_POSITION', coin: 'ETH' });
    const closed = await until('the ETH positions to close', async () => {
      const open = await all(`SELECT id FROM positions_v3 WHERE token_symbol = 'ETH' AND status = 'OPEN'`);
      return open.length === 0
        ? all(`SELECT deployment_id, exit_reason FROM positions_v3 WHERE token_symbol = 'ETH' ORDER BY deployment_id`)
        : null;
    });
    expect(closed.map((p: any) => p.exit_reason)).toEqual(['AGENT_DECISION', 'AGENT_DECISION']);
    await waitForQueuesToDrain(env);
    const closes = await all(`SELECT count(*)::int AS n FROM venue_orders WHERE token_symbol = 'ETH' AND reduce_only`);
    expect(closes[0].n).toBe(2);
  });

  it('trades nothing from a cycle in flight when its agent is paused, and runs no cycle after', async () => {
    const asked = llm.requests.length;
    llm.enqueue({
      kind: 'slow',
      delayMs: 1000,
      then: decide({
        action: 'OPEN_SHORT',
        coin: 'SOL',
        size_usd: 300,
        leverage: 1,
        stop_loss_price: 155,
        take_profit_price: 140,
        confidence: 0.6,
        reasoning: 'fade',
      }),
    });
    const pending = user.http('POST', `${api}/api/v3/agents/${agentId}/cycle`);
    await until('the model to be asked', async () => llm.requests.length > asked || null);
    expect((await user.http('POST', `${api}/api/v3/agents/${agentId}/pause`)).status).toBe(200);
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(answered.body.decision).toMatchObject({ status: 'success', action: 'HOLD', signal_id: null });
    expect(JSON.stringify(answered.body.decision.adjustments)).toMatch(/agent is PAUSED: nothing trades/);
    const refused = await user.http('POST', `${api}/api/v3/agents/${agentId}/cycle`);
    expect(refused.status).toBe(409);
  });
});
