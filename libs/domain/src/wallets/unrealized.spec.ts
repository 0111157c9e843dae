import { unrealizedPnlBefore } from './unrealized';

const fill = (positionBefore: string, positionAfter: string, price: string | null) => ({ positionBefore, positionAfter, price });

describe('unrealizedPnlBefore', () => {
  it('is 0 without a position', () => {
    expect(unrealizedPnlBefore([], '0', '2000')).toBe('0');
  });

  it('follows the average entry through adds and reduces (hand-computed)', () => {
    // open 1 @ 2000, add 1 @ 2200 → entry 2100; reduce to 1.5 @ 2300 keeps 2100; now 1.5 × (2400 − 2100) = 450
    const history = [fill('0', '1', '2000'), fill('1', '2', '2200'), fill('2', '1.5', '2300')];
    expect(unrealizedPnlBefore(history, '1.5', '2400')).toBe('450.00');
  });

  it('takes the flip price as the new entry, for shorts too', () => {
    // long 2 @ 100, flip to −1 @ 110, add to −3 @ 104 → entry (110 × 1 + 104 × 2) / 3 = 106; −3 × (100 − 106) = 18
    const history = [fill('0', '2', '100'), fill('2', '-1', '110'), fill('-1', '-3', '104')];
    expect(unrealizedPnlBefore(history, '-3', '100')).toBe('18.00');
  });

  it('rounds to cents', () => {
    expect(unrealizedPnlBefore([fill('0', '0.333', '10')], '0.333', '10.015')).toBe('0.00');
    expect(unrealizedPnlBefore([fill('0', '3', '10')], '3', '10.005')).toBe('0.02');
  });

  it('cannot tell without the whole history or a price', () => {
    expect(unrealizedPnlBefore([fill('1', '2', '2200')], '2', '2400')).toBeNull(); // the open is missing
    expect(unrealizedPnlBefore([fill('0', '1', '2000'), fill('1.5', '2', '2200')], '2', '2400')).toBeNull(); // a gap
    expect(unrealizedPnlBefore([fill('0', '1', '2000')], '2', '2400')).toBeNull(); // the last fill is not this position
    expect(unrealizedPnlBefore([fill('0', '1', null)], '1', '2400')).toBeNull();
    expect(unrealizedPnlBefore([fill('0', '1', '2000')], '1', null)).toBeNull();
  });
});
