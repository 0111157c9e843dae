// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the local OpenAI server lives in the testing lib
import { OpenAiServer, startOpenAiServer } from '../../testing/src/llm/openai-server';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the shared wait with a deadline
import { waitFor } from '../../testing/src/wait';
import { CLASSIFICATION_JSON_SCHEMA, classifyWithFallback, ClassifyInput } from './classifier';
import { LexiconClassifier } from './lexicon';
import { CLASSIFIER_SYSTEM_PROMPT, OpenAiCompatibleClassifier } from './llm';

const KNOWN = new Set(['BTC', 'ETH', 'SOL']);
const input: ClassifyInput = {
  text: 'Bullish on $ETH, breakout above 3500. Adding longs.',
  author: 'trader_joe',
  knownSymbols: KNOWN,
  context: { ETH: { ret_6h: -0.02, volatility_24h: 0.04 } },
};
const answer = { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.82, reasoning: 'Breakout call with longs added.' };

describe('OpenAiCompatibleClassifier (against a local OpenAI server)', () => {
  let server: OpenAiServer;
  const classifier = (overrides: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {}) =>
    new OpenAiCompatibleClassifier({
      baseUrl: `${server.url}/v1`,
      apiKey: server.apiKey,
      model: 'gpt-4o-mini',
      timeoutMs: 5000,
      ...overrides,
    });

  beforeEach(async () => {
    server = await startOpenAiServer({ apiKey: 'sk-test-local-key-0123456789' });
  });
  afterEach(() => server.close());

  it('parses a good answer and records prompt, raw response and model', async () => {
    server.enqueue({ kind: 'json', body: answer, model: 'gpt-4o-mini-2024-07-18' });
    const run = await classifier().classify(input);

    expect(run).toMatchObject({ classifier: 'llm', model: 'gpt-4o-mini-2024-07-18', status: 'success', error: null });
    expect(run.result).toEqual({
      isSignal: true,
      tokens: ['ETH'],
      side: 'LONG',
      confidence: 0.82,
      reasoning: 'Breakout call with longs added.',
    });
    expect(run.rawResponse).toBe(JSON.stringify(answer));
    expect(run.latencyMs).toBeGreaterThanOrEqual(0);

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0];
    expect(run.prompt).toBe(JSON.stringify(sent.messages));
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.temperature).toBe(0);
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'post_classification', strict: true, schema: CLASSIFICATION_JSON_SCHEMA },
    });
    expect(sent.messages).toHaveLength(2);
    expect(sent.messages[0]).toEqual({ role: 'system', content: CLASSIFIER_SYSTEM_PROMPT });
    const user = sent.messages[1];
    expect(user.role).toBe('user');
    expect(user.content).toContain('@trader_joe');
    expect(user.content).toContain(input.text);
    expect(user.content).toContain('Tradable symbols mentioned: ETH');
    expect(user.content).toContain(JSON.stringify(input.context));
  });

  it('records the configured model when the response has none', async () => {
    server.enqueue({ kind: 'json', body: answer, model: '' });
    expect((await classifier().classify(input)).model).toBe('gpt-4o-mini');
  });

  it('answers unscripted with the default responder', async () => {
    const run = await classifier().classify({ text: '$SOL looking bullish', knownSymbols: KNOWN });
    expect(run.result).toMatchObject({ isSignal: true, tokens: ['SOL'], side: 'LONG', confidence: 0.8 });
    const none = await classifier().classify({ text: 'gm', knownSymbols: KNOWN });
    expect(none.result).toMatchObject({ isSignal: false, side: null });
  });

  it('returns parsing_error and keeps the raw content on malformed content', async () => {
    server.enqueue({ kind: 'text', content: 'Sure! {"is_signal": true, "tokens": ["ETH"' });
    const run = await classifier().classify(input);
    expect(run).toMatchObject({ status: 'parsing_error', result: null, rawResponse: 'Sure! {"is_signal": true, "tokens": ["ETH"' });
    expect(run.error).toMatch(/^invalid JSON: /);
    expect(run.prompt).not.toBeNull();
  });

  it('returns parsing_error naming the field on a schema violation', async () => {
    server.enqueue({ kind: 'json', body: { ...answer, confidence: 82 } });
    const run = await classifier().classify(input);
    expect(run.status).toBe('parsing_error');
    expect(run.error).toContain('confidence must be a number from 0 to 1');
  });

  it('fails fast on a slow server (timeout, no retry)', async () => {
    server.enqueue({ kind: 'slow', delayMs: 2000, then: { kind: 'json', body: answer } });
    const run = await classifier({ timeoutMs: 200 }).classify(input);
    expect(run).toMatchObject({ status: 'failed', result: null, rawResponse: null, error: 'request timed out after 200 ms' });
    expect(run.latencyMs).toBeGreaterThanOrEqual(150);
    expect(run.latencyMs).toBeLessThan(1500);
    expect(server.requests).toHaveLength(1);
  });

  it('fails on a wrong key without leaking it', async () => {
    const wrongKey = 'sk-wrong-secret-key-987654321';
    const run = await classifier({ apiKey: wrongKey }).classify(input);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^HTTP 401: Incorrect API key provided/);
    expect(run.error).not.toContain(wrongKey);
    expect(run.rawResponse).toContain('invalid_api_key');
    expect(JSON.stringify(run)).not.toContain(wrongKey);
  });

  it('sends a placeholder for an empty key instead of throwing', async () => {
    const run = await classifier({ apiKey: '' }).classify(input);
    expect(run).toMatchObject({ status: 'failed', error: 'HTTP 401: Incorrect API key provided: none.' });
  });

  it('fails on a server error', async () => {
    server.enqueue({ kind: 'error', status: 500, message: 'The server had an error while processing your request.' });
    const run = await classifier().classify(input);
    expect(run).toMatchObject({ status: 'failed', error: 'HTTP 500: The server had an error while processing your request.' });
  });

  it('fails on a refused connection', async () => {
    const { url } = server;
    await server.close();
    const run = await classifier({ baseUrl: `${url}/v1` }).classify(input);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^connection error/);
    expect(run.error).toContain('ECONNREFUSED');
  });

  it('falls back to the lexicon on malformed content', async () => {
    server.enqueue({ kind: 'text', content: 'not json' });
    const { runs, final } = await classifyWithFallback(classifier(), new LexiconClassifier(), input);
    expect(runs.map((r) => [r.classifier, r.status])).toEqual([
      ['llm', 'parsing_error'],
      ['lexicon', 'success'],
    ]);
    expect(final).toBe(runs[1]);
    expect(final.result).toMatchObject({ isSignal: true, tokens: ['ETH'], side: 'LONG' });
  });

  it('falls back to the lexicon on a slow server', async () => {
    server.enqueue({ kind: 'slow', delayMs: 2000, then: { kind: 'json', body: answer } });
    const started = Date.now();
    const { runs, final } = await classifyWithFallback(classifier({ timeoutMs: 200 }), new LexiconClassifier(), input);
    expect(runs.map((r) => [r.classifier, r.status])).toEqual([
      ['llm', 'failed'],
      ['lexicon', 'success'],
    ]);
    expect(final.classifier).toBe('lexicon');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('closes promptly while a slow reply is pending', async () => {
    server.enqueue({ kind: 'slow', delayMs: 10_000, then: { kind: 'json', body: answer } });
    const pending = classifier({ timeoutMs: 20_000 }).classify(input);
    await waitFor('the request at the local OpenAI server', () => server.requests.length > 0, { timeoutMs: 5000, everyMs: 5 });
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect((await pending).status).toBe('failed');
  });
});

