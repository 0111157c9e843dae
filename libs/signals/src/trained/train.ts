// Training of the post-sentiment model: deterministic stratified splits, AdaGrad on class-weighted softmax
// cross-entropy with L2, temperature scaling, pruning and int16 quantisation, and the evaluation figures.
import { createHash } from 'crypto';
import { hashedFeatures } from './features';
import { MODEL_FORMAT, ModelFile, modelContentHash, SENTIMENT_CLASSES, Sentiment, SentimentModel } from './model';

export interface LabeledPost {
  text: string;
  label: Sentiment;
  source: string;
  crypto: boolean;
}

export type Split = 'train' | 'calibration' | 'test';

export interface Hyperparameters {
  hashBits: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** features seen in fewer training posts get no weight */
  minCount: number;
  /** buckets kept in the file, by largest |weight| */
  maxFeatures: number;
  seed: number;
  /** loss weight of a crypto post labeled neutral (on top of its class weight) */
  cryptoNeutralWeight: number;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  hashBits: 20,
  epochs: 6,
  learningRate: 0.1,
  l2: 1e-6,
  minCount: 2,
  maxFeatures: 60000,
  seed: 18,
  cryptoNeutralWeight: 2,
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Deterministic stratified split: within each stratum (label × crypto) posts are ordered by the sha256 of their
 * dedup key and dealt round-robin, 3 in 20 to test, 3 in 20 to calibration, the rest to train. The same data always
 * gives the same split, and every stratum is split in the same proportions.
 */
export function splitPosts<T extends { key: string; label: string; crypto: boolean }>(posts: T[]): Map<T, Split> {
  const strata = new Map<string, Array<{ post: T; h: string }>>();
  for (const post of posts) {
    const s = `${post.label}|${post.crypto}`;
    if (!strata.has(s)) strata.set(s, []);
    strata.get(s)!.push({ post, h: sha256(post.key) });
  }
  const out = new Map<T, Split>();
  for (const members of strata.values()) {
    members.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    members.forEach(({ post }, i) => out.set(post, i % 20 < 3 ? 'test' : i % 20 < 6 ? 'calibration' : 'train'));
  }
  return out;
}

/** A small seeded PRNG (mulberry32): the training order depends on the seed only. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Encoded {
  buckets: Uint32Array;
  norm: number;
  y: number;
  /** the post's own loss weight (before the class weight) */
  w: number;
}

function encode(posts: LabeledPost[], hyper: Hyperparameters): Encoded[] {
  return posts.map((p) => {
    const f = hashedFeatures(p.text, hyper.hashBits);
    const w = p.crypto && p.label === 'neutral' ? hyper.cryptoNeutralWeight : 1;
    return { buckets: Uint32Array.from(f.keys()), norm: f.size ? 1 / Math.sqrt(f.size) : 0, y: SENTIMENT_CLASSES.indexOf(p.label), w };
  });
}

export interface TrainedWeights {
  hyper: Hyperparameters;
  weights: Float64Array;
  bias: Float64Array;
}

