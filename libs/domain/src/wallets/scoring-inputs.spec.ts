import { dec } from '../money';
import { credibility } from './credibility';
import {
  closedPositions,
  credibilityInputs,
  exposure,
  equityDrawdown,
  ScoredEvent,
  walletScore,
  WalletScoringData,
} from './scoring-inputs';

const N = Date.parse('2026-06-15T12:00:00.000Z');
const MIN = 60_000;
const ev = (at: number, eventType: ScoredEvent['eventType'], over: Partial<ScoredEvent> = {}): ScoredEvent => ({
  at,
  asset: 'BTC',
  eventType,
  amount: '1',
  notionalUsd: '100',
  positionBefore: '0',
  positionAfter: '1',
  realizedPnl: '0',
  ...over,
});
const data = (over: Partial<WalletScoringData> = {}): WalletScoringData => ({
  now: N,
  equityUsd: '10000',
  positions: [],
  scores: [],
  transfers: [],
  events: [],
  ...over,
});
const plain = (input: ReturnType<typeof credibilityInputs>) => ({
  ...input,
  equityStart: dec(input.equityStart).toFixed(),
  equityEnd: dec(input.equityEnd).toFixed(),
  netTransfers: dec(input.netTransfers).toFixed(),
  realizedPnl: dec(input.realizedPnl).toFixed(),
  maxDrawdown: dec(input.maxDrawdown).toFixed(),
  openNotionalUsd: dec(input.openNotionalUsd).toFixed(),
  liquidationDistance: input.liquidationDistance === null ? null : dec(input.liquidationDistance!).toFixed(),
  subPeriodReturns: input.subPeriodReturns.map((r) => dec(r).toFixed()),
});

describe('credibilityInputs: a window of the wallet, read from its scores, transfers, events and positions', () => {
  it('without earlier scores, E0 is the current equity less the window transfers: no growth, and a deposit is none', () => {
    // 1h: a 5,000 deposit 30 min ago, equity 10,000 → E0 = 5,000; the curve (start 5,000) → (now 10,000 − 5,000)
    const input = credibilityInputs('1h', data({ transfers: [{ at: N - 30 * MIN, netUsdc: '5000' }] }));
    expect(plain(input)).toMatchObject({
      equityStart: '5000',
      equityEnd: '10000',
      netTransfers: '5000',
      maxDrawdown: '0',
      subPeriodReturns: ['0'],
      trades: 0,
      wins: 0,
    });
  });

  it('reads E0 at the last score before the window, nets transfers out of the curve, drawdown and 4 sub-periods', () => {
    // 1h window from N−60: no score at or before it, so E0 is the first inside (N−50: 10,000), t0 = N−50.
    // A withdrawal of 1,000 at N−10: adjusted now = 10,450 + 1,000 = 11,450.
    // Curve 10,000 (N−50), 11,000 (N−35), 9,900 (N−20), 11,450 (N): drawdown 1,100 / 11,000 = 0.1.
    // Sub-periods (N−60, N−45, N−30, N−15, N): none before N−60; 10,000 → 11,000 = 0.1; 11,000 → 9,900 = −0.1;
    // 9,900 → 11,450 = 1,550 / 9,900.
    const d = data({
      equityUsd: '10450',
      scores: [
        { at: N - 50 * MIN, equityUsd: '10000' },
        { at: N - 35 * MIN, equityUsd: '11000' },
        { at: N - 20 * MIN, equityUsd: '9900' },
      ],
      transfers: [
        { at: N - 10 * MIN, netUsdc: '-1000' },
        { at: N - 55 * MIN, netUsdc: '400' }, // before t0: already in the N−50 equity
        { at: N - 5 * MIN, netUsdc: null }, // a token the reader could not price: 0
      ],
      events: [
        ev(N - 40 * MIN, 'close', { realizedPnl: '100', positionBefore: '1', positionAfter: '0', amount: '-1' }),
        ev(N - 30 * MIN, 'open', { realizedPnl: '-2' }),
        ev(N - 5 * MIN, 'reduce', { realizedPnl: '-30', positionBefore: '2', positionAfter: '1', amount: '-1' }),
        ev(N - 70 * MIN, 'close', { realizedPnl: '500' }), // outside the window
      ],
      positions: [
        { szi: '2', entryPx: '9000', positionValue: '20000', liquidationPx: '8000' }, // mark 10,000: 0.2 away
        { szi: '-1', entryPx: '5200', positionValue: '5000', liquidationPx: '5500' }, // mark 5,000: 0.1 away
      ],
    });
    const input = credibilityInputs('1h', d);
    expect(plain(input)).toEqual({
      equityStart: '10000',
      equityEnd: '10450',
      netTransfers: '-1000',
      realizedPnl: '68',
      trades: 2,
      wins: 1,
      maxDrawdown: '0.1',
      openNotionalUsd: '25000',
      liquidationDistance: '0.1',
      subPeriodReturns: ['0.1', '-0.1', dec(1550).div(9900).toFixed()],
    });
    // growth (11,450 − 10,000) / 10,000 = 0.145 → 1; realized 68 / 10,000 → 0.5 + 0.0068 / 0.02 = 0.84; win rate
    // (1 + 2) / (2 + 4) = 0.5; drawdown 1 − 0.1 / 0.05 → 0; leverage 25,000 / 11,450 → 1 − 1.1834 / 20 = 0.9408;
    // liquidation min(0.1, 0.458) / 0.5 = 0.2; consistency (2 + 1) / (3 + 2) = 0.6.
    // 0.25 + 0.126 + 0.075 + 0 + 0.09408 + 0.02 + 0.06 = 0.62508 → 6.3
    expect(credibility('1h', input).score).toBe('6.3');
  });

  it('a deposit does not change any window: the same wallet with and without it scores the same', () => {
    const base = data({ scores: [{ at: N - 30 * 60 * MIN, equityUsd: '10000' }] });
    const deposited = data({ ...base, equityUsd: '15000', transfers: [{ at: N - 30 * MIN, netUsdc: '5000' }] });
    const a = walletScore(base);
    const b = walletScore(deposited);
    expect(b.credibility).toEqual(a.credibility);
    // growth ½, realized ½, win rate ½, drawdown 1, leverage 1, liquidation 1, consistency (0 + 1) / (1 + 2):
    // 0.125 + 0.075 + 0.075 + 0.15 + 0.1 + 0.1 + 0.0333 = 0.6583 → 6.6
    expect(a.credibility).toEqual({ '1h': '6.6', '4h': '6.6', '24h': '6.6' });
  });
});

