import { archetype, HeldPosition, medianOf } from './archetype';
import { dec } from '../money';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const held = (holdingMs: number, notionalUsd = '10000', leverage = '3'): HeldPosition => ({ holdingMs, notionalUsd, leverage });
const three = (holdingMs: number, notionalUsd?: string, leverage?: string) => [1, 2, 3].map(() => held(holdingMs, notionalUsd, leverage));

describe('archetype: the first rule that holds', () => {
  it.each`
    case                                           | equity       | positions                                          | style
    ${'rich wallet, no trades'}                    | ${'5000000'} | ${[]}                                              | ${'whale'}
    ${'median notional $1M'}                       | ${'100000'}  | ${three(5 * MIN, '1000000', '20')}                 | ${'whale'}
    ${'one $2M trade among small ones'}            | ${'100000'}  | ${[held(MIN, '2000000'), ...three(MIN)]}           | ${'scalper'}
    ${'two trades'}                                | ${'100000'}  | ${[held(MIN), held(MIN)]}                          | ${'unknown'}
    ${'no trades'}                                 | ${'4999999'} | ${[]}                                              | ${'unknown'}
    ${'median leverage 15×'}                       | ${'100000'}  | ${three(10 * DAY, '10000', '15')}                  | ${'high-leverage'}
    ${'median leverage 14.9×'}                     | ${'100000'}  | ${three(10 * DAY, '10000', '14.9')}                | ${'position'}
    ${'held 59 minutes'}                           | ${'100000'}  | ${three(59 * MIN)}                                 | ${'scalper'}
    ${'held exactly 1 hour'}                       | ${'100000'}  | ${three(HOUR)}                                     | ${'swing'}
    ${'held 2 days'}                               | ${'100000'}  | ${three(2 * DAY)}                                  | ${'swing'}
    ${'held exactly 3 days'}                       | ${'100000'}  | ${three(3 * DAY)}                                  | ${'position'}
    ${'scalper with one position held for months'} | ${'100000'}  | ${[held(5 * MIN), held(10 * MIN), held(90 * DAY)]} | ${'scalper'}
  `('$case → $style', ({ equity, positions, style }) => {
    expect(archetype({ equityUsd: equity, positions })).toBe(style);
  });
});

describe('medianOf', () => {
  it('takes the middle, or the mean of the middle two', () => {
    expect(medianOf(['3', '1', '2'].map(dec)).toFixed()).toBe('2');
    expect(medianOf(['4', '1', '2', '3'].map(dec)).toFixed()).toBe('2.5');
    expect(() => medianOf([])).toThrow(RangeError);
  });
});
