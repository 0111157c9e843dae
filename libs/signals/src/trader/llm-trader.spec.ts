import { holdToLimits, TraderSnapshot } from '@conduit/domain';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the trader snapshot fixtures
import { traderPosition, traderSnapshot } from '../../../domain/src/trader/fixtures';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the local OpenAI server lives in the testing lib
import { OpenAiServer, startOpenAiServer, traderReplies, traderReply } from '../../../testing/src/llm/openai-server';
import { OpenAiCompatibleTrader } from './llm-trader';
import { traderMessages } from './prompt';
import { TRADER_DECISION_JSON_SCHEMA, TRADER_DECISION_SCHEMA_NAME } from './schema';

const KEY = 'sk-test-trader-key-0123456789abcdef';
const open = {
  action: 'OPEN_LONG',
  coin: 'BTC',
  size_usd: '1234.567890123',
  leverage: 3,
  stop_loss_price: '63700.12345678912',
  take_profit_price: null,
  confidence: '0.72',
  reasoning: 'BTC trends up on 4h.',
};

describe('OpenAiCompatibleTrader (against a local OpenAI server)', () => {
  let server: OpenAiServer;
  const trader = (over: { apiKey?: string; timeoutMs?: number } = {}) =>
    new OpenAiCompatibleTrader({ baseUrl: `${server.url}/v1`, apiKey: KEY, timeoutMs: 5000, ...over });
  const snapshot = traderSnapshot();

  beforeEach(async () => {
    server = await startOpenAiServer({ apiKey: KEY });
  });
  afterEach(() => server.close());

  it('asks the agent’s model in strict JSON mode and parses the decision exactly, with the provider’s usage', async () => {
    const usage = { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 };
    server.enqueue(traderReply(open, { model: 'deepseek-chat-2025-09-01', usage }));
    const run = await trader().decide(snapshot, 'deepseek-chat');

    expect(run).toMatchObject({ status: 'success', model: 'deepseek-chat-2025-09-01', error: null });
    expect(run.decision).toEqual({ ...open, leverage: 3 });
    expect(run.rawResponse).toContain('"size_usd":1234.567890123,');
    expect(run.usage).toEqual({ promptTokens: 1234, completionTokens: 56, totalTokens: 1290 });
    expect(run.latencyMs).toBeGreaterThanOrEqual(0);

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0];
    expect(sent.model).toBe('deepseek-chat');
    expect(sent.temperature).toBe(0);
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: TRADER_DECISION_SCHEMA_NAME, strict: true, schema: TRADER_DECISION_JSON_SCHEMA },
    });
    expect(sent.messages).toEqual(traderMessages(snapshot));
    expect(run.prompt).toBe(JSON.stringify(sent.messages));
  });

  it('sends each call’s own model, records the requested one when the response names none, and no usage when none is given', async () => {
    server.enqueue(traderReplies.hold(), traderReply({ ...open, action: 'HOLD' }, { model: '', usage: null }));
    const a = await trader().decide(snapshot, 'gpt-4o-mini');
    const b = await trader().decide(snapshot, 'claude-3-5-sonnet');
    expect(server.requests.map((r) => r.model)).toEqual(['gpt-4o-mini', 'claude-3-5-sonnet']);
    expect([a.model, b.model]).toEqual(['gpt-4o-mini', 'claude-3-5-sonnet']);
    expect(a.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: expect.any(Number), totalTokens: expect.any(Number) });
    expect(b).toMatchObject({ status: 'success', usage: null });
  });

  it('gets HOLD from the default responder, and accepts a fenced answer', async () => {
    const hold = await trader().decide(snapshot, 'gpt-4o');
    expect(hold).toMatchObject({ status: 'success', decision: { action: 'HOLD', coin: '', size_usd: '0', leverage: 1 } });
    server.enqueue(traderReply(open, { fenced: true }));
    const fenced = await trader().decide(snapshot, 'gpt-4o');
    expect(fenced).toMatchObject({ status: 'success', decision: { size_usd: '1234.567890123' } });
    expect(fenced.rawResponse!.startsWith('```json\n')).toBe(true);
  });

  it.each([
    ['malformed JSON', traderReplies.malformed(), /^answer is not JSON: /],
    ['prose', traderReplies.prose(), /^answer is not JSON: /],
    ['a negative size', traderReplies.open('BTC', 'LONG', { sizeUsd: '-5' }), /^size_usd must be a non-negative number$/],
    ['a missing field', { kind: 'json' as const, body: { action: 'HOLD', coin: '' } }, /^size_usd is required; /],
    [
      'an extra field',
      { kind: 'json' as const, body: { ...open, size_usd: 1234.5, stop_loss_price: 63700, confidence: 0.72, mood: 'great' } },
      /^mood is not an allowed field$/,
    ],
  ])('returns parsing_error on %s, keeping the raw answer and the usage it cost', async (_, reply, error) => {
    server.enqueue(reply);
    const run = await trader().decide(snapshot, 'gpt-4o');
    expect(run).toMatchObject({ status: 'parsing_error', decision: null });
    expect(run.error).toMatch(error);
    expect(run.rawResponse).toBe('content' in reply ? reply.content : JSON.stringify((reply as { body: object }).body));
    expect(run.usage).not.toBeNull();
    expect(run.prompt).toBe(JSON.stringify(server.requests[0].messages));
  });

  it('fails on a server error', async () => {
    server.enqueue({ kind: 'error', status: 500, message: 'The server had an error while processing your request.' });
    const run = await trader().decide(snapshot, 'gpt-4o');
    expect(run).toMatchObject({ status: 'failed', decision: null, usage: null });
    expect(run.error).toBe('HTTP 500: The server had an error while processing your request.');
    expect(run.rawResponse).toContain('server_error');
  });

  it('fails fast on a slow server: timed out, no retry', async () => {
    server.enqueue(traderReplies.slow(2000, traderReply(open)));
    const run = await trader({ timeoutMs: 200 }).decide(snapshot, 'gpt-4o');
    expect(run).toMatchObject({ status: 'failed', decision: null, rawResponse: null, usage: null });
    expect(run.error).toBe('request timed out after 200 ms');
    expect(run.latencyMs).toBeGreaterThanOrEqual(150);
    expect(run.latencyMs).toBeLessThan(1500);
    expect(server.requests).toHaveLength(1);
  });

  it('never lets the API key into a run: a wrong key echoed by the server, or the key in an answer', async () => {
    const wrong = 'sk-wrong-trader-secret-987654321';
    const run = await trader({ apiKey: wrong }).decide(snapshot, 'gpt-4o');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^HTTP 401: Incorrect API key provided: \[redacted\]/);
    expect(run.rawResponse).toContain('invalid_api_key');
    expect(JSON.stringify(run)).not.toContain(wrong);

    server.enqueue({ kind: 'text', content: `my key is ${KEY}` });
    const echoed = await trader().decide(snapshot, 'gpt-4o');
    expect(echoed).toMatchObject({ status: 'parsing_error', rawResponse: 'my key is [redacted]' });
    expect(JSON.stringify(echoed)).not.toContain(KEY);
  });
});

