/**
 * Gaussian (parametric) tail risk — the quantstats / PerformanceAnalytics "vetted" `var_95` and `es_95` — with the
 * standard normal functions they need. A reference convention the shared metrics vectors check, for the tests only.
 */
import { mean, Returns, stdDev } from '@conduit/domain';

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0: a positive-term series for erf below 2.5, Lentz's continued fraction above (rel. err ~1e-15). */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), all terms positive
    let term = x;
    let s = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      s += term;
      if (term < s * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * s;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return z < 0 ? 0.5 * erfcNonNegative(-z / SQRT2) : 1 - 0.5 * erfcNonNegative(z / SQRT2);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile Φ⁻¹(p) (scipy `norm.ppf`), p in (0, 1): a rational first guess refined by Halley steps. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the starting point
  const tail = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(tail));
  let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  if (p < 0.5) z = -z;
  for (let i = 0; i < 4; i++) {
    const e = (normalCdf(z) - p) / normalPdf(z);
    z -= e / (1 + (z * e) / 2);
  }
  return z;
}

/**
 * Parametric (Gaussian) value at risk of one period's return: `mean + Φ⁻¹(1 − confidence) · std(ddof=1)`, a
 * negative return for a losing tail (quantstats `stats.value_at_risk`; the vetted `var_95`). Fewer than 2
 * observations → NaN.
 */
export function valueAtRisk(returns: Returns, { confidence = 0.95 }: { confidence?: number } = {}): number {
  return mean(returns) + normalQuantile(1 - confidence) * stdDev(returns, 1);
}

/**
 * Parametric (Gaussian) expected shortfall / CVaR: `mean − std(ddof=1) · φ(z)/(1 − confidence)` with
 * z = Φ⁻¹(1 − confidence) — the vetted `es_95` (PerformanceAnalytics `ES(method='gaussian')`). Note that
 * quantstats' own `conditional_value_at_risk` is historical, not this.
 */
export function expectedShortfall(returns: Returns, { confidence = 0.95 }: { confidence?: number } = {}): number {
  const z = normalQuantile(1 - confidence);
  return mean(returns) - (stdDev(returns, 1) * normalPdf(z)) / (1 - confidence);
}
