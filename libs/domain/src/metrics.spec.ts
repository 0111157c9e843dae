import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ANNUALIZATION_FACTORS,
  annualVolatility,
  aprFromDailyReturns,
  BalanceSnapshot,
  cagr,
  cagrCalendar,
  calmar,
  calmarCalendar,
  cumReturns,
  DatedPnl,
  downsideRisk,
  excessKurtosis,
  expectedShortfall,
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
  maxDrawdown,
  maxDrawdownUsd,
  normalQuantile,
  omegaRatio,
  percentile,
  profitFactor,
  Returns,
  sharpe,
  skewness,
  sortino,
  stabilityOfTimeseries,
  stdDev,
  tailRatio,
  tradeStats,
  valueAtRisk,
} from './metrics';

/**
 * Table-driven over ../shared/vectors/metrics.json (the `shared` folder beside the repo). Every expected value
 * comes from the file; nothing below hard-codes one. Cases whose inputs the file does not carry are `it.todo`.
 */
const VECTORS_PATH = resolve(__dirname, '../../../../shared/vectors/metrics.json');
const V = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));

// ------------------------------------------------------------------------------------------------ helpers

interface Tol {
  rel?: number;
  abs?: number;
}
/** quantstats tests/test_reference_values.py: pytest.approx(rel=1e-9, abs=1e-12). Also our default elsewhere. */
const STRICT: Tol = { rel: 1e-9, abs: 1e-12 };
/** pytest.approx() defaults, which freqtrade's tests use for its truncated literals (e.g. 44.5078669). */
const PYTEST_APPROX: Tol = { rel: 1e-6, abs: 1e-12 };
/** numpy assert_almost_equal(decimal=d): |actual − desired| < 1.5·10^−d. */
const numpyDecimal = (d: number): Tol => ({ abs: 1.5 * 10 ** -d });
/** A literal quoted to d decimals: within half a unit of its last digit. */
const halfUnitOf = (literal: string): Tol => ({ abs: 0.5 * 10 ** -(literal.split('.')[1]?.length ?? 0) });

function expectClose(actual: number, expected: number, tol: Tol): void {
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected); // Object.is: NaN matches NaN, ±Infinity must match exactly
    return;
  }
  const diff = Math.abs(actual - expected);
  const bound = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.max(Math.abs(actual), Math.abs(expected)));
  expect({ actual, expected, withinTolerance: diff <= bound }).toEqual({ actual, expected, withinTolerance: true });
}

/** JSON numbers, with the strings 'NaN' / 'Infinity' / '-Infinity' the file uses for non-finite values. */
function num(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  throw new Error(`not a number in the vectors: ${JSON.stringify(x)}`);
}

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

// ------------------------------------------------------------------------------------------------ the file

describe('metrics.json', () => {
  it('is read from the shared folder beside the repository', () => {
    expect(existsSync(VECTORS_PATH)).toBe(true);
    expect(V.schema).toBe('metrics.json v1');
  });
});

// ------------------------------------------------------------------------------------------------ quantstats

type SeriesFn = (returns: Returns, periods: number) => number;
interface Impl {
  convention: string;
  fn: SeriesFn;
}

/** What quantstats' harness calls for each metric, keyed as in the file; `convention` must match the file's. */
const QUANTSTATS: Record<string, Impl> = {
  volatility_annual: { convention: 'std_ddof1', fn: (r, p) => annualVolatility(r, p) },
  return_annual: { convention: 'geometric', fn: (r, p) => cagr(r, p) },
  sharpe_annual: { convention: 'arithmetic_ddof1', fn: (r, p) => sharpe(r, { periods: p }) },
  sortino_annual: { convention: 'full_ddof0', fn: (r, p) => sortino(r, { periods: p, convention: 'quantstats' }) },
  max_drawdown: { convention: 'geometric_initial_peak', fn: (r) => maxDrawdown(r) },
  calmar: { convention: 'cagr_over_mdd', fn: (r, p) => calmar(r, { periods: p }) },
  var_95: { convention: 'gaussian_ddof1', fn: (r) => valueAtRisk(r, { confidence: 0.95 }) },
  es_95: { convention: 'gaussian_ddof1', fn: (r) => expectedShortfall(r, { confidence: 0.95 }) },
  omega_0: { convention: 'simple', fn: (r, p) => omegaRatio(r, { requiredReturn: 0, annualization: p }) },
  skewness: { convention: 'adjusted_g1', fn: (r) => skewness(r) },
  kurtosis: { convention: 'excess_sample', fn: (r) => excessKurtosis(r) },
};

