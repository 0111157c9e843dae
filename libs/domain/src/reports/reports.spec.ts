import { biasFlips } from './bias-flips';
import { buildReport, markdownCell, ReportTrade, winRateOf } from './build';
import { lastCompletePeriod, periodContaining, periodStartProblem, reportPeriod } from './period';

const at = (iso: string) => new Date(iso);
const A1 = 'a1111111-0000-4000-8000-000000000000';
const A2 = 'a2222222-0000-4000-8000-000000000000';
const D1 = 'd1111111-0000-4000-8000-000000000000';
const D2 = 'd2222222-0000-4000-8000-000000000000';
const D3 = 'd3333333-0000-4000-8000-000000000000';

const trade = (id: string, agentId: string, deploymentId: string, pnl: string, fees: string, closedAt: string): ReportTrade => ({
  positionId: id,
  agentId,
  agentName: agentId === A1 ? 'Alpha | one' : 'Beta',
  deploymentId,
  tokenSymbol: 'ETH',
  side: 'LONG',
  pnl,
  fees,
  closedAt: at(closedAt),
  exitReason: 'TAKE_PROFIT',
});

describe('report periods', () => {
  it('aligns 4h periods on 00:00, 04:00, … UTC and daily ones on UTC midnight', () => {
    expect(periodContaining('4h', at('2026-06-15T09:30:00Z'))).toEqual({
      type: '4h',
      start: at('2026-06-15T08:00:00Z'),
      end: at('2026-06-15T12:00:00Z'),
    });
    expect(lastCompletePeriod('4h', at('2026-06-15T09:30:00Z')).start).toEqual(at('2026-06-15T04:00:00Z'));
    expect(lastCompletePeriod('4h', at('2026-06-15T08:00:00Z')).start).toEqual(at('2026-06-15T04:00:00Z'));
    expect(lastCompletePeriod('daily', at('2026-06-15T00:00:00Z'))).toEqual({
      type: 'daily',
      start: at('2026-06-14T00:00:00Z'),
      end: at('2026-06-15T00:00:00Z'),
    });
    expect(lastCompletePeriod('daily', at('2026-06-15T23:59:59.999Z')).start).toEqual(at('2026-06-14T00:00:00Z'));
  });

  it('refuses a start that is not a boundary of its type, naming period_start', () => {
    expect(periodStartProblem('4h', at('2026-06-15T04:00:00Z'))).toBeNull();
    expect(periodStartProblem('4h', at('2026-06-15T05:00:00Z'))).toMatch(/^period_start must start a 4-hour block/);
    expect(periodStartProblem('daily', at('2026-06-15T04:00:00Z'))).toBe('period_start must be a UTC midnight for a daily report');
    expect(periodStartProblem('daily', at('nope'))).toBe('period_start must be a date-time');
    expect(() => reportPeriod('4h', at('2026-06-15T04:00:01Z'))).toThrow(RangeError);
  });
});

