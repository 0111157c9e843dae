import { describe, expect, it } from 'vitest';
import { formatDecimal, formatShare, formatSize, NO_VALUE } from './decimal';

describe('wallet figures from decimal strings', () => {
  it('formats scores and biases at fixed places, signed when asked', () => {
    expect(formatDecimal('7.5', 1, { locale: 'en-US' })).toBe('7.5');
    expect(formatDecimal('0.42', 3, { signed: true, locale: 'en-US' })).toBe('+0.420');
    expect(formatDecimal('-0.125', 2, { signed: true, locale: 'en-US' })).toBe('-0.12');
    expect(formatDecimal('0.000', 3, { signed: true, locale: 'en-US' })).toBe('0.000');
    expect(formatDecimal(null, 1)).toBe(NO_VALUE);
  });

  it('shows a fraction as percent without float error', () => {
    expect(formatShare('0.625', { locale: 'en-US' })).toBe('62.5%');
    expect(formatShare('0.07', { locale: 'en-US' })).toBe('7.0%');
    expect(formatShare('0.29', { places: 0, locale: 'en-US' })).toBe('29%');
    expect(formatShare(undefined)).toBe(NO_VALUE);
  });

  it('shows sizes as stored, trailing zeros dropped, every digit kept', () => {
    expect(formatSize('1.5000000000', { locale: 'en-US' })).toBe('1.5');
    expect(formatSize('-12000.25', { signed: true, locale: 'en-US' })).toBe('-12,000.25');
    expect(formatSize('9007199254740993.1', { locale: 'en-US' })).toBe('9,007,199,254,740,993.1');
    expect(formatSize('0.0000001234', { locale: 'en-US' })).toBe('0');
  });
});
