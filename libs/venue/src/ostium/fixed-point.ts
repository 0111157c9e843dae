import Decimal from 'decimal.js';
import { dec } from '@conduit/domain';
import type { DecimalInput } from './encoding';

/**
 * Decimal arithmetic that reproduces the Ostium contracts' integer math: 80 significant digits (exact for every
 * product of their fixed-point values) and rounding toward zero, which is what Solidity's division does to both
 * signs. A quotient truncated at 80 digits and then at 6 or 18 places is the quotient truncated at 6 or 18 places.
 */
export const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_DOWN, toExpNeg: -40, toExpPos: 80 });

export function exact(value: DecimalInput): Decimal {
  const d = new Exact(value);
  if (!d.isFinite()) throw new RangeError(`not a finite number: ${String(value)}`);
  return d;
}

/** PRECISION_6 (USDC, percentages): truncated toward zero. */
export function trunc6(value: Decimal): Decimal {
  return value.toDecimalPlaces(6, Decimal.ROUND_DOWN);
}

/** PRECISION_18 (prices, accumulated fees per unit): truncated toward zero. */
export function trunc18(value: Decimal): Decimal {
  return value.toDecimalPlaces(18, Decimal.ROUND_DOWN);
}

/** PRECISION_2 (leverage): truncated toward zero. */
export function trunc2(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_DOWN);
}

/** A result handed back to Conduit: the domain's Decimal (the value is exact, only its later arithmetic changes). */
export function out(value: Decimal): Decimal {
  return dec(value);
}
