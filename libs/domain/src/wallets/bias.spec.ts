import { assetBias, BiasEvent, decay } from './bias';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const ev = (over: Partial<BiasEvent> = {}): BiasEvent => ({
  walletId: 'w1',
  time: NOW,
  biasImpact: '0.8',
  sizeFraction: '0.2',
  credibility: '8',
  ...over,
});
const negate = (e: BiasEvent): BiasEvent => ({ ...e, biasImpact: `${-Number(e.biasImpact)}` });

describe('assetBias: credibility-, size- and time-weighted impact', () => {
  it('one event: its impact, its wallet holds the whole weight', () => {
    expect(assetBias([ev()], NOW, '1h')).toEqual({ value: '0.800', components: { w1: '1.0000' }, confidence: '0.33' });
  });

  it('hand-worked: two wallets, one a half-life old', () => {
    // w1: 0.8 × 0.2 × 1 = 0.16, impact +0.8; w2: 0.6 × 0.4 × ½ = 0.12, impact −0.5
    // value = (0.128 − 0.06) / 0.28 = 0.242857… → 0.243; shares 0.16/0.28 = 0.5714, 0.12/0.28 = 0.4286
    // credible voices: w1 (+) and w2 (−); one agrees → 1 / (2 + 2) = 0.25
    const events = [ev(), ev({ walletId: 'w2', time: ago(15), biasImpact: '-0.5', sizeFraction: '0.4', credibility: '6' })];
    expect(assetBias(events, NOW, '1h')).toEqual({ value: '0.243', components: { w1: '0.5714', w2: '0.4286' }, confidence: '0.25' });
  });

  it('is symmetric: negated impacts → negated value, same shares and confidence', () => {
    const events = [
      ev(),
      ev({ walletId: 'w2', time: ago(30), biasImpact: '-0.3', sizeFraction: null, credibility: '9.5' }),
      ev({ walletId: 'w3', time: ago(7), biasImpact: '0.6', sizeFraction: '1.7', credibility: '4' }),
    ];
    for (const tf of ['1h', '4h', '24h'] as const) {
      const up = assetBias(events, NOW, tf);
      const down = assetBias(events.map(negate), NOW, tf);
      expect(Number(up.value)).not.toBe(0);
      expect(Number(down.value)).toBe(-Number(up.value));
      expect(down.components).toEqual(up.components);
      expect(down.confidence).toBe(up.confidence);
    }
  });

  it('weighs older events less, by the timeframe’s half-life', () => {
    const newer = ev({ walletId: 'new', biasImpact: '1' });
    const older = (minutes: number) => ev({ walletId: 'old', biasImpact: '-1', time: ago(minutes) });
    expect(assetBias([newer, older(0)], NOW, '1h').value).toBe('0.000');
    expect(assetBias([newer, older(15)], NOW, '1h')).toMatchObject({ value: '0.333', components: { new: '0.6667', old: '0.3333' } });
    expect(assetBias([newer, older(15)], NOW, '24h').value).toBe('0.014'); // (1 − 0.97153) / 1.97153, ½^(15/360) = 0.97153
    expect(Number(assetBias([newer, older(60)], NOW, '1h').value)).toBeGreaterThan(Number(assetBias([newer, older(15)], NOW, '1h').value));
  });

  it('ignores events after now, and gives 0 with no weight', () => {
    expect(assetBias([ev({ time: new Date(NOW.getTime() + 1) })], NOW, '1h')).toEqual({
      value: '0.000',
      components: {},
      confidence: '0.00',
    });
    expect(assetBias([], NOW, '4h')).toEqual({ value: '0.000', components: {}, confidence: '0.00' });
    expect(assetBias([ev({ credibility: '0' })], NOW, '4h').value).toBe('0.000');
  });

  it('confidence grows with agreeing credible wallets and ignores the not credible', () => {
    const wallets = (n: number, cred = '7') => Array.from({ length: n }, (_, i) => ev({ walletId: `w${i}`, credibility: cred }));
    expect(assetBias(wallets(3), NOW, '1h').confidence).toBe('0.60');
    expect(assetBias(wallets(10), NOW, '1h').confidence).toBe('0.83');
    expect(assetBias(wallets(10, '5.9'), NOW, '1h')).toMatchObject({ value: '0.800', confidence: '0.00' });
  });

  it('stays within bounds whatever the inputs', () => {
    const wild = [ev({ biasImpact: '7', sizeFraction: '9.9999', credibility: '42' }), ev({ walletId: 'w2', biasImpact: '-0.1' })];
    const b = assetBias(wild, NOW, '4h');
    expect(Number(b.value)).toBeLessThanOrEqual(1);
    expect(Number(b.value)).toBeGreaterThan(0);
    expect(Number(b.confidence)).toBeLessThanOrEqual(1);
    expect(assetBias([ev({ biasImpact: '-3' })], NOW, '4h').value).toBe('-1.000');
  });

  it('decay halves per half-life', () => {
    expect(decay(0, 1000).toFixed()).toBe('1');
    expect(decay(1000, 1000).toFixed()).toBe('0.5');
    expect(decay(2000, 1000).toFixed()).toBe('0.25');
  });
});
