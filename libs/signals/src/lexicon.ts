// Deterministic fallback classifier: AFINN sentiment plus a small crypto lexicon, tokens from extractTokens.
import Sentiment from 'sentiment';
import AFINN from 'sentiment/languages/en/labels.json';
import NEGATORS from 'sentiment/languages/en/negators.json';
import { Classification, ClassifierRun, ClassifyInput, PostClassifier } from './classifier';
import { extractTokens } from './tickers';

/** Crypto-trading words on AFINN's -5..5 scale (single words only; the tokenizer splits on spaces). Overrides AFINN. */
export const CRYPTO_LEXICON: Record<string, number> = {
  bullish: 3,
  bearish: -3,
  long: 2,
  longs: 2,
  longing: 2,
  short: -2,
  shorts: -2,
  shorting: -2,
  moon: 3,
  mooning: 3,
  pump: 2,
  pumping: 2,
  dump: -3,
  dumping: -3,
  rekt: -3,
  breakout: 3,
  breakdown: -3,
  ath: 2,
  accumulate: 2,
  accumulating: 2,
  buy: 2,
  buying: 2,
  sell: -2,
  selling: -2,
  rug: -4,
  rugged: -4,
  scam: -4,
  liquidated: -3,
  capitulation: -3,
  undervalued: 2,
  overvalued: -2,
  oversold: 2,
  overbought: -2,
  uptrend: 2,
  downtrend: -2,
  rally: 2,
  crash: -3,
  bid: 1,
  ngmi: -3,
  wagmi: 2,
  send: 2,
  sending: 2,
  hodl: 1,
  // AFINN words that mislead on crypto posts ("local top is in", "ignore the fud").
  top: 0,
  fud: -1,
  // Trade-plan words, present in long and short calls alike ("stop loss", "take profit", "risk/reward", "support").
  stop: 0,
  loss: 0,
  risk: 0,
  reward: 0,
  profit: 0,
  profits: 0,
  support: 0,
};

/** A post is a signal when it names a token and |score| reaches this. */
export const LEXICON_SIGNAL_THRESHOLD = 2;

/** Confidence of a signal: min(0.95, 0.4 + 0.1·|score|), rounded to 2 decimals (|score| 2 → 0.6, 5 → 0.9). */
export function lexiconConfidence(score: number): number {
  return Math.round(Math.min(0.95, 0.4 + 0.1 * Math.abs(score)) * 100) / 100;
}

// A private language rather than `extras`: sentiment merges extras into its shared English labels in place,
// which would leak this lexicon into every other Sentiment user in the process (and theirs into ours).
const LANGUAGE = 'conduit-crypto';
const negators = NEGATORS as Record<string, number>;
const sentiment = new Sentiment();
sentiment.registerLanguage(LANGUAGE, {
  labels: { ...(AFINN as Record<string, number>), ...CRYPTO_LEXICON },
  // AFINN's English strategy: a word right after a negator ("not bullish") flips sign.
  scoringStrategy: { apply: (tokens, cursor, score) => (cursor > 0 && negators[tokens[cursor - 1]] ? -score : score) },
});

const CASHTAG = /(?<![A-Za-z0-9$])\$[A-Za-z][A-Za-z0-9]*/g;
const WORD = /(?<![A-Za-z0-9$])[A-Za-z0-9]+(?![A-Za-z0-9])/g;

/** The text without symbol mentions, so tickers such as $WIN or GAS don't count as sentiment words. */
function withoutSymbols(text: string, knownSymbols: ReadonlySet<string>): string {
  return text.replace(CASHTAG, ' ').replace(WORD, (w) => (knownSymbols.has(w) ? ' ' : w));
}

const unique = (words: string[]) => [...new Set(words)];

export class LexiconClassifier implements PostClassifier {
  readonly name = 'lexicon';
  readonly model = 'lexicon-v1';

  async classify(input: ClassifyInput): Promise<ClassifierRun> {
    const started = performance.now();
    const tokens = extractTokens(input.text, input.knownSymbols);
    const analysis = sentiment.analyze(withoutSymbols(input.text, input.knownSymbols), { language: LANGUAGE });
    const score = analysis.score;
    // sentiment walks the tokens backwards; reverse to text order.
    const positive = unique([...analysis.positive].reverse());
    const negative = unique([...analysis.negative].reverse());
    const side = score > 0 ? 'LONG' : score < 0 ? 'SHORT' : null;
    const isSignal = tokens.length > 0 && side !== null && Math.abs(score) >= LEXICON_SIGNAL_THRESHOLD;
    const drivers = side === 'LONG' ? positive : side === 'SHORT' ? negative : [];
    const signed = score > 0 ? `+${score}` : String(score);
    let reasoning = `lexicon: ${signed} (${drivers.length ? drivers.join(', ') : 'no sentiment words'})`;
    if (!isSignal && tokens.length === 0) reasoning += '; no tradable token mentioned';
    else if (!isSignal) reasoning += `; |score| below ${LEXICON_SIGNAL_THRESHOLD}`;

    const result: Classification = {
      isSignal,
      tokens,
      side: isSignal ? side : null,
      confidence: isSignal ? lexiconConfidence(score) : 0,
      reasoning,
    };
    return {
      classifier: this.name,
      model: this.model,
      status: 'success',
      prompt: null,
      rawResponse: JSON.stringify({ score, comparative: analysis.comparative, positive, negative }),
      result,
      latencyMs: Math.round(performance.now() - started),
      error: null,
    };
  }
}