describe('buildReport', () => {
  const period = reportPeriod('4h', at('2026-06-15T04:00:00Z'));

  it('computes PnL per agent and deployment, win rate, best and worst trade, fees and bills exactly', () => {
    // Hand-computed: realized 10.5 − 3.25 + 0 + 7.75 = 15; fees 0.1 + 0.2 + 0.05 + 0.15 = 0.5; won 2 of 4 (0.5).
    const built = buildReport({
      period,
      trades: [
        trade('p1', A1, D1, '10.50000000', '0.10000000', '2026-06-15T05:00:00Z'),
        trade('p2', A1, D1, '-3.25000000', '0.20000000', '2026-06-15T06:00:00Z'),
        trade('p3', A1, D2, '0', '0.05', '2026-06-15T06:30:00Z'),
        trade('p4', A2, D3, '7.75', '0.15', '2026-06-15T07:59:59Z'),
      ],
      openPositions: [
        { positionId: 'o1', agentId: A2, agentName: 'Beta', deploymentId: D3, unrealizedPnl: '-1.20000000' },
        { positionId: 'o2', agentId: A2, agentName: 'Beta', deploymentId: D3, unrealizedPnl: null },
      ],
      bills: [
        { id: 'b1', kind: 'PROFIT_SHARE', amount: '2.10000000', deploymentId: D1, event: 'created' },
        { id: 'b2', kind: 'PROFIT_SHARE', amount: '1.55', deploymentId: D3, event: 'created' },
        { id: 'b1', kind: 'PROFIT_SHARE', amount: '2.10000000', deploymentId: D1, event: 'collected' },
        { id: 'b3', kind: 'SUBSCRIPTION', amount: '10', deploymentId: D2, event: 'failed' },
      ],
      events: [
        { at: '2026-06-15T07:00:00.000Z', kind: 'venue_down', subject: 'OSTIUM', detail: 'OSTIUM DOWN: timeout' },
        { at: '2026-06-15T05:30:00.000Z', kind: 'kill_switch', subject: D1, detail: 'kill switch on for deployment d1111111' },
      ],
    });
    const m = built.metrics;
    expect(m).toMatchObject({
      report_type: '4h',
      period_start: '2026-06-15T04:00:00.000Z',
      period_end: '2026-06-15T08:00:00.000Z',
      trades: { closed: 4, wins: 2, losses: 1, breakeven: 1, win_rate: '0.5000' },
      realized_pnl: '15.00000000',
      fees: '0.50000000',
      open_positions: { count: 2, unrealized_pnl: '-1.20000000' },
      bills: {
        created: { count: 2, amount: '3.65000000' },
        collected: { count: 1, amount: '2.10000000' },
        failed: { count: 1, amount: '10.00000000' },
      },
      notable_events: 2,
    });
    expect(m.best_trade).toMatchObject({ position_id: 'p1', pnl: '10.50000000', closed_at: '2026-06-15T05:00:00.000Z' });
    expect(m.worst_trade).toMatchObject({ position_id: 'p2', pnl: '-3.25000000' });
    // A1: 10.5 − 3.25 + 0 = 7.25 over 3 trades, 1 won (0.3333); A2: 7.75, 1 of 1. Higher realized PnL first.
    expect(m.agents).toEqual([
      { agent_id: A2, name: 'Beta', trades: 1, wins: 1, losses: 0, win_rate: '1.0000', realized_pnl: '7.75000000', fees: '0.15000000' },
      {
        agent_id: A1,
        name: 'Alpha | one',
        trades: 3,
        wins: 1,
        losses: 1,
        win_rate: '0.3333',
        realized_pnl: '7.25000000',
        fees: '0.35000000',
      },
    ]);
    expect(m.deployments.map((d) => [d.deployment_id, d.trades, d.realized_pnl, d.fees, d.open_positions, d.unrealized_pnl])).toEqual([
      [D3, 1, '7.75000000', '0.15000000', 2, '-1.20000000'],
      [D1, 2, '7.25000000', '0.30000000', 0, '0.00000000'],
      [D2, 1, '0.00000000', '0.05000000', 0, '0.00000000'],
    ]);
    expect(built.notableEvents.map((e) => e.kind)).toEqual(['kill_switch', 'venue_down']);

    const md = built.markdown;
    expect(md).toContain('# Conduit 4-hour report: 2026-06-15 04:00 UTC to 2026-06-15 08:00 UTC');
    expect(md).toContain('- Trades closed: 4 (2 won, 1 lost, 1 even; win rate 50.00%)');
    expect(md).toContain('- Realized PnL: 15.00000000 USDC');
    expect(md).toContain('- Best trade: 10.50000000 USDC, LONG ETH by Alpha \\| one (deployment d1111111, position p1)');
    expect(md).toContain('| Alpha \\| one (a1111111) | 3 | 1 | 33.33% | 7.25000000 | 0.35000000 |');
    expect(md).toContain('| d3333333 | a2222222 | 1 | 100.00% | 7.75000000 | 0.15000000 | 2 | -1.20000000 |');
    expect(md).toContain('| failed | 1 | 10.00000000 |');
    expect(md).toContain('- 2026-06-15 05:30 UTC kill switch: kill switch on for deployment d1111111');
  });

  it('adds decimals without float error (0.1 + 0.2 is 0.3)', () => {
    const built = buildReport({
      period,
      trades: [
        trade('p1', A1, D1, '0.1', '0.00000001', '2026-06-15T05:00:00Z'),
        trade('p2', A1, D1, '0.2', '0.00000002', '2026-06-15T05:00:00Z'),
      ],
      openPositions: [],
      bills: [],
      events: [],
    });
    expect(built.metrics.realized_pnl).toBe('0.30000000');
    expect(built.metrics.fees).toBe('0.00000003');
    // Same close time: the position id orders the tie.
    expect(built.metrics.best_trade?.position_id).toBe('p2');
  });

  it('reports an empty period with zeros, no win rate and no best trade', () => {
    const built = buildReport({
      period: reportPeriod('daily', at('2026-06-14T00:00:00Z')),
      trades: [],
      openPositions: [],
      bills: [],
      events: [],
    });
    expect(built.metrics).toMatchObject({
      trades: { closed: 0, wins: 0, losses: 0, breakeven: 0, win_rate: null },
      realized_pnl: '0.00000000',
      best_trade: null,
      worst_trade: null,
      agents: [],
      deployments: [],
    });
    expect(built.markdown).toContain('# Conduit Daily report: 2026-06-14 00:00 UTC to 2026-06-15 00:00 UTC');
    expect(built.markdown).toContain('win rate –');
    expect(built.markdown).toContain('## Notable events\n\nNone.\n');
  });

  it('rounds win rates half-even to 4 places and keeps table cells on one line', () => {
    expect(winRateOf(2, 3)).toBe('0.6667');
    expect(winRateOf(1, 32)).toBe('0.0312'); // 0.03125: half-even keeps the even digit
    expect(winRateOf(0, 0)).toBeNull();
    expect(markdownCell('a|b\nc\\d')).toBe('a\\|b c\\\\d');
  });
});

