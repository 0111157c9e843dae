import Decimal from 'decimal.js';

/** One decimal configuration for all money math: 40 significant digits, half-even rounding. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type Dec = Decimal;
export type DecimalLike = Decimal | string | number;

/** DECIMAL(20,8): the scale of every money column. */
export const MONEY_SCALE = 8;

export function dec(value: DecimalLike): Decimal {
  if (value instanceof Decimal) return new Dec(value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return new Dec(value);
}

/** Text for a DECIMAL(20,8) column, rounded half-even to 8 places. */
export function toMoney(value: DecimalLike, rounding: Decimal.Rounding = Decimal.ROUND_HALF_EVEN): string {
  return dec(value).toDecimalPlaces(MONEY_SCALE, rounding).toFixed(MONEY_SCALE);
}

/** Truncates toward zero to `decimals` places: a size is never rounded up. */
export function floorTo(value: DecimalLike, decimals: number): Decimal {
  return dec(value).toDecimalPlaces(decimals, Decimal.ROUND_DOWN);
}

export const BPS = new Dec(10000);
export function bps(value: DecimalLike): Decimal {
  return dec(value).div(BPS);
}