describe('scripted answers through the trader and the limits', () => {
  let server: OpenAiServer;
  beforeAll(async () => {
    server = await startOpenAiServer({ apiKey: KEY });
  });
  afterAll(() => server.close());

  const decideAndHold = async (snapshot: TraderSnapshot) => {
    const run = await new OpenAiCompatibleTrader({ baseUrl: `${server.url}/v1`, apiKey: KEY, timeoutMs: 5000 }).decide(snapshot, 'gpt-4o');
    expect(run.status).toBe('success');
    return holdToLimits(run.decision!, snapshot);
  };

  it('a normal open trades as answered', async () => {
    server.enqueue(traderReplies.open('ETH', 'SHORT', { sizeUsd: '1500.5', leverage: 4, stop: '3600', takeProfit: '3300' }));
    const held = await decideAndHold(traderSnapshot());
    expect(held).toMatchObject({ status: 'success', action: 'OPEN_SHORT', coin: 'ETH', sizeUsd: '1500.5', leverage: 4 });
    expect(held).toMatchObject({ stopLoss: '3600', takeProfit: '3300', adjustments: [] });
  });

  it('an over-limit size and leverage, and a wrong-side stop, are clamped and recorded', async () => {
    server.enqueue(traderReplies.open('BTC', 'LONG', { sizeUsd: '50000', leverage: 40, stop: '70000' }));
    const held = await decideAndHold(traderSnapshot());
    expect(held).toMatchObject({ status: 'success', sizeUsd: '2000', leverage: 10, stopLoss: '63700', takeProfit: '67600' });
    expect(held.adjustments.map((a) => [a.field, a.from, a.to])).toEqual([
      ['leverage', '40', '10'],
      ['size_usd', '50000', '2000'],
      ['stop_loss_price', '70000', '63700'],
      ['take_profit_price', null, '67600'],
    ]);
  });

  it('an unknown coin fails, and a CLOSE_POSITION closes the held position', async () => {
    server.enqueue(traderReplies.open('PEPE', 'LONG'));
    expect(await decideAndHold(traderSnapshot())).toMatchObject({ status: 'failed', error: expect.stringContaining('"PEPE"') });
    const long = traderPosition({ coin: 'BTC', side: 'LONG' });
    server.enqueue(traderReplies.close('BTC'));
    expect(await decideAndHold(traderSnapshot({ positions: [long] }))).toMatchObject({ action: 'CLOSE_POSITION', closes: [long] });
  });
});
