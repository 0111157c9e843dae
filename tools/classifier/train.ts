// Trains the post classifier: `npm run train:classifier -- [posts.jsonl]`. Picks hyperparameters on the calibration
// split, fits the temperature there, and reports the held-out test split (trained model and lexicon side by side).
// The same posts file always gives the same model file, byte for byte.
import { createHash } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { PostClassifier } from '../../libs/signals/src/classifier';
import { LexiconClassifier } from '../../libs/signals/src/lexicon';
import { TrainedClassifier } from '../../libs/signals/src/trained-classifier';
import { dedupKey } from '../../libs/signals/src/trained/features';
import { ModelFile, SENTIMENT_CLASSES, Sentiment, SentimentModel } from '../../libs/signals/src/trained/model';
import {
  buildModelFile,
  DEFAULT_HYPERPARAMETERS,
  evaluate,
  fitTemperature,
  Hyperparameters,
  LabeledPost,
  reliability,
  splitPosts,
  TrainedWeights,
  trainWeights,
} from '../../libs/signals/src/trained/train';
import { parseJsonl } from './data';
import { DEFAULT_DATA_DIR, EVALUATION_PATH, MODEL_PATH } from './paths';

export const MODEL_NAME = 'conduit-post-sentiment';
export const MODEL_VERSION = '1';

/** The hyperparameter grid tried on the calibration split (never on test). */
export const GRID: Array<Partial<Hyperparameters>> = [
  { epochs: 4, l2: 1e-6 },
  { epochs: 8, l2: 1e-6 },
  { epochs: 4, l2: 1e-5 },
  { epochs: 8, l2: 1e-5 },
];

export interface TrainResult {
  model: ModelFile;
  splits: Record<'train' | 'calibration' | 'test', LabeledPost[]>;
  selection: Array<{ hyper: Partial<Hyperparameters>; calibrationMacroF1: number }>;
}

/** Splits, selects hyperparameters on calibration, trains on train, fits the temperature on calibration. */
export function trainFromPosts(posts: LabeledPost[], dataSha256: string, grid = GRID, base = DEFAULT_HYPERPARAMETERS): TrainResult {
  const keyed = posts.map((p) => ({ ...p, key: dedupKey(p.text) }));
  const split = splitPosts(keyed);
  const splits: TrainResult['splits'] = { train: [], calibration: [], test: [] };
  for (const p of keyed) splits[split.get(p)!].push({ text: p.text, label: p.label, source: p.source, crypto: p.crypto });
  const data = {
    sha256: dataSha256,
    rows: posts.length,
    train: splits.train.length,
    calibration: splits.calibration.length,
    test: splits.test.length,
  };
  const meta = { name: MODEL_NAME, version: MODEL_VERSION, temperature: 1, data };

  const selection: TrainResult['selection'] = [];
  let best: { hyper: Hyperparameters; f1: number } | null = null;
  for (const g of grid) {
    const hyper = { ...base, ...g };
    const model = new SentimentModel(buildModelFile(trainWeights(splits.train, hyper), meta));
    const f1 = evaluate(
      splits.calibration.map((p) => p.label),
      splits.calibration.map((p) => model.predict(p.text, 0).label),
    ).macroF1;
    selection.push({ hyper: g, calibrationMacroF1: Number(f1.toFixed(4)) });
    if (!best || f1 > best.f1 + 1e-9) best = { hyper, f1 };
  }
  const trained = trainWeights(splits.train, best!.hyper);
  const weights = { ...trained, bias: balanceBearish(trained, splits.calibration, meta) };
  const uncalibrated = new SentimentModel(buildModelFile(weights, meta));
  const temperature = fitTemperature(uncalibrated, splits.calibration);
  return { model: buildModelFile(weights, { ...meta, temperature }), splits, selection };
}

/** Largest gap allowed between bullish and bearish recall (the target). */
export const MAX_RECALL_GAP = 0.1;

/**
 * The bias with a bearish offset (0 to 2, step 0.05) chosen on the calibration split: the best macro-F1 among offsets
 * whose bearish recall is within MAX_RECALL_GAP of the bullish recall, else the offset with the smallest gap.
 * Bearish posts are the rarest and the most costly to miss; the class weights alone leave them under-called.
 */
function balanceBearish(t: TrainedWeights, calibration: LabeledPost[], meta: Parameters<typeof buildModelFile>[1]): Float64Array {
  const bearish = SENTIMENT_CLASSES.indexOf('bearish');
  const base = new SentimentModel(buildModelFile(t, meta));
  const probs = calibration.map((p) => base.predict(p.text, 0).probabilities);
  const truth = calibration.map((p) => p.label);
  let best: { offset: number; ok: boolean; f1: number; gap: number } | null = null;
  for (let i = 0; i <= 40; i++) {
    const offset = i * 0.05;
    const calls = probs.map((pr) => {
      const z = SENTIMENT_CLASSES.map((c, k) => Math.log(Math.max(pr[c], 1e-300)) + (k === bearish ? offset : 0));
      return SENTIMENT_CLASSES[z.indexOf(Math.max(...z))];
    });
    const e = evaluate(truth, calls);
    const gap = e.recall.bullish - e.recall.bearish;
    const candidate = { offset, ok: gap <= MAX_RECALL_GAP, f1: e.macroF1, gap };
    const better =
      !best ||
      (candidate.ok && !best.ok) ||
      (candidate.ok && best.ok && candidate.f1 > best.f1 + 1e-9) ||
      (!candidate.ok && !best.ok && candidate.gap < best.gap - 1e-9);
    if (better) best = candidate;
  }
  const bias = Float64Array.from(t.bias);
  bias[bearish] += best!.offset;
  return bias;
}

