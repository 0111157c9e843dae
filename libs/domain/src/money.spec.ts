import Decimal from 'decimal.js';
import { BPS, bps, dec, Dec, floorTo, MONEY_SCALE, toMoney } from './money';

describe('dec', () => {
  it('does exact decimal arithmetic on strings (no binary float error)', () => {
    expect(dec('0.1').plus(dec('0.2')).toString()).toBe('0.3');
    expect(dec('1903.95').mul(3).toString()).toBe('5711.85');
  });

  it('accepts finite numbers', () => {
    expect(dec(42).toString()).toBe('42');
    expect(dec(-0.5).toString()).toBe('-0.5');
  });

  it('copies a Decimal into a new instance with the same value', () => {
    const original = new Decimal('12.345');
    const copy = dec(original);
    expect(copy).not.toBe(original);
    expect(copy.toString()).toBe('12.345');
  });

  it.each([Infinity, -Infinity, NaN])('rejects the non-finite number %p', (value) => {
    expect(() => dec(value)).toThrow(RangeError);
  });

  it('uses 40 significant digits and half-even rounding', () => {
    expect(dec(1).div(3).toString()).toBe('0.' + '3'.repeat(40));
    expect(new Dec('2.5').toDecimalPlaces(0).toString()).toBe('2');
    expect(new Dec('3.5').toDecimalPlaces(0).toString()).toBe('4');
  });
});

describe('toMoney', () => {
  it('formats to exactly MONEY_SCALE (8) decimal places', () => {
    expect(MONEY_SCALE).toBe(8);
    expect(toMoney('27')).toBe('27.00000000');
    expect(toMoney('5.4')).toBe('5.40000000');
    expect(toMoney(0)).toBe('0.00000000');
    expect(toMoney('-1.5')).toBe('-1.50000000');
  });

  it('rounds half-even at the 8th decimal by default', () => {
    expect(toMoney('0.000000005')).toBe('0.00000000');
    expect(toMoney('0.000000015')).toBe('0.00000002');
    expect(toMoney('0.000000025')).toBe('0.00000002');
    expect(toMoney('0.0000000251')).toBe('0.00000003');
  });

  it('honours an explicit rounding mode', () => {
    expect(toMoney('0.000000001', Decimal.ROUND_UP)).toBe('0.00000001');
    expect(toMoney('0.000000019', Decimal.ROUND_DOWN)).toBe('0.00000001');
  });

  it('never uses exponent notation', () => {
    expect(toMoney('1e-8')).toBe('0.00000001');
    expect(toMoney('1e15')).toBe('1000000000000000.00000000');
  });

  it('keeps the largest DECIMAL(20,8) value exact', () => {
    expect(toMoney('999999999999.99999999')).toBe('999999999999.99999999');
    expect(toMoney('-999999999999.99999999')).toBe('-999999999999.99999999');
  });

  it('accepts Decimal and number inputs', () => {
    expect(toMoney(new Dec('1.23456789012'))).toBe('1.23456789');
    expect(toMoney(0.1)).toBe('0.10000000');
  });
});

describe('floorTo', () => {
  it('truncates to the given decimals and never rounds up', () => {
    expect(floorTo('1.31306', 4).toFixed(4)).toBe('1.3130');
    expect(floorTo('0.99999999', 2).toFixed(2)).toBe('0.99');
    expect(floorTo('0.66666666', 4).toFixed(4)).toBe('0.6666');
    expect(floorTo('1.99999', 0).toFixed(0)).toBe('1');
  });

  it('leaves a value that already fits unchanged', () => {
    expect(floorTo('2.5', 3).toString()).toBe('2.5');
    expect(floorTo('7', 0).toString()).toBe('7');
  });
});

describe('bps', () => {
  it('converts basis points to a fraction exactly', () => {
    expect(BPS.toString()).toBe('10000');
    expect(bps(5).toString()).toBe('0.0005');
    expect(bps('4.5').toString()).toBe('0.00045');
    expect(bps(10000).toString()).toBe('1');
  });
});
