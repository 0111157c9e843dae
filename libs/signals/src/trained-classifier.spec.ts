import { readFileSync } from 'fs';
import { join } from 'path';
import { defaultSentimentModel, TrainedClassifier } from './trained-classifier';
import { DEFAULT_MODEL_FILE } from './trained/default-model';
import { modelContentHash, SentimentModel } from './trained/model';

const ROOT = join(__dirname, '..', '..', '..');
const knownSymbols = new Set(['BTC', 'ETH', 'SOL']);
const classifier = new TrainedClassifier();
const classify = (text: string) => classifier.classify({ text, knownSymbols });

describe('the trained model file', () => {
  it('loads, with its name, version and content hash', () => {
    const model = defaultSentimentModel();
    expect(model.name).toBe('conduit-post-sentiment');
    expect(model.version).toMatch(/^\d+$/);
    expect(model.sha256).toBe(modelContentHash(DEFAULT_MODEL_FILE));
    expect(classifier.model).toBe(`conduit-post-sentiment-v${model.version}+${model.sha256.slice(0, 8)}`);
  });

  it('is refused when its weights were altered, or its classes differ', () => {
    const weights = Buffer.from(DEFAULT_MODEL_FILE.weights, 'base64');
    weights[0] ^= 1;
    expect(() => new SentimentModel({ ...DEFAULT_MODEL_FILE, weights: weights.toString('base64') })).toThrow(/sha256/);
    expect(() => new SentimentModel({ ...DEFAULT_MODEL_FILE, classes: ['bearish', 'bullish', 'neutral'] })).toThrow(/classes/);
    expect(() => new SentimentModel({ ...DEFAULT_MODEL_FILE, format: 'other' as never })).toThrow(/format/);
  });

  it('stays small enough to ship in the image', () => {
    const bytes = readFileSync(join(__dirname, 'trained', 'weights.json')).length;
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
  });

  it('is the one the committed evaluation reports', () => {
    const evaluation = JSON.parse(readFileSync(join(ROOT, 'tools', 'classifier', 'evaluation.json'), 'utf8'));
    expect(evaluation.model.sha256).toBe(DEFAULT_MODEL_FILE.sha256);
    expect(evaluation.data.sha256).toBe(DEFAULT_MODEL_FILE.data.sha256);
  });
});

describe('TrainedClassifier', () => {
  it.each([
    '$BTC to the moon, loading up, 100k incoming 🚀',
    'Bought the dip on $ETH, super bullish here',
    '$SOL breakout confirmed, bullish. Accumulating here.',
  ])('calls a bullish post LONG: %s', async (text) => {
    const run = await classify(text);
    expect(run).toMatchObject({ classifier: 'trained', status: 'success', error: null, prompt: null });
    expect(run.result).toMatchObject({ isSignal: true, side: 'LONG' });
    expect(run.result!.confidence).toBeGreaterThan(0.6);
  });

  it.each([
    '$ETH breaking down, dumping hard, short it',
    '$SOL is a scam, rug incoming, get out now',
    '$BTC bearish, dumping, looks like a breakdown',
  ])('calls a bearish post SHORT: %s', async (text) => {
    const run = await classify(text);
    expect(run.result).toMatchObject({ isSignal: true, side: 'SHORT' });
    expect(run.result!.confidence).toBeGreaterThan(0.6);
  });

  it.each([
    'Fed minutes due at 2pm ET; Powell speaks on Friday',
    'Treasury to auction 10-year notes on Wednesday',
    '$BTC weekly options expiry is on Friday',
  ])('calls a neutral post no signal: %s', async (text) => {
    const run = await classify(text);
    expect(run.result).toMatchObject({ isSignal: false, side: null });
    expect(JSON.parse(run.rawResponse!).label).toBe('neutral');
    expect(run.result!.reasoning).toMatch(/neutral is not a trade signal/);
  });

  it('keeps the token extraction: no tradable token, no signal, whatever the sentiment', async () => {
    const run = await classify('Super bullish, breakout confirmed, loading up 🚀');
    expect(run.result).toMatchObject({ isSignal: false, side: null, tokens: [] });
    expect(run.result!.reasoning).toMatch(/no tradable token/);
    expect((await classify('$USDC and $ETH breakout, bullish')).result!.tokens).toEqual(['ETH']);
  });

  it('logs the class probabilities and the model in the raw response, and the driving features in the reasoning', async () => {
    const run = await classify('$ETH bullish breakout');
    const raw = JSON.parse(run.rawResponse!);
    expect(raw).toMatchObject({ model: 'conduit-post-sentiment', version: DEFAULT_MODEL_FILE.version, sha256: DEFAULT_MODEL_FILE.sha256 });
    expect(raw.label).toBe('bullish');
    const probs = raw.probabilities;
    expect(probs.bullish + probs.bearish + probs.neutral).toBeCloseTo(1, 9);
    expect(run.result!.confidence).toBeCloseTo(probs.bullish, 4);
    expect(raw.drivers.length).toBeGreaterThan(0);
    expect(run.result!.reasoning).toContain(`driven by ${raw.drivers.join(', ')}`);
    expect(run.result!.reasoning).toMatch(/bullish 0\.\d\d, bearish 0\.\d\d, neutral 0\.\d\d/);
  });

  it('gives the same answer to the same post', async () => {
    const a = await classify('$SOL looks bullish, breakout soon, moon');
    const b = await classify('$SOL looks bullish, breakout soon, moon');
    expect(a.rawResponse).toBe(b.rawResponse);
    expect(a.result).toEqual(b.result);
  });
});
