import { maxDrawdownUsd, profitFactor, tradeStats } from '@conduit/domain';
import { expectClose, halfUnitOf, PYTEST_APPROX, STRICT, Tol } from '../tolerance';
import { readVectors } from '../vectors';
import {
  BalanceSnapshot,
  DatedPnl,
  freqtradeCagr,
  freqtradeCalmarFromBalance,
  freqtradeCsum,
  freqtradeDailyReturnsFromBalance,
  freqtradeDaysPeriod,
  freqtradeExpectancy,
  freqtradeMaxDrawdown,
  freqtradeMaxDrawdownFromBalance,
  freqtradeSharpeFromBalance,
  freqtradeSortinoFromBalance,
  freqtradeSqn,
  freqtradeTradeCalmar,
  freqtradeTradeSharpe,
  freqtradeTradeSortino,
  percentile,
} from '.';

/** freqtrade's conventions, table-driven over ../shared/vectors/metrics.json: every expected value comes from the file. */
const V = readVectors('metrics.json');

/** Significant digits of a JSON literal as JS prints it (5.820687070932315e-06 → 16, 44.5078669 → 9). */
function significantDigits(x: number): number {
  const [mantissa] = Math.abs(x).toString().split('e');
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}
/** freqtrade asserts with pytest.approx; its truncated literals (< 10 significant digits) need that tolerance. */
const freqtradeTol = (expected: number): Tol => (significantDigits(expected) < 10 ? PYTEST_APPROX : STRICT);