describe(
  'quantstats / PerformanceAnalytics vetted convention: simple returns, no risk-free, ddof=1 Sharpe, Sortino over ALL ' +
    'n, CAGR by count, MDD from an initial peak (rel 1e-9, abs 1e-12)',
  () => {
    const qs = V.quantstats_vetted;

    it('every metric in the file has an implementation with the same convention', () => {
      for (const [name, m] of Object.entries<any>(qs.metrics))
        expect({ name, convention: QUANTSTATS[name]?.convention }).toEqual({ name, convention: m.convention });
    });

    it('constant z(0.05) is the standard normal quantile', () => {
      expectClose(normalQuantile(0.05), num(qs.constants['z(0.05)']), STRICT);
    });

    for (const [name, m] of Object.entries<any>(qs.metrics)) {
      describe(`${name} — ${m.convention}: ${m.definition}`, () => {
        for (const [fixture, expected] of Object.entries<any>(m.values)) {
          const fx = qs.fixtures[fixture];
          if (fx.returns === null) {
            it.todo(`${fixture}: its 500 input returns are not transcribed in metrics.json (quantstats tests/data/reference_values.json)`);
            continue;
          }
          it(`${fixture} (periods ${fx.periods})`, () => {
            expectClose(QUANTSTATS[name].fn(fx.returns, fx.periods), num(expected), STRICT);
          });
        }
      });
    }

    it('profit factor on returns equals omega_0 (conventions_summary.profit_factor_on_returns)', () => {
      expect(V.conventions_summary.profit_factor_on_returns).toMatch(/bacon_monthly profit factor/);
      expectClose(profitFactor(qs.fixtures.bacon_monthly.returns), num(qs.metrics.omega_0.values.bacon_monthly), STRICT);
    });
  },
);

// ------------------------------------------------------------------------------------------------ ffn

/** ffn harness: monthly returns dated at month ends from 2000-01-31, others on business days from 2000-01-03. */
function ffnLastDate(n: number, periods: number): number {
  if (periods === 12) return Date.UTC(2000, n, 0); // day 0 of month n = last day of month n−1
  let d = Date.UTC(2000, 0, 3);
  for (let k = 1; k < n;) {
    d += DAY;
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) k++;
  }
  return d;
}
const FFN_START = Date.UTC(1999, 11, 31); // the price path starts at 1.0 one period before the first return

describe('ffn vetted convention: calendar-time CAGR and Calmar, years = calendar days from the starting price / 365.25 (rel 1e-9)', () => {
  const ffn = V.ffn_vetted;
  const fixtures = V.quantstats_vetted.fixtures;
  const calendarDays = (f: any): number => (ffnLastDate(f.returns.length, f.periods) - FFN_START) / DAY;

  it('the harness calendar spans match the ones the file states', () => {
    for (const [name, f] of Object.entries<any>(fixtures)) {
      if (f.returns === null) continue;
      const stated = new RegExp(`${name}: (\\d+) calendar days`).exec(ffn.test_harness);
      expect([name, calendarDays(f)]).toEqual([name, Number(stated?.[1])]);
    }
  });

  const IMPL: Record<string, Impl> = {
    return_annual: { convention: 'geometric_calendar_365.25', fn: (r, days) => cagrCalendar(r, days, 365.25) },
    calmar: { convention: 'cagr_calendar_over_mdd', fn: (r, days) => calmarCalendar(r, { calendarDays: days }) },
  };
  for (const [name, m] of Object.entries<any>(ffn.metrics)) {
    if (typeof m === 'string') {
      // sharpe_annual / sortino_annual / max_drawdown: "identical to quantstats_vetted" — checked there, not twice.
      continue;
    }
    describe(`${name} — ${m.convention}: ${m.definition}`, () => {
      it('has an implementation with the same convention', () => expect(IMPL[name]?.convention).toBe(m.convention));
      for (const [fixture, expected] of Object.entries<any>(m.values)) {
        const f = fixtures[fixture];
        if (f.returns === null) {
          it.todo(`${fixture}: its 500 input returns are not transcribed in metrics.json (ffn tests/data/reference_values.json)`);
          continue;
        }
        it(`${fixture} (${calendarDays(f)} calendar days)`, () => {
          expectClose(IMPL[name].fn(f.returns, calendarDays(f)), num(expected), STRICT);
        });
      }
    });
  }
});

