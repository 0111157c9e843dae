import { maxDrawdown, sharpe, sortino } from '@conduit/domain';
import { expectClose, numpyDecimal, STRICT, vectorNumber as num } from '../tolerance';
import { readVectors } from '../vectors';
import {
  ANNUALIZATION_FACTORS,
  annualVolatility,
  cagr,
  calmar,
  cumReturns,
  downsideRisk,
  omegaRatio,
  sortinoEmpyrical,
  stabilityOfTimeseries,
  tailRatio,
} from '.';

/** empyrical 0.5.5, table-driven over ../shared/vectors/metrics.json: every expected value comes from the file. */
const V = readVectors('metrics.json');

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
          sortinoEmpyrical(series(c.returns), { periods: factor(c.period), requiredReturn: rate(c.required_return) }),
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

describe('the empyrical Sortino beside the quantstats one (documented behaviour, not from the file)', () => {
  it('the two Sortino conventions agree on clean data and differ on NaN and short series; omega is NaN without losses', () => {
    const r = V.quantstats_vetted.fixtures.bacon_monthly.returns as number[];
    expectClose(sortinoEmpyrical(r, { periods: 12 }), sortino(r, { periods: 12 }), STRICT);
    expect(sortino([NaN, 0.01, -0.02], { periods: 252 })).toBeNaN();
    expect(Number.isFinite(sortinoEmpyrical([NaN, 0.01, -0.02], { periods: 252 }))).toBe(true);
    expect(sortinoEmpyrical([], { periods: 252 })).toBeNaN();
    expect(omegaRatio([0.01, 0.02])).toBeNaN();
  });
});
