// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the local OpenAI server lives in the testing lib
import { eventAnalysisReply, OpenAiServer, startOpenAiServer } from '../../../testing/src/llm/openai-server';
import { EventAnalysisInput, eventAnalysisMessages } from './analysis-prompt';
import { EVENT_ANALYSIS_JSON_SCHEMA, EVENT_ANALYSIS_SCHEMA_NAME, parseEventAnalysis } from './analysis-schema';
import { OpenAiCompatibleEventAnalyst } from './event-analyst';

const KEY = 'sk-test-analyst-key-0123456789abcdef';
const input: EventAnalysisInput = {
  event: {
    time: new Date('2026-06-15T09:00:00Z'),
    eventType: 'add',
    asset: 'ETH',
    side: 'LONG',
    amount: '2.5',
    notionalUsd: '5000.00',
    sizeFraction: '0.2500',
    positionBefore: '1.0000000000',
    positionAfter: '3.5000000000',
    realizedPnl: '0.00000000',
  },
  wallet: { address: `0x${'ab'.repeat(20)}`, label: 'Whale', credibility4h: '7.5', archetype: 'swing' },
  firstSinceWatch: false,
  unrealizedPnlBefore: '120.5',
};
const good = {
  classification: 'adding_to_winner',
  confidence: '0.835',
  narrative: 'A credible swing trader adds a quarter of equity to a winning ETH long.',
  pattern: 'pyramiding',
  bias_impact: '0.61249999999999999999',
  proposed_action: { action: 'OPEN_LONG', asset: 'ETH' },
};

describe('OpenAiCompatibleEventAnalyst (against a local OpenAI server)', () => {
  let server: OpenAiServer;
  const analyst = (over: { apiKey?: string; timeoutMs?: number } = {}) =>
    new OpenAiCompatibleEventAnalyst({ baseUrl: `${server.url}/v1`, apiKey: KEY, timeoutMs: 5000, ...over }, 'analyst-model');

  beforeEach(async () => {
    server = await startOpenAiServer({ apiKey: KEY });
  });
  afterEach(() => server.close());

  it('asks in strict JSON mode and parses the analysis exactly, rounded to the columns', async () => {
    server.enqueue(eventAnalysisReply(good, { model: 'analyst-model-2026-01-01' }));
    const run = await analyst().analyse(input);
    expect(run).toMatchObject({ status: 'success', model: 'analyst-model-2026-01-01', error: null });
    expect(run.analysis).toEqual({
      classification: 'adding_to_winner',
      confidence: '0.84',
      narrative: good.narrative,
      patternMatched: 'pyramiding',
      biasImpact: '0.612',
      proposedAction: { action: 'OPEN_LONG', asset: 'ETH' },
    });
    expect(run.rawResponse).toContain('"bias_impact":0.61249999999999999999');
    expect(run.latencyMs).toBeGreaterThanOrEqual(0);
    const sent = server.requests[0];
    expect(sent).toMatchObject({ model: 'analyst-model', temperature: 0 });
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: EVENT_ANALYSIS_SCHEMA_NAME, strict: true, schema: EVENT_ANALYSIS_JSON_SCHEMA },
    });
    expect(sent.messages).toEqual(eventAnalysisMessages(input));
    expect(run.prompt).toBe(JSON.stringify(sent.messages));
    expect(JSON.parse(sent.messages[1].content).event).toMatchObject({
      unrealized_pnl_before_usd: '120.5',
      size_fraction_of_equity: '0.2500',
    });
  });

  it('answers the default responder with a routine analysis', async () => {
    const run = await analyst().analyse(input);
    expect(run.status).toBe('success');
    expect(run.analysis).toMatchObject({
      classification: 'routine',
      biasImpact: '0.000',
      proposedAction: { action: 'NONE', asset: 'ETH' },
    });
  });

  it('records invalid JSON and out-of-range answers as parsing errors with the raw answer', async () => {
    server.enqueue({ kind: 'text', content: '{"classification": "flip", "confidence": 0.9' });
    const broken = await analyst().analyse(input);
    expect(broken).toMatchObject({ status: 'parsing_error', analysis: null, rawResponse: '{"classification": "flip", "confidence": 0.9' });
    expect(broken.error).toMatch(/^answer is not JSON/);

    server.enqueue(eventAnalysisReply({ ...good, bias_impact: '1.5', confidence: -0.1 }));
    const range = await analyst().analyse(input);
    expect(range).toMatchObject({ status: 'parsing_error', error: 'confidence must be from 0 to 1; bias_impact must be from -1 to 1' });
  });

  it('records an HTTP 5xx and a timeout as failed runs, the API key nowhere', async () => {
    server.enqueue({ kind: 'error', status: 503, message: 'overloaded' });
    const down = await analyst().analyse(input);
    expect(down).toMatchObject({ status: 'failed', analysis: null, error: 'HTTP 503: overloaded' });
    expect(down.rawResponse).toContain('overloaded');

    server.enqueue({ kind: 'slow', delayMs: 2000, then: eventAnalysisReply(good) });
    const slow = await analyst({ timeoutMs: 200 }).analyse(input);
    expect(slow).toMatchObject({ status: 'failed', error: 'request timed out after 200 ms', rawResponse: null });
    expect(slow.latencyMs).toBeGreaterThanOrEqual(190);

    const wrongKey = `${KEY}-wrong`;
    const refused = await analyst({ apiKey: wrongKey }).analyse(input);
    expect(refused.status).toBe('failed');
    expect(JSON.stringify(refused)).not.toContain(wrongKey);
    expect(refused.error).toContain('[redacted]');
  });
});

describe('parseEventAnalysis', () => {
  const answer = (over: Record<string, unknown>) => JSON.stringify({ ...good, confidence: 0.8, bias_impact: 0.5, ...over });

  it('accepts a fenced answer and a null pattern', () => {
    expect(parseEventAnalysis('```json\n' + answer({ pattern: null }) + '\n```', 'ETH')).toMatchObject({
      analysis: { patternMatched: null, confidence: '0.80', biasImpact: '0.500' },
    });
  });

  it.each([
    [{ proposed_action: { action: 'OPEN_LONG', asset: 'BTC' } }, 'proposed_action.asset must be ETH'],
    [{ proposed_action: { action: 'OPEN_SHORT', asset: 'ETH' } }, 'proposed_action.action OPEN_SHORT contradicts bias_impact 0.500'],
    [{ proposed_action: { action: 'BUY', asset: 'ETH' } }, 'proposed_action.action must be one of OPEN_LONG, OPEN_SHORT, NONE'],
    [{ classification: 'x'.repeat(101) }, 'classification must be 1-100 characters'],
    [{ confidence: '0.8' }, 'confidence must be a number'],
    [{ extra: 1 }, 'extra is not an allowed field'],
    [{ narrative: undefined }, 'narrative is required'],
  ])('refuses %j', (over, error) => {
    expect(parseEventAnalysis(answer(over), 'ETH')).toEqual({ error });
  });
});
