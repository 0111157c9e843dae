import { existsSync } from 'fs';
import { maxDrawdown, profitFactor, Returns, sharpe, sortino } from '@conduit/domain';
import { expectClose, STRICT, vectorNumber as num } from '../tolerance';
import { readVectors, vectorPath } from '../vectors';
import {
  annualVolatility,
  cagr,
  cagrCalendar,
  calmar,
  calmarCalendar,
  excessKurtosis,
  expectedShortfall,
  normalQuantile,
  omegaRatio,
  skewness,
  valueAtRisk,
} from '.';

/**
 * quantstats / PerformanceAnalytics and ffn conventions, table-driven over ../shared/vectors/metrics.json (the `shared`
 * folder beside the repo). Every expected value comes from the file; cases whose inputs it does not carry are `it.todo`.
 */
const V = readVectors('metrics.json');
const DAY = 86_400_000;

describe('metrics.json', () => {
  it('is read from the shared folder beside the repository', () => {
    expect(existsSync(vectorPath('metrics.json'))).toBe(true);
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
  sortino_annual: { convention: 'full_ddof0', fn: (r, p) => sortino(r, { periods: p }) },
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
