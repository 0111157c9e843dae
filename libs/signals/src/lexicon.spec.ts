import Sentiment from 'sentiment';
import { CRYPTO_LEXICON, LexiconClassifier, lexiconConfidence } from './lexicon';

const KNOWN = new Set(['BTC', 'ETH', 'SOL', 'WIN']);
const lexicon = new LexiconClassifier();
const classify = (text: string, knownSymbols: ReadonlySet<string> = KNOWN) => lexicon.classify({ text, knownSymbols });

describe('LexiconClassifier', () => {
  it('calls a bullish post a LONG signal and names its words', async () => {
    const run = await classify('Bullish on $ETH here, breakout, next stop the moon');
    expect(run).toMatchObject({ classifier: 'lexicon', model: 'lexicon-v1', status: 'success', prompt: null, error: null });
    expect(run.result).toEqual({
      isSignal: true,
      tokens: ['ETH'],
      side: 'LONG',
      confidence: 0.95,
      reasoning: 'lexicon: +9 (bullish, breakout, moon)',
    });
    expect(JSON.parse(run.rawResponse!)).toMatchObject({ score: 9, positive: ['bullish', 'breakout', 'moon'], negative: [] });
    expect(run.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('calls a bearish post a SHORT signal', async () => {
    const run = await classify('BTC looks bearish, shorting the breakdown');
    expect(run.result).toEqual({
      isSignal: true,
      tokens: ['BTC'],
      side: 'SHORT',
      confidence: 0.95,
      reasoning: 'lexicon: -8 (bearish, shorting, breakdown)',
    });
  });

  it('reads trade-plan words as neutral', async () => {
    const run = await classify('Long ETH here, stop loss 3200, take profit 3600, risk/reward 3');
    expect(run.result).toMatchObject({ isSignal: true, side: 'LONG', confidence: 0.6, reasoning: 'lexicon: +2 (long)' });
  });

  it('follows negation', async () => {
    const run = await classify('not bearish on SOL');
    expect(run.result).toMatchObject({ isSignal: true, side: 'LONG', tokens: ['SOL'] });
  });

  it('does not call a neutral post a signal', async () => {
    const run = await classify('ETH upgrade scheduled for Tuesday at 14:00 UTC');
    expect(run.result).toEqual({
      isSignal: false,
      tokens: ['ETH'],
      side: null,
      confidence: 0,
      reasoning: 'lexicon: 0 (no sentiment words); |score| below 2',
    });
  });

  it('needs |score| of at least 2', async () => {
    expect((await classify('decent bid on ETH')).result).toMatchObject({ isSignal: false, side: null, confidence: 0 });
    expect((await classify('buy ETH')).result).toMatchObject({ isSignal: true, side: 'LONG', confidence: 0.6 });
  });

  it('finds no tokens in a stablecoin-only post', async () => {
    const run = await classify('Bullish on $USDT yields, buying more USDC', new Set(['USDT', 'USDC', 'ETH']));
    expect(run.result).toMatchObject({ isSignal: false, tokens: [], side: null, confidence: 0 });
    expect(run.result!.reasoning).toContain('no tradable token mentioned');
  });

  it('does not read ticker symbols as sentiment words', async () => {
    // "win" is +4 in AFINN; $WIN and WIN are the token here.
    const run = await classify('$WIN WIN update');
    expect(run.result).toMatchObject({ isSignal: false, tokens: ['WIN'], side: null });
  });

  it('is deterministic', async () => {
    const text = 'Accumulating $SOL, undervalued, wagmi. Selling some ETH though.';
    const [a, b] = [await classify(text), await classify(text)];
    expect(a.result).toEqual(b.result);
    expect(a.rawResponse).toEqual(b.rawResponse);
  });

  it('leaves the shared sentiment English labels alone', async () => {
    await classify('long ETH');
    expect(new Sentiment().analyze('long bullish').score).toBe(0);
  });

  it('squashes the score into a confidence', () => {
    expect([2, 3, 5, 6, 20, -3].map(lexiconConfidence)).toEqual([0.6, 0.7, 0.9, 0.95, 0.95, 0.7]);
    expect(Object.values(CRYPTO_LEXICON).every((v) => Number.isInteger(v) && v >= -5 && v <= 5)).toBe(true);
  });
});