describe('biasFlips', () => {
  const start = at('2026-06-15T04:00:00Z');
  const end = at('2026-06-15T08:00:00Z');
  const r = (asset: string, time: string, value: string, timeframe = '4h') => ({ asset, timeframe, timestamp: at(time), value });

  it('reports a sign change inside the period, against the last reading before it, skipping zeros', () => {
    const flips = biasFlips(
      [
        r('BTC', '2026-06-15T03:00:00Z', '0.400'), // baseline, long
        r('BTC', '2026-06-15T05:00:00Z', '0.000'), // no sign
        r('BTC', '2026-06-15T06:00:00Z', '-0.250'), // flip to short
        r('BTC', '2026-06-15T07:00:00Z', '-0.100'), // still short
        r('ETH', '2026-06-15T05:00:00Z', '0.300'), // first reading: nothing to flip from
        r('ETH', '2026-06-15T08:00:00Z', '-0.300'), // after the period
        r('SOL', '2026-06-15T01:00:00Z', '0.2'),
        r('SOL', '2026-06-15T02:00:00Z', '-0.2'), // before the period
      ],
      start,
      end,
    );
    expect(flips).toEqual([
      {
        at: '2026-06-15T06:00:00.000Z',
        kind: 'bias_flip',
        subject: 'BTC',
        detail: 'BTC 4h bias flipped long to short (0.400 to -0.250)',
      },
    ]);
  });

  it('treats each timeframe as its own series', () => {
    const flips = biasFlips([r('BTC', '2026-06-15T05:00:00Z', '0.1', '1h'), r('BTC', '2026-06-15T06:00:00Z', '-0.1', '24h')], start, end);
    expect(flips).toEqual([]);
  });
});
