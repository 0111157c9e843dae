import Decimal from 'decimal.js';

/**
 * GMX v2's position price impact, in its 30-decimal fixed point (USD × 10^30, factors × 10^30), exact bigint.
 *
 * Follows gmx-io/gmx-synthetics:
 * - contracts/pricing/PositionPricingUtils.sol @ 036b16d98cc83d7c0d65e109ec8e3ef1f584b5fc (_getPriceImpactUsd,
 *   getNextOpenInterestParams): imbalance = |long OI − short OI| before and after the size delta; same side of
 *   balance → one factor (positive when the imbalance shrinks); crossover → positive part minus negative part.
 * - contracts/pricing/PricingUtils.sol @ 3adbe4bb2cbf9cb9e55db4a737e8c3c64ace9c6f (getPriceImpactUsdForSameSideRebalance,
 *   getPriceImpactUsdForCrossoverRebalance, applyImpactFactor = applyFactor(applyExponentFactor(diff, exponent), factor)).
 * - contracts/utils/Precision.sol @ 130f0f8994474d194e215ec4f887163ce20f0ca6 (applyExponentFactor: 0 below 1 USD,
 *   identity for exponent 1, else pow in 18 decimals and back; applyFactor: mulDiv rounding down).
 *
 * One difference: the contracts' pow is PRBMathUD60x18.pow = exp2(y · log2 x), an approximation in its last of 18
 * digits; here an integer exponent is an exact power (truncated to 18 decimals) and any other exponent is decimal.js at
 * 80 significant digits, truncated — far below a cent on any size. Not modelled: the virtual-inventory threshold,
 * the positive-impact caps (impact pool, MAX_POSITION_IMPACT_FACTOR).
 */

export const FLOAT_PRECISION = 10n ** 30n;
const WEI_PRECISION = 10n ** 18n;
const FLOAT_TO_WEI_DIVISOR = 10n ** 12n;

/** A market's position impact settings as DataStore holds them (30 decimals). */
export interface PositionImpactFactors {
  positiveFactor: bigint;
  negativeFactor: bigint;
  exponent: bigint;
}

/** Open interest of a market, USD × 10^30. */
export interface GmxOpenInterest {
  long: bigint;
  short: bigint;
}

const HiDec = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_DOWN });

/** Precision.applyExponentFactor: floatValue^exponent, both 30 decimals; 0 below 1 (USD). */
export function applyExponentFactor(floatValue: bigint, exponentFactor: bigint): bigint {
  if (floatValue < FLOAT_PRECISION) return 0n;
  if (exponentFactor === FLOAT_PRECISION) return floatValue;
  const x = floatValue / FLOAT_TO_WEI_DIVISOR; // floatToWei
  const y = exponentFactor / FLOAT_TO_WEI_DIVISOR;
  let wei: bigint;
  if (y % WEI_PRECISION === 0n) {
    const n = y / WEI_PRECISION;
    wei = n === 0n ? WEI_PRECISION : x ** n / WEI_PRECISION ** (n - 1n);
  } else {
    const base = new HiDec(x.toString()).div(WEI_PRECISION.toString());
    const power = base.pow(new HiDec(y.toString()).div(WEI_PRECISION.toString()));
    wei = BigInt(power.mul(WEI_PRECISION.toString()).toFixed(0, Decimal.ROUND_DOWN));
  }
  return wei * FLOAT_TO_WEI_DIVISOR; // weiToFloat
}

/** Precision.applyFactor: value × factor / 10^30, rounded down (Math.mulDiv). */
export function applyFactor(value: bigint, factor: bigint): bigint {
  return (value * factor) / FLOAT_PRECISION;
}

/** PricingUtils.applyImpactFactor: diff^exponent × factor. */
export function applyImpactFactor(diffUsd: bigint, impactFactor: bigint, impactExponentFactor: bigint): bigint {
  return applyFactor(applyExponentFactor(diffUsd, impactExponentFactor), impactFactor);
}

const absDiff = (a: bigint, b: bigint) => (a > b ? a - b : b - a);

/**
 * PositionPricingUtils.getPriceImpactUsd (without virtual inventory): the USD impact (× 10^30) of changing the
 * `isLong` open interest by `usdDelta` (positive: increase, negative: decrease). Negative is a cost to the trader.
 * Throws as the contract reverts when a decrease exceeds that side's open interest.
 */
