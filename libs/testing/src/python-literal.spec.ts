import Decimal from 'decimal.js';
import { parsePythonLiteral } from './python-literal';

describe('parsePythonLiteral', () => {
  it('reads lists, dicts, strings, booleans, Decimals and divisions by named constants', () => {
    const value = parsePythonLiteral(
      `[
        # CASE-0
        {'a': Decimal('47564687975') / P18, "b": True, 'c': 'x', 'd': (1, None), 'e': -2.5,},
      ]`,
      { P18: '1e18' },
    ) as any[];
    expect(value).toHaveLength(1);
    expect(value[0].a).toBeInstanceOf(Decimal);
    expect(value[0].a).toEqualDecimal('0.000000047564687975');
    expect(value[0]).toMatchObject({ b: true, c: 'x', d: [expect.anything(), null] });
    expect(value[0].d[0]).toEqualDecimal('1');
    expect(value[0].e).toEqualDecimal('-2.5');
  });

  it('refuses what it does not know instead of guessing', () => {
    expect(() => parsePythonLiteral("{'a': Decimal('1') / PRECISION_9}")).toThrow(/unknown name PRECISION_9/);
    expect(() => parsePythonLiteral("{'a': float('1')}")).toThrow(/unknown name float/);
    expect(() => parsePythonLiteral("{'a': 1 + 2}")).toThrow(/unsupported Python/);
    expect(() => parsePythonLiteral('[1, 2] x')).toThrow(/unexpected x/);
  });
});
