import {
  CLASSIFICATION_JSON_SCHEMA,
  classificationErrors,
  ClassifierRun,
  classifyWithFallback,
  ClassifyInput,
  parseClassification,
  PostClassifier,
} from './classifier';

const good = { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.9, reasoning: 'breakout call' };
const errorOf = (raw: string) => {
  const parsed = parseClassification(raw);
  if (!('error' in parsed)) throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.error;
};

describe('parseClassification', () => {
  it('maps a valid answer to camelCase', () => {
    expect(parseClassification(JSON.stringify(good))).toEqual({
      result: { isSignal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.9, reasoning: 'breakout call' },
    });
  });

  it('accepts a ```json fenced block with prose around it', () => {
    const raw = 'Here you go:\n```json\n' + JSON.stringify(good, null, 2) + '\n```\n';
    expect(parseClassification(raw)).toEqual({ result: expect.objectContaining({ isSignal: true, side: 'LONG' }) });
    expect(parseClassification('```\n' + JSON.stringify(good) + '\n```')).toHaveProperty('result');
  });

  it('reports malformed JSON', () => {
    expect(errorOf('{"is_signal": true,')).toMatch(/^invalid JSON: /);
    expect(errorOf('')).toMatch(/^invalid JSON: /);
  });

  it('names each field of the wrong type', () => {
    const error = errorOf(JSON.stringify({ is_signal: 'yes', tokens: 'ETH', side: 'UP', confidence: 1.5, reasoning: 3 }));
    expect(error).toContain('is_signal must be a boolean');
    expect(error).toContain('tokens must be an array of strings');
    expect(error).toContain('side must be "LONG", "SHORT" or null');
    expect(error).toContain('confidence must be a number from 0 to 1');
    expect(error).toContain('reasoning must be a string');
  });

  it('reports missing and extra fields and non-objects', () => {
    const { reasoning: _r, ...withoutReasoning } = good;
    expect(errorOf(JSON.stringify({ ...withoutReasoning, size: 3 }))).toBe(
      'invalid classification: reasoning is required; size is not an allowed field',
    );
    expect(errorOf('[1]')).toBe('invalid classification: classification must be a JSON object');
  });

  it('requires a side and a token when is_signal is true', () => {
    expect(errorOf(JSON.stringify({ ...good, side: null }))).toContain('side must be "LONG" or "SHORT" when is_signal is true');
    expect(errorOf(JSON.stringify({ ...good, tokens: [] }))).toContain('tokens must name at least one non-stablecoin token');
    expect(errorOf(JSON.stringify({ ...good, tokens: ['USDT'] }))).toContain('tokens must name at least one non-stablecoin token');
  });

  it('allows a non-signal without side or tokens', () => {
    const parsed = parseClassification(JSON.stringify({ is_signal: false, tokens: [], side: null, confidence: 0.1, reasoning: 'news' }));
    expect(parsed).toEqual({ result: { isSignal: false, tokens: [], side: null, confidence: 0.1, reasoning: 'news' } });
  });

  it('normalizes tokens: upper-case, k-prefix kept, stablecoins and duplicates dropped', () => {
    const parsed = parseClassification(JSON.stringify({ ...good, tokens: ['eth', '$ETH', 'kPEPE', 'usdc'] }));
    expect(parsed).toEqual({ result: expect.objectContaining({ tokens: ['ETH', 'kPEPE'] }) });
  });
});

describe('classificationErrors', () => {
  it('is empty for a valid answer and the schema is strict-mode shaped', () => {
    expect(classificationErrors(good)).toEqual([]);
    expect(CLASSIFICATION_JSON_SCHEMA.additionalProperties).toBe(false);
    expect([...CLASSIFICATION_JSON_SCHEMA.required].sort()).toEqual(Object.keys(CLASSIFICATION_JSON_SCHEMA.properties).sort());
  });
});

describe('classifyWithFallback', () => {
  const input: ClassifyInput = { text: '$ETH', knownSymbols: new Set() };
  const fixed = (name: string, status: ClassifierRun['status']): PostClassifier => ({
    name,
    model: `${name}-m`,
    classify: async () => ({
      classifier: name,
      model: `${name}-m`,
      status,
      prompt: null,
      rawResponse: null,
      result: null,
      latencyMs: 1,
      error: null,
    }),
  });
  const throwing: PostClassifier = {
    name: 'boom',
    model: 'boom-m',
    classify: async () => {
      throw new Error('exploded');
    },
  };

  it('stops at a successful primary', async () => {
    const { runs, final } = await classifyWithFallback(fixed('a', 'success'), fixed('b', 'success'), input);
    expect(runs.map((r) => r.classifier)).toEqual(['a']);
    expect(final.classifier).toBe('a');
  });

  it('falls back after a failed or unparsable primary', async () => {
    for (const status of ['failed', 'parsing_error'] as const) {
      const { runs, final } = await classifyWithFallback(fixed('a', status), fixed('b', 'success'), input);
      expect(runs.map((r) => [r.classifier, r.status])).toEqual([
        ['a', status],
        ['b', 'success'],
      ]);
      expect(final.classifier).toBe('b');
    }
  });

  it('turns a throwing classifier into a failed run', async () => {
    const { runs, final } = await classifyWithFallback(throwing, throwing, input);
    expect(runs).toHaveLength(2);
    expect(final).toMatchObject({ classifier: 'boom', model: 'boom-m', status: 'failed', error: 'exploded', result: null });
  });

  it('runs only the fallback without a primary', async () => {
    const { runs, final } = await classifyWithFallback(null, fixed('b', 'failed'), input);
    expect(runs).toHaveLength(1);
    expect(final.status).toBe('failed');
  });
});