/** '2018-01-10 07:15:00+00:00', '2025-01-01 12:00', '2025-01-01' → UTC epoch ms (no offset means UTC). */
function utc(s: string): number {
  let iso = s.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) iso += 'Z';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad date in the vectors: ${s}`);
  return t;
}
const DAY = 86_400_000;

// ------------------------------------------------------------------------------------------------ freqtrade

const snapshots = (dates: string[], totals: number[]): BalanceSnapshot[] => dates.map((d, i) => ({ date: utc(d), balance: totals[i] }));
/** The flat / no-downside cases give balances only; freqtrade's tests date them on consecutive days from 2025-01-01. */
const dailySnapshots = (totals: number[]): BalanceSnapshot[] =>
  totals.map((balance, i) => ({ date: Date.UTC(2025, 0, 1) + i * DAY, balance }));
const balancesIn = (s: string): number[] => {
  const m = /\[([\d.,\s]+)\]/.exec(s);
  if (!m) throw new Error(`no balance list in: ${s}`);
  return m[1].split(',').map(Number);
};

describe('freqtrade balance-based convention: end-of-day balance pct_change, std ddof=0, √365, −100 when a denominator is 0/NaN', () => {
  const cases: any[] = V.freqtrade.balance_based;
  const byFn = (fn: string): any => cases.find((c) => c.fn === fn);

  it('calculate_sharpe_from_balance: mean(r)/std(r, ddof=0)·√365', () => {
    const c = byFn('calculate_sharpe_from_balance');
    const h = snapshots(c.dates, c.total_quote);
    const r = freqtradeDailyReturnsFromBalance(h);
    expect(r).toHaveLength(c.daily_returns.length);
    r.forEach((x, i) => expectClose(x, c.daily_returns[i], STRICT));
    expectClose(freqtradeSharpeFromBalance(h), c.expected_value_derived, STRICT);
  });

  it('calculate_sortino_from_balance: mean(r)/std(r[r<0], ddof=0)·√365', () => {
    const c = byFn('calculate_sortino_from_balance');
    const h = snapshots(c.dates, c.total_quote);
    const r = freqtradeDailyReturnsFromBalance(h);
    expect(r).toHaveLength(c.daily_returns.length);
    r.forEach((x, i) => expectClose(x, c.daily_returns[i], STRICT));
    expectClose(freqtradeSortinoFromBalance(h), c.expected, freqtradeTol(c.expected));
  });

  it('calculate_max_drawdown_from_balance: every snapshot is a step, values relative to the first balance', () => {
    const c = byFn('calculate_max_drawdown_from_balance');
    const dd = freqtradeMaxDrawdownFromBalance(snapshots(c.dates, c.total_quote));
    const e = c.expected;
    expectClose(dd.relativeAccountDrawdown, e.relative_account_drawdown, freqtradeTol(e.relative_account_drawdown));
    for (const [k, v] of [
      ['drawdownAbs', e.drawdown_abs],
      ['highValue', e.high_value],
      ['lowValue', e.low_value],
      ['currentHighValue', e.current_high_value],
    ] as const)
      expectClose(dd[k], v, freqtradeTol(v));
    expect([dd.highDate, dd.lowDate]).toEqual([utc(e.high_date), utc(e.low_date)]);
  });

  it('calculate_max_drawdown_from_balance, as a plain equity curve: maxDrawdownUsd', () => {
    const c = byFn('calculate_max_drawdown_from_balance');
    const dd = maxDrawdownUsd(c.total_quote);
    expectClose(dd.drawdownAbs, c.expected.drawdown_abs, STRICT);
    expectClose(dd.drawdownRelative, c.expected.relative_account_drawdown, STRICT);
  });

  it('calculate_calmar_from_balance: (profit/first/days·100)/relative drawdown·√365', () => {
    const c = byFn('calculate_calmar_from_balance');
    expectClose(freqtradeCalmarFromBalance(snapshots(c.dates, c.total_quote)), c.expected_value_derived, STRICT);
  });

  it('flat balance: sharpe, sortino and calmar are all the −100 sentinel', () => {
    const c = cases.find((x) => x.fn.startsWith('sharpe/sortino/calmar from flat balance'));
    const h = dailySnapshots(balancesIn(c.fn));
    expect([freqtradeSharpeFromBalance(h), freqtradeSortinoFromBalance(h), freqtradeCalmarFromBalance(h)]).toEqual([
      c.expected,
      c.expected,
      c.expected,
    ]);
  });

  it('no losing day: sortino is the −100 sentinel', () => {
    const c = cases.find((x) => x.fn.startsWith('calculate_sortino_from_balance no downside'));
    expect(freqtradeSortinoFromBalance(dailySnapshots(balancesIn(c.fn)))).toBe(c.expected);
  });
});

describe(
  'freqtrade trade-based convention (small tables): expectancy over all trades, SQN rounded to 4 dp, CAGR over ' +
    '365-day years, drawdown from a zero row',
  () => {
    const cases: any[] = V.freqtrade.trade_based_small;
    const byFn = (fn: string): any => cases.find((c) => c.fn === fn);

    it('calculate_expectancy: winrate·avg_win − loserate·avg_loss; ratio (1 + avg_win/avg_loss)·winrate − 1', () => {
      const c = byFn('calculate_expectancy');
      const e = freqtradeExpectancy(c.profit_abs);
      expectClose(e.expectancy, c.expected.expectancy, freqtradeTol(c.expected.expectancy));
      expectClose(e.expectancyRatio, c.expected.expectancy_ratio, freqtradeTol(c.expected.expectancy_ratio));
    });

    it('profit factor: winning_profit / |losing_profit| (profit_factor_derived)', () => {
      const c = byFn('calculate_expectancy');
      expectClose(profitFactor(c.profit_abs), c.profit_factor_derived, STRICT);
      expectClose(tradeStats(c.profit_abs).profitFactor, c.profit_factor_derived, STRICT);
    });

    it('calculate_expectancy(empty): (0, 100)', () => {
      const c = byFn('calculate_expectancy(empty)');
      expect(freqtradeExpectancy([])).toEqual({ expectancy: c.expected.expectancy, expectancyRatio: c.expected.expectancy_ratio });
    });

    describe('calculate_sqn: √n·mean(p/sb)/std(p/sb, ddof=1), round 4, −100 if std is 0/NaN (rel 1e-4)', () => {
      const c = byFn('calculate_sqn');
      it('states rel 1e-4', () => expect(c.tolerance).toBe('rel 1e-4'));
      for (const k of c.cases)
        it(`profits ${JSON.stringify(k.profits)}`, () =>
          expectClose(freqtradeSqn(k.profits, c.starting_balance), k.expected, { rel: 1e-4, abs: 1e-12 }));
    });

    describe(
      'calculate_cagr(days, start, end): (end/start)^(365/days) − 1; 0 if end<0, start≤0, days≤0 or overflow (round(x, ' +
        '4) == expected)',
      () => {
        const c = byFn('calculate_cagr(days, start, end)');
        it('states the rounding comparison', () => expect(c.tolerance).toBe('round(x, 4) == expected'));
        for (const k of c.cases) {
          it(`start ${k.start}, end ${k.end}, ${k.days} days`, () => {
            const rounded = Number(freqtradeCagr(k.days, k.start, k.end).toFixed(4));
            // round(x, 4) is x itself for 1.7e308; allow ULP-level libm differences in the power there.
            expectClose(rounded, k.expected, { rel: 1e-12, abs: 0 });
          });
        }
      },
    );

    describe('calculate_max_drawdown(profit_abs, starting_balance=1000) — freqtrade issue #6655', () => {
      const c = byFn('calculate_max_drawdown (profit_abs, starting_balance=1000, date-ordered)');
      const day0 = Date.UTC(2020, 0, 1);
      // freqtrade's test dates the profits on consecutive days, then shuffles the rows by sorting on profit
      const rows: DatedPnl[] = c.profits_in_date_order
        .map((profit: number, i: number) => ({ profit, date: day0 + i * DAY }))
        .sort((a: DatedPnl, b: DatedPnl) => a.profit - b.profit);
      for (const k of c.cases) {
        it(`relative: ${k.relative}`, () => {
          const before = JSON.stringify(rows);
          const dd = freqtradeMaxDrawdown(rows, { startingBalance: 1000, relative: k.relative });
          expect(JSON.stringify(rows)).toBe(before);
          expect(dd.drawdownAbs).toBe(k.expected.drawdown_abs); // freqtrade asserts ==
          expectClose(dd.relativeAccountDrawdown, k.expected.relative_account_drawdown, freqtradeTol(k.expected.relative_account_drawdown));
          expect([dd.highDate, dd.lowDate]).toEqual([day0 + k.expected.high_day_index * DAY, day0 + k.expected.low_day_index * DAY]);
        });
        it(`relative: ${k.relative}, as a plain equity curve (maxDrawdownUsd on the note's balances)`, () => {
          const balances = balancesIn(c.note);
          let acc = 1000;
          expect(balances).toEqual(c.profits_in_date_order.map((p: number) => (acc += p)));
          const dd = maxDrawdownUsd(balances, { by: k.relative ? 'relative' : 'abs' });
          expect(dd.drawdownAbs).toBe(k.expected.drawdown_abs);
          expectClose(dd.drawdownRelative, k.expected.relative_account_drawdown, freqtradeTol(k.expected.relative_account_drawdown));
          expect([dd.peakIndex, dd.troughIndex]).toEqual([k.expected.high_day_index, k.expected.low_day_index]);
        });
      }
    });
  },
);

