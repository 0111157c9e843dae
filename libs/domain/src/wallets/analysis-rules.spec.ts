import { analyseByRules, AnalysedEvent, AnalysisContext, matchRule } from './analysis-rules';

const event = (over: Partial<AnalysedEvent> = {}): AnalysedEvent => ({
  eventType: 'open',
  asset: 'BTC',
  side: 'LONG',
  amount: '0.5',
  notionalUsd: '32500.00',
  sizeFraction: '0.1000',
  positionBefore: '0',
  positionAfter: '0.5',
  realizedPnl: '0',
  ...over,
});
const quiet = { firstSinceWatch: false };

describe('analyseByRules: one rule per event, impact along the new exposure', () => {
  const add = { eventType: 'add', positionBefore: '1', positionAfter: '1.5' } as const;
  const winner = { firstSinceWatch: false, unrealizedPnlBefore: '500' };
  const loser = { firstSinceWatch: false, unrealizedPnlBefore: '-5' };
  const first = { firstSinceWatch: true };
  type Case = [string, Partial<AnalysedEvent>, AnalysisContext, string, string, string, string];
  const cases: Case[] = [
    ['routine open, 10 %', {}, quiet, 'open', '0.40', '0.250', 'NONE'],
    ['first since watch', {}, first, 'first_since_watch', '0.60', '0.300', 'OPEN_LONG'],
    [
      'large short open, 25 %',
      { side: 'SHORT', sizeFraction: '0.25', positionAfter: '-0.5' },
      quiet,
      'large_size',
      '0.65',
      '-0.650',
      'OPEN_SHORT',
    ],
    ['adding to a winner', add, winner, 'adding_to_winner', '0.75', '0.300', 'OPEN_LONG'],
    ['adding to a loser: routine', add, loser, 'add', '0.40', '0.200', 'NONE'],
    [
      'cutting a long loser',
      { eventType: 'reduce', positionBefore: '1', realizedPnl: '-120' },
      quiet,
      'cutting_loser',
      '0.70',
      '-0.150',
      'NONE',
    ],
    [
      'closing a short loser, 30 %',
      { eventType: 'close', side: 'SHORT', sizeFraction: '0.3', realizedPnl: '-1' },
      quiet,
      'cutting_loser',
      '0.70',
      '0.300',
      'NONE',
    ],
    [
      'closing a winner',
      { eventType: 'close', positionBefore: '0.5', positionAfter: '0', realizedPnl: '300' },
      quiet,
      'close',
      '0.40',
      '-0.100',
      'NONE',
    ],
    ['flip long → short, 50 %', { eventType: 'flip', side: 'SHORT', sizeFraction: '0.5' }, first, 'flip', '0.80', '-0.900', 'OPEN_SHORT'],
    [
      'liquidated long',
      { eventType: 'liquidation', sizeFraction: '2', realizedPnl: '-900' },
      first,
      'liquidation',
      '0.95',
      '-0.100',
      'NONE',
    ],
    ['unknown size', { sizeFraction: null }, quiet, 'open', '0.40', '0.250', 'NONE'],
    ['tiny size', { sizeFraction: '0.0100' }, quiet, 'open', '0.40', '0.125', 'NONE'],
  ];
  it.each(cases)('%s', (_case, over, ctx, rule, conf, impact, action) => {
    const a = analyseByRules(event(over), ctx);
    expect(a).toMatchObject({ classification: rule, confidence: conf, biasImpact: impact, proposedAction: { action, asset: 'BTC' } });
    expect(a.patternMatched).toBe(['open', 'add', 'close'].includes(rule) ? null : `rules:${rule}`);
  });

  it('writes one sentence citing the numbers', () => {
    const e = event({ eventType: 'add', positionBefore: '1', positionAfter: '1.5', sizeFraction: '0.1234', realizedPnl: '-7.3125' });
    expect(analyseByRules(e, { firstSinceWatch: false, unrealizedPnlBefore: '512.345' }).narrative).toBe(
      'Added to a winner: add BTC 1 → 1.5 (notional $32500.00, 12.34% of equity, realized -7.31 USD, unrealized 512.35 USD).',
    );
    expect(analyseByRules(event({ sizeFraction: null }), quiet).narrative).toBe('Routine: open BTC 0 → 0.5 (notional $32500.00).');
  });

  it('caps the impact at 1', () => {
    const e = event({ eventType: 'flip', side: 'LONG', sizeFraction: '3', positionBefore: '-1', positionAfter: '2' });
    expect(analyseByRules(e, quiet).biasImpact).toBe('0.900');
    expect(analyseByRules(event({ sizeFraction: '0.9' }), { firstSinceWatch: true }).biasImpact).toBe('0.600');
    expect(matchRule(event({ eventType: 'add', sizeFraction: '5' }), { firstSinceWatch: false, unrealizedPnlBefore: '1' })).toBe(
      'adding_to_winner',
    );
  });
});
