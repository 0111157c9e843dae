import { agentMetrics, DailyPoint, lastDays, performanceAmounts, performanceReport } from './performance';

const series: DailyPoint[] = [
  { day: '2026-09-01', pnl: 100, ret: 0.01 },
  { day: '2026-10-30', pnl: -50, ret: -0.005 },
  { day: '2026-11-20', pnl: 200, ret: 0.02 },
  { day: '2026-11-21', pnl: -100, ret: -0.01 },
  { day: '2026-11-22', pnl: 50, ret: 0.005 },
];

describe('agent metrics (simple APR, 365-day Sharpe)', () => {
  it('windows by calendar days ending on the as-of day', () => {
    expect(lastDays(series, 30, '2026-11-22').map((p) => p.day)).toEqual(['2026-10-30', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(lastDays(series, 1, '2026-11-22').map((p) => p.day)).toEqual(['2026-11-22']);
  });

  it('computes APR as mean daily return × 365 in percent and Sharpe with ddof 1', () => {
    const m = agentMetrics(series, '2026-11-22');
    const r30 = [-0.005, 0.02, -0.01, 0.005];
    const mean = r30.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r30.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(m.apr_30d).toBeCloseTo(mean * 365 * 100, 10);
    expect(m.sharpe_30d).toBeCloseTo((mean / sd) * Math.sqrt(365), 10);
    expect(m.apr_si).toBeCloseTo((0.02 / 5) * 365 * 100, 10);
    expect(agentMetrics(series.slice(0, 1), '2026-11-22')).toEqual({ apr_30d: null, apr_90d: null, apr_si: null, sharpe_30d: null });
  });
});

describe('performance report', () => {
  it('derives value, ROI, trade stats and drawdowns', () => {
    const r = performanceReport({ series, closedPnls: [100, -50, 200, -100], realizedPnl: 150, unrealizedPnl: 50, capital: 10_000 });
    expect(r).toMatchObject({
      total_value: 10_200,
      realized_pnl: 150,
      unrealized_pnl: 50,
      roi_pct: 2,
      trades: 4,
      win_rate: 0.5,
      average_win: 150,
      average_loss: 75,
      profit_factor: 2,
    });
    // equity 10000 → 10100 → 10050 → 10250 → 10150 → 10200: the worst fall is 100 USD
    expect(r.max_drawdown_usd).toBe(100);
    // compounded: peak 1.01·0.995·1.02, trough after −1% → 1%
    expect(r.max_drawdown_pct).toBeCloseTo(1, 10);
    expect(r.sharpe).not.toBeNull();
    expect(r.sortino).not.toBeNull();
  });
});

describe('performance amounts (the USD figures agent_performance keeps)', () => {
  it('follows the report: mean win, mean |loss|, the largest fall of capital + cumulative daily PnL', () => {
    const a = performanceAmounts({
      closedPnls: ['100', '-50', '200', '-100'],
      dailyPnls: series.map((p) => String(p.pnl)),
      capital: '10000',
    });
    expect(a.averageWin.toFixed(2)).toBe('150.00');
    expect(a.averageLoss.toFixed(2)).toBe('75.00');
    expect(a.maxDrawdownUsd.toFixed(4)).toBe('100.0000');
  });

  it('is exact where floats are not, and zero without winners, losers or a fall', () => {
    // In floats: (0.1 + 0.2) / 2 = 0.15000000000000002, and 0.3 − 0.1 − 0.2 falls 0.30000000000000004.
    const a = performanceAmounts({ closedPnls: ['0.1', '0.2', '-0.00000001'], dailyPnls: ['0.3', '-0.1', '-0.2'], capital: '0' });
    expect(a.averageWin.toFixed()).toBe('0.15');
    expect(a.averageLoss.toFixed()).toBe('0.00000001');
    expect(a.maxDrawdownUsd.toFixed()).toBe('0.3');
    const none = performanceAmounts({ closedPnls: [], dailyPnls: ['5', '5'], capital: '100' });
    expect([none.averageWin, none.averageLoss, none.maxDrawdownUsd].map((x) => x.toFixed(2))).toEqual(['0.00', '0.00', '0.00']);
  });
});