// ------------------------------------------------------------------------------------------------ empyrical

describe('empyrical 0.5.5 convention: 252/52/12 periods, NaN skipped but counted in len(), IEEE ±Infinity/NaN on zero denominators', () => {
  const E = V.empyrical;
  const factor = (period: string | undefined): number => E.annualization_factors[period ?? 'daily'];

  /** A series by name, a literal array, or the generated 'flat_line_1_tz (1000 x 0.01)'. */
  function series(ref: unknown): number[] {
    if (Array.isArray(ref)) return ref.map(num);
    const s = String(ref);
    const generated = /^\w+ \((\d+) x (-?[\d.]+)\)$/.exec(s);
    if (generated) return Array<number>(Number(generated[1])).fill(Number(generated[2]));
    const name = /^(\w+)(?: \(series\))?$/.exec(s)?.[1];
    if (!name || !E.series[name]) throw new Error(`unknown series in the vectors: ${s}`);
    return E.series[name].map(num);
  }
  /** risk_free / required_return: a number or a '<name> (series)'. */
  const rate = (x: unknown): number | number[] => (typeof x === 'number' ? x : series(x));
  const label = (c: any): string => JSON.stringify(c).replace(/"/g, '');

  it('uses the same annualization factors', () => {
    expect(ANNUALIZATION_FACTORS).toEqual(E.annualization_factors);
  });

  describe('sharpe_ratio: mean(r−rf)/std(r−rf, ddof=1)·√252', () => {
    for (const c of E.expected.sharpe_ratio)
      it(label(c), () =>
        expectClose(sharpe(series(c.returns), { periods: factor(c.period), riskFree: rate(c.risk_free) }), num(c.expected), STRICT),
      );
  });

  describe('sortino_ratio: sortino over downside deviation √mean(min(r−req,0)²) of the non-NaN observations, mean·ann/(dd·√ann)', () => {
    for (const c of E.expected.sortino_ratio)
      it(label(c), () =>
        expectClose(
          sortino(series(c.returns), { periods: factor(c.period), riskFree: rate(c.required_return), convention: 'empyrical' }),
          num(c.expected),
          STRICT,
        ),
      );
  });

  describe('downside_risk: √mean(min(r−req,0)²)·√ann, req per period', () => {
    for (const c of E.expected.downside_risk)
      it(label(c), () =>
        expectClose(
          downsideRisk(series(c.returns), { periods: factor(c.period), requiredReturn: rate(c.required_return) }),
          num(c.expected),
          STRICT,
        ),
      );
  });

  describe('max_drawdown: wealth from 100, the start counts as a peak; NaN for an empty series', () => {
    for (const c of E.expected.max_drawdown) {
      it(label(c), () => {
        const r = series(c.returns);
        if (typeof c.expected === 'string' && c.expected.startsWith('cum_returns_final(')) {
          // "cum_returns_final(negative_returns) = -0.36590 (4 dp)": a never-recovering series falls to its end value
          const m = /^cum_returns_final\((\w+)\)(?: = (-?[\d.]+) \((\d+) dp\))?$/.exec(c.expected);
          expect(m?.[1]).toBe(c.returns);
          const final = r.reduce((w, x) => w * (1 + (Number.isNaN(x) ? 0 : x)), 1) - 1;
          expectClose(maxDrawdown(r), final, STRICT);
          if (m?.[2]) expectClose(maxDrawdown(r), Number(m[2]), numpyDecimal(Number(m[3])));
        } else {
          expectClose(maxDrawdown(r), num(c.expected), STRICT);
        }
      });
    }
  });

  describe('annual_return: Π(1+r)^(ann/len) − 1 (len includes the NaN)', () => {
    for (const c of E.expected.annual_return)
      it(label(c), () => expectClose(cagr(series(c.returns), factor(c.period)), num(c.expected), STRICT));
  });

  describe('cagr: same as annual_return', () => {
    for (const c of E.expected.cagr) it(label(c), () => expectClose(cagr(series(c.returns), factor(c.period)), num(c.expected), STRICT));
  });

  describe('annual_volatility: std(ddof=1)·√ann', () => {
    for (const c of E.expected.annual_volatility)
      it(label(c), () => expectClose(annualVolatility(series(c.returns), factor(c.period)), num(c.expected), STRICT));
  });

  describe('calmar_ratio: annual_return/|MDD|, NaN without a drawdown', () => {
    for (const c of E.expected.calmar_ratio)
      it(label(c), () => expectClose(calmar(series(c.returns), { periods: factor(c.period) }), num(c.expected), STRICT));
  });

  describe('omega_ratio: Σ gains/Σ losses above rf + τ, τ = (1+annual req)^(1/252) − 1', () => {
    it('omega_note states the annual threshold conversion', () => expect(E.expected.omega_note).toMatch(/\(1\+req\)\^\(1\/252\)-1/));
    for (const c of E.expected.omega_ratio)
      it(label(c), () =>
        expectClose(
          omegaRatio(series(c.returns), { riskFree: rate(c.risk_free), requiredReturn: c.required_return }),
          num(c.expected),
          STRICT,
        ),
      );
  });

  describe('cum_returns: Π(1+r) − 1, or × starting_value; NaN as 0 (4 dp, numpy decimal=4)', () => {
    for (const c of E.expected.cum_returns) {
      it(label({ returns: c.returns, starting_value: c.starting_value }), () => {
        expect(c.tolerance).toBe('4 dp');
        const got = cumReturns(series(c.returns), c.starting_value);
        expect(got).toHaveLength(c.expected.length);
        c.expected.forEach((e: number, i: number) => expectClose(got[i], e, numpyDecimal(4)));
      });
    }
  });

  describe('stability_of_timeseries: R² of the cumulative log return against time', () => {
    for (const c of E.expected.stability_of_timeseries)
      it(label(c), () => expectClose(stabilityOfTimeseries(series(c.returns)), num(c.expected), STRICT));
  });

  describe('tail_ratio: |p95|/|p5| (1 dp, numpy decimal=1)', () => {
    for (const c of E.expected.tail_ratio) {
      it(label(c), () => {
        expect(c.tolerance).toBe('1 dp');
        expectClose(tailRatio(series(c.returns)), num(c.expected), numpyDecimal(1));
      });
    }
  });
});

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
      const s = tradeStats(c.profit_abs);
      expect([s.expectancy, s.expectancyRatio]).toEqual([e.expectancy, e.expectancyRatio]);
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

// ------------------------------------------------------------------------------------------------ not from the file

describe('edge cases and conventions not covered by the vectors (documented behaviour)', () => {
  it('sharpe and sortino need two observations; zero dispersion gives IEEE ±Infinity/NaN, not 0', () => {
    expect(sharpe([], { periods: 252 })).toBeNaN();
    expect(sharpe([0.01], { periods: 252 })).toBeNaN();
    expect(sharpe([0.01, 0.01], { periods: 252 })).toBe(Infinity);
    expect(sharpe([0, 0], { periods: 252 })).toBeNaN();
    expect(sortino([0.01, 0.02], { periods: 252, convention: 'quantstats' })).toBe(Infinity);
    expect(sortino([], { periods: 252, convention: 'empyrical' })).toBeNaN();
  });

  it('the two Sortino conventions agree on clean data and differ on NaN', () => {
    const r = V.quantstats_vetted.fixtures.bacon_monthly.returns as number[];
    expectClose(sortino(r, { periods: 12, convention: 'empyrical' }), sortino(r, { periods: 12, convention: 'quantstats' }), STRICT);
    expect(sortino([NaN, 0.01, -0.02], { periods: 252, convention: 'quantstats' })).toBeNaN();
    expect(Number.isFinite(sortino([NaN, 0.01, -0.02], { periods: 252, convention: 'empyrical' }))).toBe(true);
  });

  it('aprFromDailyReturns is simple annualisation: mean daily return × 365', () => {
    expectClose(aprFromDailyReturns([0.001, 0.003, -0.001]), 0.365, STRICT);
    expectClose(aprFromDailyReturns([0.01, NaN], 360), 3.6, STRICT);
    expect(aprFromDailyReturns([])).toBeNaN();
  });

  it('stdDev is exactly 0 for a constant series and NaN when n ≤ ddof', () => {
    expect(stdDev(Array<number>(1000).fill(0.01), 1)).toBe(0);
    expect(stdDev([1], 1)).toBeNaN();
    expect(stdDev([], 0)).toBeNaN();
  });

  it('profit factor is 0 without a losing trade (freqtrade), omega is NaN', () => {
    expect(profitFactor([1, 2, 0])).toBe(0);
    expect(profitFactor([])).toBe(0);
    expect(omegaRatio([0.01, 0.02])).toBeNaN();
    expect(tradeStats([])).toMatchObject({ trades: 0, winRate: 0, profitFactor: 0, expectancy: 0, expectancyRatio: 100 });
  });

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