describe('the helpers', () => {
  it('equityDrawdown from the running peak; exposure without a liquidation price', () => {
    expect(equityDrawdown(['100', '120', '90', '130', '117'].map(dec)).toFixed()).toBe('0.25');
    expect(equityDrawdown(['100', '110'].map(dec)).toFixed()).toBe('0');
    const e = exposure([
      { szi: '0.5', entryPx: '100', positionValue: null, liquidationPx: null },
      { szi: '0', entryPx: '1', positionValue: '1', liquidationPx: '1' },
    ]);
    expect([e.openNotionalUsd.toFixed(), e.liquidationDistance]).toEqual(['50', null]);
  });

  it('closedPositions: open → add → close, and a flip closing one side and opening the other', () => {
    const events = [
      ev(0, 'open', { amount: '1', notionalUsd: '100', positionBefore: '0', positionAfter: '1' }),
      ev(10 * MIN, 'add', { amount: '1', notionalUsd: '110', positionBefore: '1', positionAfter: '2' }),
      ev(30 * MIN, 'close', { amount: '-2', notionalUsd: '240', positionBefore: '2', positionAfter: '0' }),
      ev(0, 'open', { asset: 'ETH', amount: '-1', notionalUsd: '50', positionBefore: '0', positionAfter: '-1' }),
      ev(20 * MIN, 'flip', { asset: 'ETH', amount: '2', notionalUsd: '80', positionBefore: '-1', positionAfter: '1' }),
      ev(50 * MIN, 'close', { asset: 'ETH', amount: '-1', notionalUsd: '45', positionBefore: '1', positionAfter: '0' }),
      ev(5 * MIN, 'reduce', { asset: 'SOL', amount: '-1', positionBefore: '3', positionAfter: '2' }), // opened before: unknown
    ];
    // BTC: 30 min, largest notional 2 × 120 = 240; ETH short: 20 min, max(50, 1 × 40); ETH long: 30 min, max(40, 1 × 45)
    expect(closedPositions(events).map((p) => [p.asset, p.holdingMs / MIN, p.notionalUsd.toFixed()])).toEqual([
      ['ETH', 20, '50'],
      ['BTC', 30, '240'],
      ['ETH', 30, '45'],
    ]);
  });
});

describe('walletScore: one wallet_scores row', () => {
  it('equity, 24h volume, win rate over the events given and the archetype from rebuilt positions', () => {
    const t = N - 2 * 60 * MIN;
    const events = [
      ev(t, 'open', { amount: '1', notionalUsd: '100', positionBefore: '0', positionAfter: '1' }),
      ev(t + 10 * MIN, 'add', { amount: '1', notionalUsd: '110', positionBefore: '1', positionAfter: '2' }),
      ev(t + 30 * MIN, 'close', { amount: '-2', notionalUsd: '240', positionBefore: '2', positionAfter: '0', realizedPnl: '38' }),
      ev(t, 'open', { asset: 'ETH', amount: '-1', notionalUsd: '50', positionBefore: '0', positionAfter: '-1' }),
      ev(t + 20 * MIN, 'flip', {
        asset: 'ETH',
        amount: '2',
        notionalUsd: '80',
        positionBefore: '-1',
        positionAfter: '1',
        realizedPnl: '10',
      }),
      ev(t + 50 * MIN, 'close', {
        asset: 'ETH',
        amount: '-1',
        notionalUsd: '45',
        positionBefore: '1',
        positionAfter: '0',
        realizedPnl: '-5',
      }),
      ev(N - 25 * 60 * MIN, 'close', { notionalUsd: '999', realizedPnl: '1', positionBefore: '1', positionAfter: '0' }), // > 24h ago
    ];
    const row = walletScore(data({ equityUsd: '1000.005', events }));
    // volume: 100 + 110 + 240 + 50 + 80 + 45; win rate: 3 of 4 realizing events; 3 positions held 20–30 min → scalper
    expect(row).toMatchObject({ equityUsd: '1000.01', tradingVolume24h: '625.00', winRate: '0.75', archetype: 'scalper' });
    expect(walletScore(data()).winRate).toBeNull();
    expect(walletScore(data()).archetype).toBe('unknown');
    expect(walletScore(data({ equityUsd: '6000000' })).archetype).toBe('whale');
  });
});