/** Trains the model's weights; deterministic for the same posts (in the same order) and hyperparameters. */
export function trainWeights(posts: LabeledPost[], hyper: Hyperparameters): TrainedWeights {
  const K = SENTIMENT_CLASSES.length;
  const D = 2 ** hyper.hashBits;
  const data = encode(posts, hyper);
  const counts = new Uint32Array(D);
  for (const e of data) for (const b of e.buckets) counts[b]++;
  const perClass = new Array(K).fill(0);
  for (const e of data) perClass[e.y] += e.w;
  // Class weights: every class weighs the same in the loss, so the rarer bearish posts are not drowned out. A post's
  // own weight (crypto neutral posts count cryptoNeutralWeight times) counts in its class's total.
  const classWeight = perClass.map((n) => (n ? data.length / (K * n) : 0));

  const W = new Float64Array(D * K);
  const G = new Float64Array(D * K);
  const bias = new Float64Array(K);
  const gBias = new Float64Array(K);
  const rand = mulberry32(hyper.seed);
  const order = data.map((_, i) => i);
  const logits = new Float64Array(K);
  const grad = new Float64Array(K);
  for (let epoch = 0; epoch < hyper.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const idx of order) {
      const e = data[idx];
      for (let c = 0; c < K; c++) logits[c] = bias[c];
      for (const b of e.buckets) {
        if (counts[b] < hyper.minCount) continue;
        for (let c = 0; c < K; c++) logits[c] += W[b * K + c] * e.norm;
      }
      let max = -Infinity;
      for (let c = 0; c < K; c++) max = Math.max(max, logits[c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(logits[c] - max);
      const cw = classWeight[e.y] * e.w;
      for (let c = 0; c < K; c++) grad[c] = cw * (Math.exp(logits[c] - max) / sum - (c === e.y ? 1 : 0));
      for (let c = 0; c < K; c++) {
        gBias[c] += grad[c] * grad[c];
        bias[c] -= (hyper.learningRate * grad[c]) / Math.sqrt(gBias[c] + 1e-8);
      }
      for (const b of e.buckets) {
        if (counts[b] < hyper.minCount) continue;
        for (let c = 0; c < K; c++) {
          const at = b * K + c;
          const g = grad[c] * e.norm + hyper.l2 * W[at];
          G[at] += g * g;
          W[at] -= (hyper.learningRate * g) / Math.sqrt(G[at] + 1e-8);
        }
      }
    }
  }
  return { hyper, weights: W, bias };
}

/** Keeps the maxFeatures buckets of largest |weight| and quantises them to int16. */
export function packWeights(t: TrainedWeights): Pick<ModelFile, 'buckets' | 'weights' | 'weightScale' | 'features' | 'bias'> {
  const K = SENTIMENT_CLASSES.length;
  const D = 2 ** t.hyper.hashBits;
  const strength: Array<{ b: number; s: number }> = [];
  for (let b = 0; b < D; b++) {
    let s = 0;
    for (let c = 0; c < K; c++) s = Math.max(s, Math.abs(t.weights[b * K + c]));
    if (s > 0) strength.push({ b, s });
  }
  strength.sort((x, y) => y.s - x.s || x.b - y.b);
  const kept = strength
    .slice(0, t.hyper.maxFeatures)
    .map((x) => x.b)
    .sort((x, y) => x - y);
  const maxAbs = kept.reduce((m, b) => Math.max(m, ...Array.from({ length: K }, (_, c) => Math.abs(t.weights[b * K + c]))), 0);
  const weightScale = Number((maxAbs / 32767 || 1).toPrecision(8));
  const buckets = Buffer.alloc(kept.length * 4);
  const weights = Buffer.alloc(kept.length * K * 2);
  kept.forEach((b, i) => {
    buckets.writeUInt32LE(b, i * 4);
    for (let c = 0; c < K; c++) weights.writeInt16LE(Math.round(t.weights[b * K + c] / weightScale), (i * K + c) * 2);
  });
  return {
    buckets: buckets.toString('base64'),
    weights: weights.toString('base64'),
    weightScale,
    features: kept.length,
    bias: Array.from(t.bias, (x) => Number(x.toFixed(6))),
  };
}

/** Builds the model file; temperature 1 until calibrated. */
export function buildModelFile(
  t: TrainedWeights,
  meta: { name: string; version: string; temperature: number; data: ModelFile['data'] },
): ModelFile {
  const body: Omit<ModelFile, 'sha256'> = {
    format: MODEL_FORMAT,
    name: meta.name,
    version: meta.version,
    classes: [...SENTIMENT_CLASSES],
    hashBits: t.hyper.hashBits,
    temperature: meta.temperature,
    ...packWeights(t),
    hyperparameters: { ...t.hyper },
    data: meta.data,
  };
  return { ...body, sha256: modelContentHash(body) };
}

/** The temperature (0.25–4, step 0.01) that minimises the log-loss of the model's probabilities on these posts. */
export function fitTemperature(model: SentimentModel, posts: LabeledPost[]): number {
  const logits = posts.map((p) => {
    const probs = model.predict(p.text, 0).probabilities;
    // Recover the logits up to a constant from the model's current probabilities (at its current temperature).
    return SENTIMENT_CLASSES.map((c) => Math.log(Math.max(probs[c], 1e-300)) * model.file.temperature);
  });
  let best = { t: 1, nll: Infinity };
  for (let t = 0.25; t <= 4.0001; t += 0.01) {
    const T = Number(t.toFixed(2));
    let nll = 0;
    posts.forEach((p, i) => {
      const z = logits[i].map((x) => x / T);
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((a, x) => a + Math.exp(x - max), 0));
      nll += lse - z[SENTIMENT_CLASSES.indexOf(p.label)];
    });
    if (nll < best.nll - 1e-12) best = { t: T, nll };
  }
  return best.t;
}

export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  /** confusion[true][predicted], classes in SENTIMENT_CLASSES order */
  confusion: number[][];
  recall: Record<Sentiment, number>;
  precision: Record<Sentiment, number>;
  f1: Record<Sentiment, number>;
}

export function evaluate(truth: Sentiment[], predicted: Sentiment[]): Evaluation {
  const K = SENTIMENT_CLASSES.length;
  const confusion = Array.from({ length: K }, () => new Array(K).fill(0));
  truth.forEach((t, i) => confusion[SENTIMENT_CLASSES.indexOf(t)][SENTIMENT_CLASSES.indexOf(predicted[i])]++);
  const recall = {} as Record<Sentiment, number>;
  const precision = {} as Record<Sentiment, number>;
  const f1 = {} as Record<Sentiment, number>;
  let correct = 0;
  SENTIMENT_CLASSES.forEach((c, k) => {
    const tp = confusion[k][k];
    correct += tp;
    const row = confusion[k].reduce((a, b) => a + b, 0);
    const col = confusion.reduce((a, r) => a + r[k], 0);
    recall[c] = row ? tp / row : 0;
    precision[c] = col ? tp / col : 0;
    f1[c] = recall[c] + precision[c] ? (2 * recall[c] * precision[c]) / (recall[c] + precision[c]) : 0;
  });
  const macroF1 = SENTIMENT_CLASSES.reduce((a, c) => a + f1[c], 0) / K;
  return { n: truth.length, accuracy: truth.length ? correct / truth.length : 0, macroF1, confusion, recall, precision, f1 };
}

export interface ReliabilityBin {
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

/** Reliability of the top-class probability in 10 equal-width bins, and the expected calibration error. */
export function reliability(confidence: number[], correct: boolean[]): { bins: ReliabilityBin[]; ece: number } {
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let i = 0; i < 10; i++) {
    const from = i / 10;
    const to = (i + 1) / 10;
    const idx = confidence.map((_, j) => j).filter((j) => confidence[j] >= from && (i === 9 ? confidence[j] <= to : confidence[j] < to));
    const n = idx.length;
    const meanConfidence = n ? idx.reduce((a, j) => a + confidence[j], 0) / n : 0;
    const accuracy = n ? idx.filter((j) => correct[j]).length / n : 0;
    if (n) bins.push({ from, to, n, meanConfidence, accuracy });
    ece += (n / Math.max(1, confidence.length)) * Math.abs(meanConfidence - accuracy);
  }
  return { bins, ece };
}