describe(
  'freqtrade trade-based convention on the 179-trade backtest (StrategyTestV3): Σ(profit_abs/sb)/days as the mean, ' + 'std ddof=0, √365',
  () => {
    const bt = V.freqtrade.backtest_dataset;
    const sb: number = bt.starting_balance;
    const trades: any[] = bt.trades;
    const profits = trades.map((t) => t.profit_abs as number);
    const minDate = Math.min(...trades.map((t) => utc(t.open_date)));
    const maxDate = Math.max(...trades.map((t) => utc(t.close_date)));
    const period = { minDate, maxDate, startingBalance: sb };
    /**
     * Tie order (bt.tie_order_caveat): two trades close at 2018-01-16 22:45; freqtrade's pandas quicksort put the
     * ETC/BTC winner before the NXT/BTC loser. A stable sort by (close_date asc, open_date desc) reproduces that.
     */
    const byClose = (openOrder: 1 | -1): DatedPnl[] =>
      [...trades]
        .sort((a, b) => utc(a.close_date) - utc(b.close_date) || openOrder * (utc(a.open_date) - utc(b.open_date)))
        .map((t) => ({ profit: t.profit_abs, date: utc(t.close_date) }));
    const asFreqtrade = byClose(-1);
    const e = bt.expected;

    it('the dataset is what the file describes (count, date bounds, days_period)', () => {
      expect(trades).toHaveLength(bt.n_trades);
      expect([minDate, maxDate]).toEqual([utc(bt.min_open_date), utc(bt.max_close_date)]);
      expect(freqtradeDaysPeriod(minDate, maxDate)).toBe(bt.days_period);
    });

    it(`sharpe — ${bt.formulas.sharpe}`, () => expectClose(freqtradeTradeSharpe(profits, period), e.sharpe, freqtradeTol(e.sharpe)));
    it(`sortino — ${bt.formulas.sortino}`, () => expectClose(freqtradeTradeSortino(profits, period), e.sortino, freqtradeTol(e.sortino)));
    it(`calmar — ${bt.formulas.calmar}`, () => expectClose(freqtradeTradeCalmar(asFreqtrade, period), e.calmar, freqtradeTol(e.calmar)));
    it(`max drawdown without starting balance — ${bt.formulas.drawdown}; relative = (high − cum)/high`, () => {
      const dd = freqtradeMaxDrawdown(asFreqtrade);
      expectClose(
        dd.relativeAccountDrawdown,
        e.max_drawdown_relative_no_starting_balance,
        freqtradeTol(e.max_drawdown_relative_no_starting_balance),
      );
    });
    it('the other tie order gives the values the caveat quotes instead', () => {
      const m = /gives ([\d.]+) \/ ([\d.]+) instead/.exec(bt.tie_order_caveat);
      expect(m).not.toBeNull();
      const other = byClose(1);
      expectClose(freqtradeMaxDrawdown(other).relativeAccountDrawdown, Number(m![1]), halfUnitOf(m![1]));
      expectClose(freqtradeTradeCalmar(other, period), Number(m![2]), halfUnitOf(m![2]));
    });
    it('expectancy and expectancy_ratio', () => {
      const x = freqtradeExpectancy(profits);
      expectClose(x.expectancy, e.expectancy, freqtradeTol(e.expectancy));
      expectClose(x.expectancyRatio, e.expectancy_ratio, freqtradeTol(e.expectancy_ratio));
    });
    it('sqn (rounded to 4 dp; rel 1e-6 as freqtrade asserts)', () => expectClose(freqtradeSqn(profits, sb), e.sqn, freqtradeTol(e.sqn)));
    it('profit_factor', () => expectClose(profitFactor(profits), e.profit_factor, STRICT));
    it('cagr from the backtest summary: calculate_cagr(backtest_days, sb, sb + Σ profit_abs)', () => {
      const s = bt.backtest_summary_from_file;
      const days = freqtradeDaysPeriod(utc(s.backtest_start), utc(s.backtest_end));
      expect(days).toBe(s.backtest_days);
      expectClose(freqtradeCagr(days, sb, sb + profits.reduce((a, p) => a + p, 0)), e.cagr_from_backtest_summary, STRICT);
    });

    describe(
      'backtest_summary_from_file, recomputed from the trades ' + '(freqtrade counts wins/draws/losses and means on profit_ratio)',
      () => {
        const s = bt.backtest_summary_from_file;
        const total = profits.reduce((a, p) => a + p, 0);
        const ratios = trades.map((t) => t.profit_ratio as number);
        it('total_trades, wins, losses, draws', () => {
          const st = tradeStats(ratios);
          expect([st.trades, st.wins, st.losses, st.draws]).toEqual([s.total_trades, s.wins, s.losses, s.draws]);
        });
        it('profit_total_abs, profit_total, final_balance, profit_factor', () => {
          expectClose(total, s.profit_total_abs, STRICT);
          expectClose(total / sb, s.profit_total, STRICT);
          expectClose(sb + total, s.final_balance, STRICT);
          expectClose(tradeStats(profits).profitFactor, s.profit_factor, STRICT);
        });
        it('profit_mean, profit_median (of profit_ratio)', () => {
          expectClose(ratios.reduce((a, p) => a + p, 0) / ratios.length, s.profit_mean, STRICT);
          expectClose(percentile(ratios, 50), s.profit_median, STRICT);
        });
        it('csum_min, csum_max (calculate_csum does not sort: the results keep the file order, by open date)', () => {
          const c = freqtradeCsum(profits, sb);
          expectClose(c.min, s.csum_min, STRICT);
          expectClose(c.max, s.csum_max, STRICT);
        });
        it('max_drawdown_account, max_drawdown_abs, drawdown_start/end, max_drawdown_low/high (starting balance, by currency)', () => {
          const dd = freqtradeMaxDrawdown(asFreqtrade, { startingBalance: sb });
          expectClose(dd.relativeAccountDrawdown, s.max_drawdown_account, STRICT);
          expectClose(dd.drawdownAbs, s.max_drawdown_abs, STRICT);
          expectClose(dd.lowValue, s.max_drawdown_low, STRICT);
          expectClose(dd.highValue, s.max_drawdown_high, STRICT);
          expect([dd.highDate, dd.lowDate]).toEqual([utc(s.drawdown_start), utc(s.drawdown_end)]);
        });
        it('max_relative_drawdown (starting balance, relative=True)', () => {
          expectClose(
            freqtradeMaxDrawdown(asFreqtrade, { startingBalance: sb, relative: true }).relativeAccountDrawdown,
            s.max_relative_drawdown,
            STRICT,
          );
        });
      },
    );
  },
);

