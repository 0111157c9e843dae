// The trained post-sentiment model: its file format, loading and inference (multinomial logistic regression over
// hashed word and character n-grams, temperature-calibrated).
import { createHash } from 'crypto';
import { hashedFeatures } from './features';

export const SENTIMENT_CLASSES = ['bullish', 'bearish', 'neutral'] as const;
export type Sentiment = (typeof SENTIMENT_CLASSES)[number];
export const MODEL_FORMAT = 'conduit-linear-softmax/1';

/** The model file (JSON): sparse weights quantised to int16, in base64. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  name: string;
  version: string;
  classes: Sentiment[];
  hashBits: number;
  /** logits are divided by it before the softmax (temperature scaling, fitted on the calibration split) */
  temperature: number;
  bias: number[];
  /** weight = int16 × weightScale */
  weightScale: number;
  /** number of buckets kept */
  features: number;
  /** sorted bucket ids, uint32 little-endian, base64 */
  buckets: string;
  /** classes.length int16 little-endian per bucket, in bucket order, base64 */
  weights: string;
  hyperparameters: Record<string, number | string>;
  data: { sha256: string; rows: number; train: number; calibration: number; test: number };
  /** sha256 of the file's JSON without this field */
  sha256: string;
}

export interface Prediction {
  label: Sentiment;
  probabilities: Record<Sentiment, number>;
  /** the parts of the post (words, "word pairs", emoji) whose features pushed most towards the label, strongest first */
  drivers: string[];
}

/** sha256 of a model file's content without its own sha256 field. */
export function modelContentHash(file: Omit<ModelFile, 'sha256'> & { sha256?: string }): string {
  const { sha256: _ignored, ...rest } = file;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export class SentimentModel {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  /** bucket → offset of its classes' weights in `weights` */
  private readonly rows = new Map<number, number>();
  private readonly weights: Float64Array;
  private readonly bias: number[];
  private readonly temperature: number;
  private readonly bits: number;
  private readonly k: number;

  constructor(readonly file: ModelFile) {
    if (file.format !== MODEL_FORMAT) throw new Error(`unknown model format ${file.format}`);
    if (file.classes.join() !== SENTIMENT_CLASSES.join()) throw new Error(`model classes must be ${SENTIMENT_CLASSES.join(', ')}`);
    if (modelContentHash(file) !== file.sha256) throw new Error('model file does not match its sha256');
    this.name = file.name;
    this.version = file.version;
    this.sha256 = file.sha256;
    this.bias = file.bias;
    this.temperature = file.temperature;
    this.bits = file.hashBits;
    this.k = file.classes.length;
    const buckets = Buffer.from(file.buckets, 'base64');
    const weights = Buffer.from(file.weights, 'base64');
    if (buckets.length !== file.features * 4 || weights.length !== file.features * this.k * 2) throw new Error('model file is truncated');
    this.weights = new Float64Array(file.features * this.k);
    for (let i = 0; i < file.features; i++) {
      for (let c = 0; c < this.k; c++) this.weights[i * this.k + c] = weights.readInt16LE((i * this.k + c) * 2) * file.weightScale;
      this.rows.set(buckets.readUInt32LE(i * 4), i * this.k);
    }
  }

  /** Class probabilities of a post, and the parts of it that drove the most probable class. */
  predict(text: string, topDrivers = 5): Prediction {
    const features = hashedFeatures(text, this.bits);
    const norm = features.size ? 1 / Math.sqrt(features.size) : 0;
    const logits = [...this.bias];
    const used: Array<{ unit: string; at: number }> = [];
    for (const [bucket, unit] of features) {
      const at = this.rows.get(bucket);
      if (at === undefined) continue;
      used.push({ unit, at });
      for (let c = 0; c < this.k; c++) logits[c] += this.weights[at + c] * norm;
    }
    const probs = softmax(logits.map((z) => z / this.temperature));
    let best = 0;
    for (let c = 1; c < this.k; c++) if (probs[c] > probs[best]) best = c;
    const margin = (at: number) => {
      let others = 0;
      for (let c = 0; c < this.k; c++) if (c !== best) others += this.weights[at + c];
      return this.weights[at + best] - others / (this.k - 1);
    };
    // A word's weight towards the label is the sum of its features' (the word, its character n-grams, the bigram it ends).
    const byUnit = new Map<string, number>();
    if (topDrivers > 0) for (const { unit, at } of used) byUnit.set(unit, (byUnit.get(unit) ?? 0) + margin(at) * norm);
    const drivers = [...byUnit]
      .filter(([, m]) => m > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, topDrivers)
      .map(([unit]) => unit);
    const probabilities = Object.fromEntries(SENTIMENT_CLASSES.map((c, i) => [c, probs[i]])) as Record<Sentiment, number>;
    return { label: SENTIMENT_CLASSES[best], probabilities, drivers };
  }
}

export function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}
