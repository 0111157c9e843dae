import { describe, expect, it } from 'vitest';
import { formatPercent, formatPrice, formatQuantity, formatRatio, formatUsd, isNegative, NO_VALUE } from './decimal';

// In the browser itself: Intl.NumberFormat is Chromium's, with a numeric string formatted exactly.
describe('decimal formatting', () => {
  it('formats USD from the decimal string, rounding half to even at the cent', () => {
    expect(formatUsd('1234.5', { locale: 'en-US' })).toBe('$1,234.50');
    expect(formatUsd('0.125', { locale: 'en-US' })).toBe('$0.12');
    expect(formatUsd('0.135', { locale: 'en-US' })).toBe('$0.14');
    expect(formatUsd('-42.10000000', { locale: 'en-US' })).toBe('-$42.10');
  });

  it('keeps every digit of amounts a float cannot hold', () => {
    // 2^53 + 1 and a sum that floats get wrong (0.1 + 0.2): the strings are never read as numbers.
    expect(formatUsd('9007199254740993.01', { locale: 'en-US' })).toBe('$9,007,199,254,740,993.01');
    expect(formatUsd('0.30000000000000004', { locale: 'en-US' })).toBe('$0.30');
    expect(formatUsd('12345678901234567890.99', { locale: 'en-US' })).toBe('$12,345,678,901,234,567,890.99');
  });

  it('signs gains and losses when asked, never zero', () => {
    expect(formatUsd('250.5', { signed: true, locale: 'en-US' })).toBe('+$250.50');
    expect(formatUsd('-5.5', { signed: true, locale: 'en-US' })).toBe('-$5.50');
    expect(formatUsd('0.00', { signed: true, locale: 'en-US' })).toBe('$0.00');
  });

  it('formats percent points and ratios in the reader locale', () => {
    expect(formatPercent('48.125', { locale: 'en-US' })).toBe('48.12%');
    expect(formatPercent('-3.25', { locale: 'en-US' })).toBe('-3.25%');
    expect(formatRatio('1.755', { locale: 'en-US' })).toBe('1.76');
    expect(formatUsd('1234.5', { locale: 'de-DE' })).toBe('1.234,50\u00a0$');
  });

  it('shows a dash for a figure not computed yet, and refuses what is not a number', () => {
    expect(formatUsd(null)).toBe(NO_VALUE);
    expect(formatPercent(undefined)).toBe(NO_VALUE);
    expect(() => formatUsd('12abc')).toThrow();
  });

  it('tells a loss from a gain or zero', () => {
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
    expect(isNegative('3')).toBe(false);
    expect(isNegative(null)).toBe(false);
  });

  it('formats a quantity to its significant decimals, without a float', () => {
    expect(formatQuantity('1.25000000', { locale: 'en-US' })).toBe('1.25');
    expect(formatQuantity('2001.00000000', { locale: 'en-US' })).toBe('2,001');
    expect(formatQuantity('0.000000125', { locale: 'en-US' })).toBe('0.00000012');
    expect(formatQuantity('9007199254740993.5', { places: 1, locale: 'en-US' })).toBe('9,007,199,254,740,993.5');
    expect(formatQuantity(null)).toBe(NO_VALUE);
  });

  it('formats prices and quantities with the digits they have, up to 8 places, never through a float', () => {
    expect(formatPrice('2050.50000000', { locale: 'en-US' })).toBe('$2,050.50');
    expect(formatPrice('2000', { locale: 'en-US' })).toBe('$2,000.00');
    expect(formatPrice('0.00001234', { locale: 'en-US' })).toBe('$0.00001234');
    expect(formatPrice('0.123456789', { locale: 'en-US' })).toBe('$0.12345679');
    expect(formatQuantity('0.50000000', { locale: 'en-US' })).toBe('0.5');
    expect(formatQuantity('1200.00000000', { locale: 'en-US' })).toBe('1,200');
    expect(formatQuantity('9007199254740993.00000001', { locale: 'en-US' })).toBe('9,007,199,254,740,993.00000001');
    expect([formatPrice(null), formatQuantity('')]).toEqual([NO_VALUE, NO_VALUE]);
  });
});
