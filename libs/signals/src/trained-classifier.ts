// The offline classifier and the LLM's fallback: the trained post-sentiment model (libs/signals/src/trained), with
// the lexicon's token extraction. bullish → LONG, bearish → SHORT, neutral → not a signal.
import { Classification, ClassifierRun, ClassifyInput, PostClassifier } from './classifier';
import { extractTokens } from './tickers';
import type { ModelFile, Prediction } from './trained/model';
import { SentimentModel } from './trained/model';

let defaultModel: SentimentModel | null = null;

/** The committed model, parsed on first use (about 800 KB of JSON). */
export function defaultSentimentModel(): SentimentModel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not with the barrel
  defaultModel ??= new SentimentModel((require('./trained/default-model') as { DEFAULT_MODEL_FILE: ModelFile }).DEFAULT_MODEL_FILE);
  return defaultModel;
}

const pct = (p: number) => p.toFixed(2);

export class TrainedClassifier implements PostClassifier {
  readonly name = 'trained';
  readonly model: string;
  private readonly sentiment: SentimentModel;

  constructor(model: SentimentModel = defaultSentimentModel()) {
    this.sentiment = model;
    this.model = `${model.name}-v${model.version}+${model.sha256.slice(0, 8)}`;
  }

  /** The model's call on a post's sentiment alone (no token needed). */
  predict(text: string): Prediction {
    return this.sentiment.predict(text);
  }

  async classify(input: ClassifyInput): Promise<ClassifierRun> {
    const started = performance.now();
    const tokens = extractTokens(input.text, input.knownSymbols);
    const p = this.sentiment.predict(input.text);
    const side = p.label === 'bullish' ? 'LONG' : p.label === 'bearish' ? 'SHORT' : null;
    const isSignal = side !== null && tokens.length > 0;
    const { bullish, bearish, neutral } = p.probabilities;
    const probs = `bullish ${pct(bullish)}, bearish ${pct(bearish)}, neutral ${pct(neutral)}`;
    let reasoning = `${this.model}: ${p.label} (${probs}); driven by ${p.drivers.length ? p.drivers.join(', ') : 'no known feature'}`;
    if (side === null) reasoning += '; neutral is not a trade signal';
    else if (tokens.length === 0) reasoning += '; no tradable token mentioned';
    const result: Classification = {
      isSignal,
      tokens,
      side: isSignal ? side : null,
      confidence: Math.round(p.probabilities[p.label] * 10000) / 10000,
      reasoning,
    };
    return {
      classifier: this.name,
      model: this.model,
      status: 'success',
      prompt: null,
      rawResponse: JSON.stringify({
        model: this.sentiment.name,
        version: this.sentiment.version,
        sha256: this.sentiment.sha256,
        label: p.label,
        probabilities: p.probabilities,
        drivers: p.drivers,
      }),
      result,
      latencyMs: Math.round(performance.now() - started),
      error: null,
    };
  }
}
