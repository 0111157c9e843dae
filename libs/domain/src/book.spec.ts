import { bookFigures } from './book';

describe("bookFigures: an LLM trader's book", () => {
  // 1000 to start; a +50 win and a −20 loss closed; 2 ETH long from 100 marked at 110 at 5x; days +50 on 1000, −21 on 1050.
  const input = {
    initialBalance: '1000',
    closedPnls: ['50', '-20'],
    open: [{ side: 'LONG' as const, qty: '2', entryPrice: '100', mark: '110', leverage: 5 }],
    series: [
      { day: '2026-06-13', pnl: 50, pnl_text: '50', ret: 0.05 },
      { day: '2026-06-14', pnl: -21, pnl_text: '-21', ret: -0.02 },
    ],
  };

  it('takes every amount in decimal: value, cash after margin, exposure, PnL and ROI on the initial balance', () => {
    const f = bookFigures(input);
    expect(f.realized).toEqualDecimal('30');
    expect(f.unrealized).toEqualDecimal('20'); // (110 − 100) × 2
    expect(f.equity).toEqualDecimal('1030');
    expect(f.totalValue).toEqualDecimal('1050');
    expect(f.margin).toEqualDecimal('40'); // 2 × 100 ÷ 5
    expect(f.cash).toEqualDecimal('990');
    expect(f.positionValue).toEqualDecimal('220'); // |2 × 110|
    expect(f.totalPnl).toEqualDecimal('50');
    expect(f.roiPct).toEqualDecimal('5');
  });

  it('has the agents’ trade statistics and risk figures on the book alone', () => {
    const { report, amounts } = bookFigures(input);
    expect(report).toMatchObject({ trades: 2, winning_trades: 1, losing_trades: 1, win_rate: 0.5, profit_factor: 2.5 });
    expect(amounts.averageWin).toEqualDecimal('50');
    expect(amounts.averageLoss).toEqualDecimal('20');
    // capital + cumulative daily PnL: 1000 → 1050 → 1029, a fall of 21 from the peak; compounded: 1.05 → 1.029, −2 %
    expect(amounts.maxDrawdownUsd).toEqualDecimal('21');
    expect(report.max_drawdown_pct).toBeCloseTo(2, 12);
    // mean 0.015, standard deviation (ddof 1) 0.035 × √2, 365 periods
    expect(report.sharpe).toBeCloseTo((0.015 / (0.035 * Math.SQRT2)) * Math.sqrt(365), 12);
  });

  it('counts a position without leverage as 1x and one without a mark at its entry price', () => {
    const f = bookFigures({
      ...input,
      open: [
        { side: 'SHORT', qty: '0.5', entryPrice: '2000', mark: null, leverage: null },
        { side: 'SHORT', qty: '1', entryPrice: '10', mark: '12', leverage: 2 },
      ],
    });
    expect(f.unrealized).toEqualDecimal('-2');
    expect(f.margin).toEqualDecimal('1005'); // 1000 at 1x + 10 ÷ 2
    expect(f.cash).toEqualDecimal('25');
    expect(f.positionValue).toEqualDecimal('1012');
  });

  it('has no ROI without a balance, and no statistics without days or trades', () => {
    const f = bookFigures({ initialBalance: '0', closedPnls: [], open: [], series: [] });
    expect(f.roiPct).toBeNull();
    expect(f.report).toMatchObject({ trades: 0, sharpe: null, max_drawdown_pct: null });
  });
});