export function positionPriceImpactUsd(oi: GmxOpenInterest, usdDelta: bigint, isLong: boolean, factors: PositionImpactFactors): bigint {
  const side = isLong ? oi.long : oi.short;
  if (usdDelta < 0n && -usdDelta > side) throw new Error(`UsdDeltaExceeds${isLong ? 'Long' : 'Short'}OpenInterest(${usdDelta}, ${side})`);
  const nextLong = isLong ? oi.long + usdDelta : oi.long;
  const nextShort = isLong ? oi.short : oi.short + usdDelta;
  const initialDiff = absDiff(oi.long, oi.short);
  const nextDiff = absDiff(nextLong, nextShort);
  const sameSide = oi.long <= oi.short === nextLong <= nextShort;
  const { exponent } = factors;
  if (sameSide) {
    const positive = nextDiff < initialDiff;
    const factor = positive ? factors.positiveFactor : factors.negativeFactor;
    const delta = absDiff(applyImpactFactor(initialDiff, factor, exponent), applyImpactFactor(nextDiff, factor, exponent));
    return positive ? delta : -delta;
  }
  const positiveUsd = applyImpactFactor(initialDiff, factors.positiveFactor, exponent);
  const negativeUsd = applyImpactFactor(nextDiff, factors.negativeFactor, exponent);
  return positiveUsd - negativeUsd;
}

const roundUpDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/**
 * The execution price of an increase, GMX per-unit price (USD × 10^30 per smallest token unit), as
 * PositionUtils.getExecutionPriceForIncrease (contracts/position/PositionUtils.sol @ 67923de7645f1e6c3632e387ae7ca52fd8ede3fd)
 * and BaseOrderUtils.getExecutionPriceForIncrease compute it: the impact in tokens (positive rounded down, negative
 * rounded up in magnitude) moves sizeDeltaInTokens, and the price is sizeDeltaUsd / sizeDeltaInTokens.
 */
export function executionPriceForIncrease(
  price: bigint,
  sizeDeltaUsd: bigint,
  priceImpactUsd: bigint,
  isLong: boolean,
): { executionPrice: bigint; sizeDeltaInTokens: bigint; priceImpactAmount: bigint } {
  const impactAmount = priceImpactUsd > 0n ? priceImpactUsd / price : -roundUpDiv(-priceImpactUsd, price);
  const base = isLong ? sizeDeltaUsd / price : roundUpDiv(sizeDeltaUsd, price);
  const sizeDeltaInTokens = isLong ? base + impactAmount : base - impactAmount;
  if (sizeDeltaInTokens <= 0n) throw new Error(`PriceImpactLargerThanOrderSize(${priceImpactUsd}, ${sizeDeltaUsd})`);
  return { executionPrice: sizeDeltaUsd / sizeDeltaInTokens, sizeDeltaInTokens, priceImpactAmount: impactAmount };
}

/**
 * The execution price of a decrease, as BaseOrderUtils.getExecutionPriceForDecrease: the price moved by
 * positionSizeInUsd × impact / positionSizeInTokens / sizeDeltaUsd (sign flipped for shorts), rounded toward zero.
 */
export function executionPriceForDecrease(
  price: bigint,
  positionSizeInUsd: bigint,
  positionSizeInTokens: bigint,
  sizeDeltaUsd: bigint,
  priceImpactUsd: bigint,
  isLong: boolean,
): bigint {
  if (sizeDeltaUsd === 0n || positionSizeInTokens === 0n) return price;
  const adjusted = isLong ? priceImpactUsd : -priceImpactUsd;
  if (adjusted < 0n && -adjusted > sizeDeltaUsd) throw new Error(`PriceImpactLargerThanOrderSize(${priceImpactUsd}, ${sizeDeltaUsd})`);
  const magnitude = (positionSizeInUsd * (adjusted < 0n ? -adjusted : adjusted)) / positionSizeInTokens;
  const adjustment = (adjusted < 0n ? -magnitude : magnitude) / sizeDeltaUsd;
  const next = price + adjustment;
  if (next < 0n) throw new Error(`NegativeExecutionPrice(${next}, ${price}, ${positionSizeInUsd}, ${priceImpactUsd}, ${sizeDeltaUsd})`);
  return next;
}

/** A decimal string ("0.0000001") or a 30-decimal bigint, as a 30-decimal bigint (exact; more digits refused). */
export function toFloat30(value: string | bigint): bigint {
  if (typeof value === 'bigint') return value;
  const m = /^(\d+)(?:\.(\d{0,30}))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal with at most 30 places: ${value}`);
  return BigInt(m[1] + (m[2] ?? '').padEnd(30, '0'));
}