const round = (x: number) => Number(x.toFixed(4));

async function lexiconSentiment(lexicon: LexiconClassifier, text: string): Promise<Sentiment> {
  // Sentiment alone: every post is given a tradable token, so only the lexicon's score decides.
  const run = await lexicon.classify({ text: `${text} $BTC`, knownSymbols: new Set(['BTC']) });
  return run.result?.side === 'LONG' ? 'bullish' : run.result?.side === 'SHORT' ? 'bearish' : 'neutral';
}

/** The product's call read as a sentiment: LONG → bullish, SHORT → bearish, no signal → neutral (any cashtag is a token). */
async function productCall(classifier: PostClassifier, text: string): Promise<Sentiment> {
  const run = await classifier.classify({ text, knownSymbols: new Set() });
  return run.result?.side === 'LONG' ? 'bullish' : run.result?.side === 'SHORT' ? 'bearish' : 'neutral';
}

/**
 * Test-split figures, overall and for crypto and non-crypto posts, for the trained model and the lexicon: on the
 * sentiment alone, and as the product's call (which also needs a tradable token in the post).
 */
export async function evaluateTest(file: ModelFile, test: LabeledPost[]) {
  const model = new SentimentModel(file);
  const lexicon = new LexiconClassifier();
  const predictions = test.map((p) => model.predict(p.text, 0));
  const lexiconCalls: Sentiment[] = [];
  for (const p of test) lexiconCalls.push(await lexiconSentiment(lexicon, p.text));
  const trainedClassifier = new TrainedClassifier(model);
  const trainedProduct: Sentiment[] = [];
  const lexiconProduct: Sentiment[] = [];
  for (const p of test) {
    trainedProduct.push(await productCall(trainedClassifier, p.text));
    lexiconProduct.push(await productCall(lexicon, p.text));
  }
  const slice = (keep: (p: LabeledPost) => boolean) => {
    const idx = test.map((_, i) => i).filter((i) => keep(test[i]));
    const truth = idx.map((i) => test[i].label);
    const summary = (e: ReturnType<typeof evaluate>) => ({
      n: e.n,
      accuracy: round(e.accuracy),
      macroF1: round(e.macroF1),
      recall: Object.fromEntries(SENTIMENT_CLASSES.map((c) => [c, round(e.recall[c])])),
      f1: Object.fromEntries(SENTIMENT_CLASSES.map((c) => [c, round(e.f1[c])])),
      confusion: e.confusion,
    });
    return {
      trained: summary(
        evaluate(
          truth,
          idx.map((i) => predictions[i].label),
        ),
      ),
      lexicon: summary(
        evaluate(
          truth,
          idx.map((i) => lexiconCalls[i]),
        ),
      ),
      trainedProductCall: summary(
        evaluate(
          truth,
          idx.map((i) => trainedProduct[i]),
        ),
      ),
      lexiconProductCall: summary(
        evaluate(
          truth,
          idx.map((i) => lexiconProduct[i]),
        ),
      ),
    };
  };
  const rel = reliability(
    predictions.map((p) => p.probabilities[p.label]),
    predictions.map((p, i) => p.label === test[i].label),
  );
  return {
    classes: SENTIMENT_CLASSES,
    all: slice(() => true),
    crypto: slice((p) => p.crypto),
    nonCrypto: slice((p) => !p.crypto),
    reliability: {
      ece: round(rel.ece),
      bins: rel.bins.map((b) => ({ ...b, meanConfidence: round(b.meanConfidence), accuracy: round(b.accuracy) })),
    },
  };
}

async function main() {
  const dataPath = process.argv[2] ?? join(DEFAULT_DATA_DIR, 'posts.jsonl');
  const bytes = readFileSync(dataPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const started = Date.now();
  const { model, splits, selection } = trainFromPosts(parseJsonl(bytes.toString('utf8')), sha);
  writeFileSync(MODEL_PATH, JSON.stringify(model, null, 2) + '\n');
  const test = await evaluateTest(model, splits.test);
  const counts = (posts: LabeledPost[]) => ({
    n: posts.length,
    crypto: posts.filter((p) => p.crypto).length,
    ...Object.fromEntries(SENTIMENT_CLASSES.map((c) => [c, posts.filter((p) => p.label === c).length])),
  });
  const evaluation = {
    model: { name: model.name, version: model.version, sha256: model.sha256, features: model.features, temperature: model.temperature },
    data: model.data,
    splits: { train: counts(splits.train), calibration: counts(splits.calibration), test: counts(splits.test) },
    selection,
    chosen: model.hyperparameters,
    test,
  };
  writeFileSync(EVALUATION_PATH, JSON.stringify(evaluation, null, 2) + '\n');
  console.log(JSON.stringify({ ...evaluation, test: { all: test.all, crypto: test.crypto, nonCrypto: test.nonCrypto } }, null, 1));
  console.error(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s; model ${MODEL_PATH}, evaluation ${EVALUATION_PATH}`);
}

if (require.main === module) void main();
