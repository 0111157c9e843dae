import Decimal from 'decimal.js';

/**
 * Money is compared exactly, as decimals: `expect(pnl).toEqualDecimal('12.5')` passes for '12.50000000' and fails
 * for '12.50000001', printing both values. Registered for every test file by jest.config.js.
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toEqualDecimal(expected: Decimal.Value): R;
    }
  }
}

function asDecimal(v: unknown): Decimal | null {
  try {
    return v === null || v === undefined || v === '' ? null : new Decimal(v as Decimal.Value);
  } catch {
    return null;
  }
}

expect.extend({
  toEqualDecimal(received: unknown, expected: Decimal.Value) {
    const r = asDecimal(received);
    const e = asDecimal(expected);
    if (!e) throw new Error(`toEqualDecimal: expected value ${String(expected)} is not a decimal`);
    const pass = !!r && r.eq(e);
    return {
      pass,
      message: () =>
        `expected ${this.utils.printReceived(received)} ${pass ? 'not ' : ''}to equal ` +
        `${this.utils.printExpected(String(expected))} as a decimal` +
        (r ? ` (difference ${r.minus(e).toString()})` : ' (received is not a decimal)'),
    };
  },
});
