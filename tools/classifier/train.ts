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
export const MODEL_VERSION = '3';

/** The hyperparameter grid tried on the calibration split (never on test); L2 1e-6 and the rest as DEFAULT_HYPERPARAMETERS. */
export const GRID: Array<Partial<Hyperparameters>> = [
  { epochs: 4, learningRate: 0.1 },
  { epochs: 8, learningRate: 0.1 },
  { epochs: 4, learningRate: 0.05 },
  { epochs: 8, learningRate: 0.05 },
];

export interface TrainResult {
  model: ModelFile;
  splits: Record<'train' | 'calibration' | 'test', LabeledPost[]>;
  /** per grid point, on the calibration split with its class offsets: macro-F1 on all posts and on crypto posts */
  selection: Array<{ hyper: Partial<Hyperparameters>; calibrationMacroF1: number; calibrationCryptoMacroF1: number }>;
}

/**
 * Splits; trains on train for each grid point and chooses its class offsets on calibration (balanceOffsets); keeps the
 * grid point of the best calibration score (the offsets' score); fits the temperature on calibration.
 */
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
  let best: { weights: TrainedWeights; score: number } | null = null;
  for (const g of grid) {
    const trained = trainWeights(splits.train, { ...base, ...g });
    const balanced = balanceOffsets(trained, splits.calibration, meta);
    selection.push({ hyper: g, calibrationMacroF1: round(balanced.all), calibrationCryptoMacroF1: round(balanced.crypto) });
    if (!best || balanced.score > best.score + 1e-9) best = { weights: { ...trained, bias: balanced.bias }, score: balanced.score };
  }
  const weights = best!.weights;
  const uncalibrated = new SentimentModel(buildModelFile(weights, meta));
  const temperature = fitTemperature(uncalibrated, splits.calibration);
  return { model: buildModelFile(weights, { ...meta, temperature }), splits, selection };
}

/** Largest gap allowed between bullish and bearish recall (the target). */
export const MAX_RECALL_GAP = 0.1;

/** Class offsets tried on the calibration split: bearish 0 to 2 and neutral −1 to 2, step 0.05. */
const BEARISH_OFFSETS = Array.from({ length: 41 }, (_, i) => Number((i * 0.05).toFixed(2)));
const NEUTRAL_OFFSETS = Array.from({ length: 61 }, (_, i) => Number((-1 + i * 0.05).toFixed(2)));

/**
 * The bias with a bearish and a neutral offset chosen on the calibration split. Score: the mean of the macro-F1 on
 * all calibration posts and on its crypto posts (the product reads crypto posts above all, and the crypto posts'
 * neutral class is the one the data is short of). Among offset pairs whose bearish recall is within MAX_RECALL_GAP of
 * the bullish recall (on all posts and on crypto posts), the best score; else the pair with the smallest gap.
 * Bearish posts are the rarest and the most costly to miss; the class weights alone leave them under-called.
 */
function balanceOffsets(
  t: TrainedWeights,
  calibration: LabeledPost[],
  meta: Parameters<typeof buildModelFile>[1],
): { bias: Float64Array; score: number; all: number; crypto: number } {
  const bearish = SENTIMENT_CLASSES.indexOf('bearish');
  const neutral = SENTIMENT_CLASSES.indexOf('neutral');
  const base = new SentimentModel(buildModelFile(t, meta));
  const logits = calibration.map((p) => {
    const pr = base.predict(p.text, 0).probabilities;
    return SENTIMENT_CLASSES.map((c) => Math.log(Math.max(pr[c], 1e-300)));
  });
  const truth = calibration.map((p) => p.label);
  const crypto = calibration.map((_, i) => i).filter((i) => calibration[i].crypto);
  let best: { offsets: [number, number]; ok: boolean; score: number; gap: number; all: number; crypto: number } | null = null;
  for (const ob of BEARISH_OFFSETS) {
    for (const on of NEUTRAL_OFFSETS) {
      const calls = logits.map((z) => {
        const y = z.map((x, k) => x + (k === bearish ? ob : k === neutral ? on : 0));
        return SENTIMENT_CLASSES[y.indexOf(Math.max(...y))];
      });
      const all = evaluate(truth, calls);
      const cr = evaluate(
        crypto.map((i) => truth[i]),
        crypto.map((i) => calls[i]),
      );
      const gap = Math.max(all.recall.bullish - all.recall.bearish, cr.recall.bullish - cr.recall.bearish);
      const candidate = {
        offsets: [ob, on] as [number, number],
        ok: gap <= MAX_RECALL_GAP,
        score: (all.macroF1 + cr.macroF1) / 2,
        gap,
        all: all.macroF1,
        crypto: cr.macroF1,
      };
      const better =
        !best ||
        (candidate.ok && !best.ok) ||
        (candidate.ok && best.ok && candidate.score > best.score + 1e-9) ||
        (!candidate.ok && !best.ok && candidate.gap < best.gap - 1e-9);
      if (better) best = candidate;
    }
  }
  const bias = Float64Array.from(t.bias);
  bias[bearish] += best!.offsets[0];
  bias[neutral] += best!.offsets[1];
  return { bias, score: best!.ok ? best!.score : -best!.gap, all: best!.all, crypto: best!.crypto };
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
