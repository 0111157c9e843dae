import Decimal from 'decimal.js';
import type { DecimalInput } from './encoding';
import { exact, Exact, out, trunc18, trunc6 } from './fixed-point';

/**
 * Ostium's funding rate model (OstiumPairInfos v1.2.4 getPendingAccFundingFees / getTargetFundingRate /
 * exponentialApproximation; the SDK's scscript/funding.py), in human units: rates and accumulators per block as
 * decimals (PRECISION_18 on chain), open interest in USDC, scales in percent or as plain factors as noted.
 *
 * The target rate follows a Hill curve of the open-interest imbalance; the current rate moves towards it with a
 * spring (an exponential, approximated as the contract does); the funding accumulated over the blocks is paid by the
 * heavier side to the lighter one, pro rata of open interest.
 */

export interface PairFundingState {
  /** Accumulated funding per unit of long / short open interest (accPerOiLong / accPerOiShort). */
  accPerOiLong: DecimalInput;
  accPerOiShort: DecimalInput;
  /** Funding rate per block at lastUpdateBlock. */
  lastFundingRate: DecimalInput;
  lastUpdateBlock: number;
}

export interface PairFundingParams {
  /** Largest funding rate per block. */
  maxFundingFeePerBlock: DecimalInput;
  /** Target rate (as a fraction of the maximum) with balanced open interest. */
  hillInflectionPoint: DecimalInput;
  /** Height of the Hill curve when longs / shorts dominate (1.18 for the contract's 118). */
  hillPosScale: DecimalInput;
  hillNegScale: DecimalInput;
  /** Speed of the move towards the target, per block. */
  springFactor: DecimalInput;
  /** Spring when the rate changes sign / when it relaxes towards a smaller target, percent of springFactor. */
  sFactorUpScaleP: DecimalInput;
  sFactorDownScaleP: DecimalInput;
}

export interface OpenInterest {
  /** USDC of long / short open interest at the latest price. */
  long: DecimalInput;
  short: DecimalInput;
  /** The pair's open-interest cap in USDC. */
  cap: DecimalInput;
}

/** The imbalance (long − short) / max(cap, long, short), 6 places. */
export function normalizedOiDelta(oi: OpenInterest): Decimal {
  const long = exact(oi.long);
  const short = exact(oi.short);
  return out(trunc6(long.minus(short).div(Exact.max(exact(oi.cap), long, short))));
}

/** Target funding rate per block for an imbalance (getTargetFundingRate): a Hill curve x² / (0.16 + x²), x = 1.84 × delta. */
export function targetFundingRate(oiDelta: DecimalInput, p: PairFundingParams): Decimal {
  const delta = exact(oiDelta);
  const x = trunc6(delta.mul('1.84'));
  const x2 = x.mul(x);
  const hill = trunc18(x2.div(x2.plus('0.16')));
  const inflection = exact(p.hillInflectionPoint);
  let target = delta.gte(0)
    ? trunc18(exact(p.hillPosScale).mul(hill)).plus(inflection)
    : trunc18(exact(p.hillNegScale).mul(hill)).neg().plus(inflection);
  target = Exact.min(1, Exact.max(-1, target));
  return out(trunc18(target.mul(exact(p.maxFundingFeePerBlock))));
}

const PADE_ERROR_THRESHOLD = new Exact('0.7932312589092019');
const POWERTWO_APPROX_THRESHOLD = new Exact('6.906');
const POWERS = ['1.648721', '1.284025', '1.133148', '1.064494', '1.031743', '1.015748', '1.007843', '1.003915', '1.001955', '1.000977'];

/**
 * e^value for value ≤ 0 as the contract approximates it: a (2,2) Padé approximant near zero (18 places), powers of
 * two with a 10-step binary expansion of the fraction further out (3 places), zero beyond 6.906.
 */
export function exponentialApproximation(value: DecimalInput): Decimal {
  const v = exact(value);
  const abs = v.abs();
  if (abs.lt(PADE_ERROR_THRESHOLD)) {
    const numerator = trunc18(v.plus(3).pow(2)).plus(3);
    const denominator = trunc18(v.minus(3).pow(2)).plus(3);
    return out(trunc18(numerator.div(denominator)));
  }
  if (abs.lte(POWERTWO_APPROX_THRESHOLD)) {
    const integer = abs.floor();
    let fraction = abs.minus(integer);
    let approx = new Exact(1);
    for (const k of POWERS) {
      fraction = fraction.mul(2);
      if (fraction.gte(1)) {
        approx = trunc6(approx.mul(k));
        fraction = fraction.minus(1);
      }
      if (fraction.isZero()) break;
    }
    const denominator = new Exact(2).pow(integer).mul(approx.toDecimalPlaces(3, Decimal.ROUND_DOWN));
    return out(new Exact(1).div(denominator).toDecimalPlaces(3, Decimal.ROUND_DOWN));
  }
  return out(new Exact(0));
}

export interface PendingFunding {
  accPerOiLong: Decimal;
  accPerOiShort: Decimal;
  /** The funding rate per block now. */
  fundingRate: Decimal;
  targetFundingRate: Decimal;
  normalizedOiDelta: Decimal;
}

/**
 * The pair's funding accumulators at `blockNumber` (getPendingAccFundingFees): the rate springs from
 * lastFundingRate towards the target over the blocks since lastUpdateBlock; what accrued is added to the paying
 * side's accumulator and taken, scaled by the open-interest ratio, from the other's.
 */
export function pendingAccFundingFees(
  state: PairFundingState,
  p: PairFundingParams,
  oi: OpenInterest,
  blockNumber: number,
): PendingFunding {
  const blocks = exact(blockNumber - state.lastUpdateBlock);
  const oiLong = exact(oi.long);
  const oiShort = exact(oi.short);
  const delta = normalizedOiDelta(oi);
  const target = exact(targetFundingRate(delta, p));
  const last = exact(state.lastFundingRate);
  const spring = exact(p.springFactor);
  let sFactor: Decimal;
  if (last.mul(target).gte(0)) sFactor = target.abs().gt(last.abs()) ? spring : trunc18(exact(p.sFactorDownScaleP).mul(spring).div(100));
  else sFactor = trunc18(exact(p.sFactorUpScaleP).mul(spring).div(100));
  if (sFactor.lte(0)) throw new RangeError('the spring factor must be positive (the contract divides by it)');

  const exp = exact(exponentialApproximation(sFactor.mul(blocks).neg()));
  const accrued = trunc18(target.mul(blocks)).plus(trunc18(new Exact(1).minus(exp).mul(last.minus(target)).div(sFactor)));
  const rate = target.plus(trunc18(last.minus(target).mul(exp)));

  let long = exact(state.accPerOiLong);
  let short = exact(state.accPerOiShort);
  if (accrued.gt(0)) {
    if (oiLong.gt(0)) {
      long = long.plus(accrued);
      if (oiShort.gt(0)) short = short.minus(trunc18(accrued.mul(oiLong).div(oiShort)));
    }
  } else if (oiShort.gt(0)) {
    short = short.minus(accrued);
    if (oiLong.gt(0)) long = long.plus(trunc18(accrued.mul(oiShort).div(oiLong)));
  }
  return {
    accPerOiLong: out(trunc18(long)),
    accPerOiShort: out(trunc18(short)),
    fundingRate: out(trunc18(rate)),
    targetFundingRate: out(trunc18(target)),
    normalizedOiDelta: delta,
  };
}
