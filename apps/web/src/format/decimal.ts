import Decimal from 'decimal.js';

/**
 * Figures the API answers as decimal strings, formatted for the reader's locale without ever becoming a float: rounded
 * half-even by decimal.js, then handed to Intl.NumberFormat as a string, which formats a numeric string exactly.
 */
export const NO_VALUE = '—';

type Literal = Intl.StringNumericLiteral;

function rounded(value: string, places: number): Literal {
  return new Decimal(value).toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN).toFixed(places) as Literal;
}

function format(value: string | null | undefined, places: number, options: Intl.NumberFormatOptions, locale?: string): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const nf = new Intl.NumberFormat(locale, { minimumFractionDigits: places, maximumFractionDigits: places, ...options });
  return nf.format(rounded(value, places));
}

/** USD: `$1,234.50`; with `signed`, a gain shows its plus sign (`+$12.00`, `-$3.10`). */
export const formatUsd = (value: string | null | undefined, opts: { signed?: boolean; locale?: string } = {}) =>
  format(value, 2, { style: 'currency', currency: 'USD', signDisplay: opts.signed ? 'exceptZero' : 'auto' }, opts.locale);

/** A value already in percent (the API's APRs and drawdown percent): `12.35%`. */
export const formatPercent = (value: string | null | undefined, opts: { locale?: string } = {}) =>
  format(value, 2, { style: 'unit', unit: 'percent' }, opts.locale);

/** A plain ratio (Sharpe): `1.24`. */
export const formatRatio = (value: string | null | undefined, opts: { locale?: string } = {}) => format(value, 2, {}, opts.locale);

/** Whether a decimal string is below zero (for the colour of a loss), read as a decimal. */
export const isNegative = (value: string | null | undefined) => !!value && new Decimal(value).isNegative() && !new Decimal(value).isZero();

/** A size or a price without a currency: up to `places` decimals, trailing zeros dropped (`1.25`, `0.00012345`). */
export const formatQuantity = (value: string | null | undefined, opts: { places?: number; locale?: string } = {}) => {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const places = opts.places ?? 8;
  const nf = new Intl.NumberFormat(opts.locale, { minimumFractionDigits: 0, maximumFractionDigits: places });
  return nf.format(rounded(value, places));
};

/** The significant digits of an amount, up to 8 places and at least `min` (no trailing zeros beyond it). */
function trimmed(value: string | null | undefined, min: number, options: Intl.NumberFormatOptions, locale?: string): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const nf = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: 8, ...options });
  return nf.format(rounded(value, 8));
}

/** A price in USD with the digits it has (2 to 8 places): `$2,050.50`, `$0.00001234`. */
export const formatPrice = (value: string | null | undefined, opts: { locale?: string } = {}) =>
  trimmed(value, 2, { style: 'currency', currency: 'USD' }, opts.locale);

// operations: scores, shares and sizes of the wallet pages.

/** A decimal at a fixed number of places (credibility `7.5`, a bias `+0.420` with `signed`). */
export const formatDecimal = (value: string | null | undefined, places: number, opts: { signed?: boolean; locale?: string } = {}) =>
  format(value, places, { signDisplay: opts.signed ? 'exceptZero' : 'auto' }, opts.locale);

/** A fraction of one as percent (a win rate `0.625` is `62.5%`): the decimal point moved, never multiplied as a float. */
export function formatShare(value: string | null | undefined, opts: { places?: number; locale?: string } = {}): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  return format(new Decimal(value).times(100).toString(), opts.places ?? 1, { style: 'unit', unit: 'percent' }, opts.locale);
}

/** A size or amount as stored (`1.5000000000` is `1.5`): at most `places` decimals, trailing zeros dropped, grouped. */
export function formatSize(value: string | null | undefined, opts: { places?: number; signed?: boolean; locale?: string } = {}): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const places = opts.places ?? 6;
  const nf = new Intl.NumberFormat(opts.locale, { maximumFractionDigits: places, signDisplay: opts.signed ? 'exceptZero' : 'auto' });
  return nf.format(rounded(value, places));
}