describe('freqtrade edge cases not covered by the vectors (documented behaviour)', () => {
  it('freqtrade trade-based ratios are 0 with no trades or a zero-length period, and throw on an empty drawdown', () => {
    const period = { minDate: 0, maxDate: 0, startingBalance: 1 };
    expect(freqtradeTradeSharpe([1], period)).toBe(0);
    expect(freqtradeTradeSortino([], { ...period, maxDate: DAY })).toBe(0);
    expect(freqtradeTradeCalmar([], { ...period, maxDate: DAY })).toBe(0);
    expect(() => freqtradeMaxDrawdown([])).toThrow(RangeError);
    expect(() => freqtradeMaxDrawdownFromBalance([{ date: 0, balance: 100 }])).toThrow(RangeError);
    expect(freqtradeSharpeFromBalance([])).toBe(0);
    expect(freqtradeCalmarFromBalance([])).toBe(0);
  });

  it('balance returns keep the last snapshot of each UTC day', () => {
    const h = [
      { date: Date.UTC(2025, 0, 1, 9), balance: 50 },
      { date: Date.UTC(2025, 0, 1, 23), balance: 100 },
      { date: Date.UTC(2025, 0, 3, 1), balance: 110 },
    ];
    expect(freqtradeDailyReturnsFromBalance(h)).toEqual([110 / 100 - 1]);
  });
});
