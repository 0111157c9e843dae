import { dec } from '@conduit/domain';
import { decreaseSizeUsd } from './orders';
import { RawGmxPosition } from './settlement';

const E30 = 10n ** 30n;
const E18 = 10n ** 18n;

/** A short of 2.5 ETH opened at 2,000: 5,000 USD at entry. */
const short: RawGmxPosition = {
  market: '0x0000000000000000000000000000000000000001',
  collateralToken: '0x0000000000000000000000000000000000000002',
  isLong: false,
  sizeInUsd: 5000n * E30,
  sizeInTokens: 25n * 10n ** 17n,
  collateralAmount: 2500n * 10n ** 6n,
};

describe('decreaseSizeUsd: a decrease is a share of the size at entry, never qty × today’s price', () => {
  it('the whole quantity is the whole sizeInUsd, whatever the price did (a winning short at 1,600 closes in full)', () => {
    expect(decreaseSizeUsd(short, dec('2.5'), 18)).toBe(5000n * E30);
    // 2.5 × 1,600 = 4,000 USD would have left a fifth of the position open on GMX
    expect(decreaseSizeUsd(short, dec('2.5'), 18)).not.toBe(4000n * E30);
  });

  it('a quantity within one unit of the 8th place of the tokens held is the whole position (no dust left open)', () => {
    const held = { ...short, sizeInTokens: 2_499_999_996_400_000_000n }; // 2.4999999964 ETH
    expect(decreaseSizeUsd(held, dec('2.49999999'), 18)).toBe(held.sizeInUsd);
    expect(decreaseSizeUsd(held, dec('2.5'), 18)).toBe(held.sizeInUsd);
  });

  it('a part is its share of sizeInUsd, rounded down', () => {
    expect(decreaseSizeUsd(short, dec('1'), 18)).toBe(2000n * E30);
    expect(decreaseSizeUsd(short, dec('0.3'), 18)).toBe((5000n * E30 * 3n * E18) / 10n / (25n * 10n ** 17n));
    const btc = { ...short, sizeInUsd: 30000n * E30, sizeInTokens: 50_000_000n }; // 0.5 BTC (8 decimals)
    expect(decreaseSizeUsd(btc, dec('0.25'), 8)).toBe(15000n * E30);
    expect(decreaseSizeUsd(btc, dec('0.49999999'), 8)).toBe((30000n * E30 * 49_999_999n) / 50_000_000n);
  });
});