describe('local OpenAI server wire protocol', () => {
  let server: OpenAiServer;
  beforeAll(async () => {
    server = await startOpenAiServer();
  });
  afterAll(() => server.close());
  const post = async (path: string, body: unknown, key = server.apiKey) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const user = [{ role: 'user', content: '$BTC bearish' }];

  it('answers with the chat.completion shape, with or without /v1', async () => {
    for (const path of ['/v1/chat/completions', '/chat/completions']) {
      const { status, body } = await post(path, { model: 'm', messages: user });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: expect.stringMatching(/^chatcmpl-/),
        object: 'chat.completion',
        created: expect.any(Number),
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
      });
      expect(JSON.parse(body.choices[0].message.content)).toMatchObject({
        is_signal: true,
        tokens: ['BTC'],
        side: 'SHORT',
        confidence: 0.8,
      });
    }
  });

  it('refuses a missing or wrong key with 401 invalid_api_key', async () => {
    for (const key of ['', 'sk-nope']) {
      const { status, body } = await post('/v1/chat/completions', { model: 'm', messages: user }, key);
      expect(status).toBe(401);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    }
  });

  it('requires model and a non-empty messages array', async () => {
    expect((await post('/v1/chat/completions', { messages: user })).status).toBe(400);
    expect((await post('/v1/chat/completions', { model: 'm', messages: [] })).status).toBe(400);
    expect((await post('/v1/chat/completions', { model: 'm' })).body.error).toMatchObject({ param: 'messages' });
  });

  it('answers 404 elsewhere', async () => {
    expect((await post('/v1/embeddings', { model: 'm', input: 'x' })).status).toBe(404);
  });
});
