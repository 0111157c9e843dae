import {
  aggregateEvidence,
  Evidence,
  IMPACT_FACTOR_MAX,
  IMPACT_FACTOR_MIN,
  marketAdjustedConfidence,
  nextImpactFactor,
  signalParameters,
  sixHourBucket,
} from './signal-generation';

const post = (over: Partial<Evidence>): Evidence => ({
  kind: 'ct_post',
  sourceId: 't1',
  token: 'ETH',
  side: 'LONG',
  confidence: 0.9,
  quality: 0.8,
  weight: 1,
  ...over,
});

describe('sixHourBucket', () => {
  it.each([
    ['2026-11-22T00:00:00.000Z', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T05:59:59.999Z', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T06:00:00.000Z', '2026-11-22T06:00:00.000Z'],
    ['2026-11-22T23:10:00.000Z', '2026-11-22T18:00:00.000Z'],
  ])('%s falls in the bucket starting %s', (at, start) => {
    expect(sixHourBucket(new Date(at)).toISOString()).toBe(start);
  });
});

describe('aggregateEvidence', () => {
  it('takes one post at weight × impact × confidence', () => {
    const [v] = aggregateEvidence([post({})]);
    expect(v).toMatchObject({ token: 'ETH', side: 'LONG', confidence: 0.72, support: { LONG: 0.72, SHORT: 0 } });
    expect(v.sources.map((s) => s.sourceId)).toEqual(['t1']);
  });

  it('combines agreeing sources as a noisy-OR and subtracts the other side', () => {
    const [v] = aggregateEvidence([
      post({}),
      post({ sourceId: 't2' }),
      post({ sourceId: 't3', side: 'SHORT', confidence: 0.5, quality: 0.5 }),
    ]);
    // LONG: 1 − 0.28² = 0.9216; SHORT: 0.25 → 0.6716
    expect(v).toMatchObject({ side: 'LONG', confidence: 0.6716, support: { LONG: 0.9216, SHORT: 0.25 } });
    expect(v.sources.map((s) => s.sourceId)).toEqual(['t1', 't2']);
  });

  it('ignores sources of weight zero and has no side on a tie', () => {
    expect(aggregateEvidence([post({ weight: 0 })])).toEqual([]);
    const [tie] = aggregateEvidence([post({}), post({ sourceId: 't2', side: 'SHORT' })]);
    expect(tie).toMatchObject({ side: null, confidence: 0, sources: [] });
  });

  it('is symmetric in the side and bounded by 1', () => {
    const many = Array.from({ length: 50 }, (_, i) => post({ sourceId: `t${i}`, side: 'SHORT', confidence: 1, quality: 1 }));
    const [v] = aggregateEvidence(many);
    expect(v.side).toBe('SHORT');
    expect(v.confidence).toBeLessThanOrEqual(1);
    expect(v.confidence).toBeGreaterThan(0.99);
  });

  it('orders tokens by confidence', () => {
    expect(aggregateEvidence([post({ token: 'BTC', confidence: 0.5 }), post({})]).map((v) => v.token)).toEqual(['ETH', 'BTC']);
  });
});

describe('marketAdjustedConfidence', () => {
  it('leaves a move with the side alone and penalises one against it, at most by a quarter', () => {
    expect(marketAdjustedConfidence(0.8, 'LONG', { ret_6h: 0.03 })).toEqual({ confidence: 0.8, note: null });
    expect(marketAdjustedConfidence(0.8, 'LONG', { ret_6h: -0.02, volatility_24h: 0.04 }).confidence).toBe(0.7);
    expect(marketAdjustedConfidence(0.8, 'SHORT', { ret_6h: 0.5, volatility_24h: 0.04 }).confidence).toBe(0.6);
    expect(marketAdjustedConfidence(0.8, 'SHORT', null)).toEqual({ confidence: 0.8, note: null });
  });
});

describe('signalParameters', () => {
  it('sizes 5% at the threshold and 25% at certainty, leverage by confidence', () => {
    expect(signalParameters(0.6, 0.6, null).sizeModel).toEqual({ type: 'percentage', value: 5, leverage: 1 });
    expect(signalParameters(1, 0.6, null).sizeModel).toEqual({ type: 'percentage', value: 25, leverage: 3 });
    expect(signalParameters(0.72, 0.6, null).sizeModel).toEqual({ type: 'percentage', value: 11, leverage: 2 });
  });

  it('shrinks size and widens the stop for volatile tokens', () => {
    const calm = signalParameters(0.8, 0.6, { volatility_24h: 0.02 });
    const wild = signalParameters(0.8, 0.6, { volatility_24h: 0.08 });
    expect(calm.sizeModel.value).toBe(15);
    expect(wild.sizeModel.value).toBe(7.5);
    expect(calm.riskModel).toEqual({ type: 'trailing-stop', stop: 0.03, take_profit: 0.06, activation: 0.03 });
    expect(wild.riskModel).toEqual({ type: 'trailing-stop', stop: 0.1, take_profit: 0.2, activation: 0.1 });
  });
});

describe('nextImpactFactor', () => {
  it('rises after a win, falls after a loss, by at most the learning rate, within bounds', () => {
    expect(nextImpactFactor(0.5, 0.05)).toBeCloseTo(0.5 + 0.1 * Math.tanh(1), 6);
    expect(nextImpactFactor(0.5, -0.05)).toBeCloseTo(0.5 - 0.1 * Math.tanh(1), 6);
    expect(nextImpactFactor(0.5, 0)).toBe(0.5);
    expect(nextImpactFactor(0.99, 10)).toBe(IMPACT_FACTOR_MAX);
    expect(nextImpactFactor(0.06, -10)).toBe(IMPACT_FACTOR_MIN);
  });

  it('moves once per signal however many positions share it', () => {
    let f = 0.5;
    for (let i = 0; i < 4; i++) f = nextImpactFactor(f, 0.05, 1 / 4);
    expect(f).toBeCloseTo(nextImpactFactor(0.5, 0.05), 5);
  });
});
