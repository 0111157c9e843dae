import { credibility, CredibilityInput, shrunkWinRate } from './credibility';

const base: CredibilityInput = {
  equityStart: '10000',
  equityEnd: '10050',
  netTransfers: '0',
  realizedPnl: '20',
  trades: 4,
  wins: 3,
  maxDrawdown: '0.01',
  openNotionalUsd: '50250',
  liquidationDistance: '0.3',
  subPeriodReturns: ['0.01', '-0.002', '0.003', '0'],
};

describe('credibility: a weighted sum of bounded components', () => {
  it('computes the hand-worked 1h case', () => {
    // growth ½ + 0.005/0.02 = 0.75; realized ½ + 0.002/0.02 = 0.6; win (3+2)/(4+4) = 0.625; drawdown 1 − 0.01/0.05 = 0.8
    // leverage 50250/10050 = 5× → 1 − 4/20 = 0.8; liquidation min(0.3, 1/5) / 0.5 = 0.4; consistency (2+1)/(4+2) = 0.5
    // 0.25·0.75 + 0.15·0.6 + 0.15·0.625 + 0.15·0.8 + 0.1·0.8 + 0.1·0.4 + 0.1·0.5 = 0.66125 → 6.6
    expect(credibility('1h', base)).toEqual({
      score: '6.6',
      components: {
        growth: '0.7500',
        realized: '0.6000',
        winRate: '0.6250',
        drawdown: '0.8000',
        leverage: '0.8000',
        liquidation: '0.4000',
        consistency: '0.5000',
      },
    });
  });

  it('scales returns and drawdowns by the window', () => {
    // 24h: growth ½ + 0.005/0.1 = 0.55, realized ½ + 0.002/0.1 = 0.52, drawdown 1 − 0.01/0.2 = 0.95
    // 0.1375 + 0.078 + 0.09375 + 0.1425 + 0.08 + 0.04 + 0.05 = 0.62175 → 6.2
    expect(credibility('24h', base)).toMatchObject({
      score: '6.2',
      components: { growth: '0.5500', realized: '0.5200', drawdown: '0.9500' },
    });
    expect(credibility('4h', base).components.growth).toBe('0.6250');
  });

  const best = { equityEnd: '10200', realizedPnl: '200', wins: 100, trades: 100, maxDrawdown: '0', openNotionalUsd: '0' };
  const worst = { equityEnd: '9000', realizedPnl: '-500', wins: 0, trades: 100, maxDrawdown: '0.5', openNotionalUsd: '1e6' };
  const none = { equityEnd: '10000', realizedPnl: '0', wins: 0, trades: 0, maxDrawdown: '0', openNotionalUsd: '0', subPeriodReturns: [] };
  it.each`
    case                          | over                                                                                   | score
    ${'best: everything maxed'}   | ${{ ...best, subPeriodReturns: Array(100).fill('0.01') }}                              | ${'10.0'}
    ${'worst: everything zeroed'} | ${{ ...worst, subPeriodReturns: Array(100).fill('-0.01') }}                            | ${'0.1'}
    ${'no history: neutral'}      | ${none}                                                                                | ${'6.8'}
    ${'funded in the window'}     | ${{ equityStart: '0', equityEnd: '5000', netTransfers: '5000', openNotionalUsd: '0' }} | ${'6.6'}
    ${'wiped out with positions'} | ${{ equityEnd: '0', openNotionalUsd: '100' }}                                          | ${'3.5'}
  `('$case → $score', ({ over, score }) => {
    // best: 0.25 + 0.15 + 0.15·102/104 + 0.15 + 0.1 + 0.1 + 0.1·101/102 = 0.99614 → 10.0
    // worst: 0.15·2/104 + 0.1·(9000/1e6)/0.5 + 0.1·1/102 = 0.00567 → 0.1 (1e6 at 111×: liquidation 0.9 % away)
    // no history: 0.125 + 0.075 + 0.075 + 0.15 + 0.1 + 0.1 + 0.05 = 0.675 → 6.8 (half up)
    // funded in the window (E₀ = 0): growth and realized ½; 0.125 + 0.075 + 0.09375 + 0.12 + 0.1 + 0.1 + 0.05 = 0.66375 → 6.6
    // wiped out: growth 0, leverage and liquidation 0; 0.09 + 0.09375 + 0.12 + 0.05 = 0.35375 → 3.5
    const got = credibility('1h', { ...base, ...over });
    expect(Number(got.score)).toBeGreaterThanOrEqual(0);
    expect(Number(got.score)).toBeLessThanOrEqual(10);
    expect(got.score).toBe(score);
  });

  it('a deposit never raises the score: same trades, a deposit added → same score', () => {
    const before = credibility('1h', base);
    for (const d of ['1', '5000', '1000000']) {
      const withDeposit = credibility('1h', { ...base, equityEnd: `${10050 + Number(d)}`, netTransfers: d });
      expect(withDeposit).toEqual(before);
    }
    // the same deposit counted as growth would have scored higher: the netting is what keeps it out
    expect(Number(credibility('1h', { ...base, equityEnd: '15050' }).score)).toBeGreaterThan(Number(before.score));
  });

  it('a withdrawal does not count as a loss', () => {
    expect(credibility('1h', { ...base, equityEnd: '8050', netTransfers: '-2000' })).toEqual(credibility('1h', base));
  });

  it('more leverage or a nearer liquidation never helps', () => {
    const lev10 = credibility('1h', { ...base, openNotionalUsd: '100500' }).components;
    expect(lev10).toMatchObject({ leverage: '0.5500', liquidation: '0.2000' });
    expect(credibility('1h', { ...base, liquidationDistance: '0.05' }).components.liquidation).toBe('0.1000');
    expect(credibility('1h', { ...base, liquidationDistance: null }).components.liquidation).toBe('0.4000');
  });
});

describe('shrunkWinRate', () => {
  it.each`
    wins  | trades | rate
    ${0}  | ${0}   | ${'0.5'}
    ${1}  | ${1}   | ${'0.6'}
    ${3}  | ${4}   | ${'0.625'}
    ${0}  | ${6}   | ${'0.2'}
    ${96} | ${96}  | ${'0.98'}
  `('$wins of $trades → $rate', ({ wins, trades, rate }) => {
    expect(shrunkWinRate(wins, trades).toFixed()).toBe(rate);
  });

  it('refuses more wins than trades', () => {
    expect(() => shrunkWinRate(3, 2)).toThrow(RangeError);
  });
});
