import { dedupKey, featureNames, features, normalizePost } from './features';
import { SentimentModel } from './model';
import { buildModelFile, DEFAULT_HYPERPARAMETERS, evaluate, LabeledPost, reliability, splitPosts, trainWeights } from './train';

const BULL = ['moon soon, loading up', 'bullish breakout, buying', 'going higher, long here', 'send it 🚀', 'accumulating, very bullish'];
const BEAR = [
  'dumping hard, short it',
  'bearish breakdown, selling',
  'going lower, rug incoming',
  'scam, get out',
  'capitulation, very bearish',
];
const NEUTRAL = [
  'earnings due on thursday',
  'conference starts next week',
  'fed minutes at 2pm',
  'exchange lists new pairs',
  'report out today',
];

/** A small labeled fixture: each template with a few cashtags and numbers, 90 posts. */
function fixture(): LabeledPost[] {
  const posts: LabeledPost[] = [];
  const variants = ['$BTC', '$ETH', '$SOL', 'the market', 'stocks', 'alts'];
  for (const [label, texts] of [
    ['bullish', BULL],
    ['bearish', BEAR],
    ['neutral', NEUTRAL],
  ] as const)
    texts.forEach((t, i) =>
      variants.forEach((v, j) => posts.push({ text: `${v} ${t} #${i}${j}`, label, source: 'fixture', crypto: j < 3 })),
    );
  return posts;
}

const hyper = { ...DEFAULT_HYPERPARAMETERS, hashBits: 16, epochs: 5, maxFeatures: 4000, minCount: 1 };
const meta = { name: 'fixture', version: '0', temperature: 1, data: { sha256: 'x', rows: 90, train: 90, calibration: 0, test: 0 } };

describe('features', () => {
  it('normalises posts: entities, links, mentions, cashtags and numbers become placeholders; emoji stay', () => {
    expect(normalizePost('$ETH.X to 5,000 &amp; beyond 🚀 @whale https://t.co/x')).toBe('$tkr to 0 & beyond 🚀 <user> <url>');
    expect(dedupKey('$BTC  Moon!!! https://x.y')).toBe(dedupKey('$ETH moon'));
  });

  it('names word, bigram, negation and character n-gram features', () => {
    const names = featureNames('bullish');
    expect(names).toEqual(expect.arrayContaining(['w:bullish', 'b:<s> bullish', 'b:bullish </s>', 'c: bu', 'c:llish']));
  });

  it('reads a negated polar word as its opposite: unigram and character n-grams, not its bigram or negation feature', () => {
    const names = featureNames('not bullish');
    expect(names).toEqual(expect.arrayContaining(['w:not', 'w:bearish', 'b:<s> not', 'b:not bullish', 'n:bullish', 'c: be', 'c:arish']));
    expect(names).not.toContain('w:bullish');
    expect(names).not.toContain('c:llish');
    // Outside the scope (3 words after the negator) a polar word is itself.
    expect(featureNames('not at all sure, bullish')).toContain('w:bullish');
  });

  it('tells the part of the post each feature comes from, as a reasoning shows it', () => {
    const units = new Map(features('$ETH not bullish').map((f) => [f.name, f.unit]));
    expect(units.get('b:<s> $tkr')).toBe('$TOKEN');
    expect(units.get('b:$tkr not')).toBe('"$TOKEN not"');
    // The cashtag placeholder counts only in its bigrams: no unigram, no character n-grams.
    expect(units.has('w:$tkr')).toBe(false);
    expect([...units.keys()].filter((n) => n.startsWith('c:') && n.includes('tkr'))).toEqual([]);
    expect(units.get('w:bearish')).toBe('"not … bullish"');
    expect(units.get('c:arish')).toBe('"not … bullish"');
    expect(units.get('b:not bullish')).toBe('"not bullish"');
    expect(units.get('n:bullish')).toBe('"not … bullish"');
  });
});

describe('training', () => {
  it('gives byte-identical model files for the same data, and a different one for another seed', () => {
    const a = JSON.stringify(buildModelFile(trainWeights(fixture(), hyper), meta));
    const b = JSON.stringify(buildModelFile(trainWeights(fixture(), hyper), meta));
    expect(a).toBe(b);
    const c = JSON.stringify(buildModelFile(trainWeights(fixture(), { ...hyper, seed: 7 }), meta));
    expect(c).not.toBe(a);
  });

  it('learns the fixture, and its model round-trips through the file format', () => {
    const model = new SentimentModel(buildModelFile(trainWeights(fixture(), hyper), meta));
    expect(model.predict('$BTC very bullish breakout, loading up').label).toBe('bullish');
    expect(model.predict('$ETH dumping, bearish breakdown, short it').label).toBe('bearish');
    expect(model.predict('earnings report due thursday').label).toBe('neutral');
  });

  it('splits deterministically and stratified: 15% test, 15% calibration in each label × crypto stratum', () => {
    const posts = Array.from({ length: 400 }, (_, i) => ({ key: `post ${i}`, label: i % 2 ? 'bullish' : 'bearish', crypto: i % 4 < 2 }));
    const first = splitPosts(posts);
    const again = splitPosts([...posts].reverse());
    for (const p of posts) expect(again.get(p)).toBe(first.get(p));
    for (const label of ['bullish', 'bearish'])
      for (const crypto of [true, false]) {
        const stratum = posts.filter((p) => p.label === label && p.crypto === crypto);
        expect(stratum.filter((p) => first.get(p) === 'test')).toHaveLength(15);
        expect(stratum.filter((p) => first.get(p) === 'calibration')).toHaveLength(15);
      }
  });

  it('computes accuracy, macro-F1, the confusion matrix and a reliability table', () => {
    const e = evaluate(['bullish', 'bearish', 'neutral', 'bullish'], ['bullish', 'bullish', 'neutral', 'bullish']);
    expect(e.accuracy).toBe(0.75);
    expect(e.confusion).toEqual([
      [2, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(e.recall).toEqual({ bullish: 1, bearish: 0, neutral: 1 });
    expect(e.macroF1).toBeCloseTo((0.8 + 0 + 1) / 3, 9);
    const r = reliability([0.95, 0.95, 0.55, 0.55], [true, true, true, false]);
    expect(r.bins).toEqual([
      { from: 0.5, to: 0.6, n: 2, meanConfidence: 0.55, accuracy: 0.5 },
      { from: 0.9, to: 1, n: 2, meanConfidence: 0.95, accuracy: 1 },
    ]);
    expect(r.ece).toBeCloseTo(0.5 * 0.05 + 0.5 * 0.05, 9);
  });
});
