import { AbiCoder, getAddress, Interface, keccak256 } from 'ethers';
import { GmxOpenInterest, PositionImpactFactors } from './price-impact';

/**
 * DataStore keys of a market's position impact settings and open interest, as gmx-io/gmx-synthetics
 * contracts/data/Keys.sol computes them: KEY_NAME = keccak256(abi.encode("KEY_NAME")), then
 * positionImpactFactorKey(market, isPositive) = keccak256(abi.encode(POSITION_IMPACT_FACTOR, market, isPositive)),
 * positionImpactExponentFactorKey(market) = keccak256(abi.encode(POSITION_IMPACT_EXPONENT_FACTOR, market)),
 * openInterestKey(market, collateralToken, isLong) = keccak256(abi.encode(OPEN_INTEREST, market, collateralToken, isLong)).
 */

const coder = AbiCoder.defaultAbiCoder();
const keyName = (name: string) => keccak256(coder.encode(['string'], [name]));

export const POSITION_IMPACT_FACTOR = keyName('POSITION_IMPACT_FACTOR');
export const POSITION_IMPACT_EXPONENT_FACTOR = keyName('POSITION_IMPACT_EXPONENT_FACTOR');
export const OPEN_INTEREST = keyName('OPEN_INTEREST');

export function positionImpactFactorKey(market: string, isPositive: boolean): string {
  return keccak256(coder.encode(['bytes32', 'address', 'bool'], [POSITION_IMPACT_FACTOR, getAddress(market), isPositive]));
}

export function positionImpactExponentFactorKey(market: string): string {
  return keccak256(coder.encode(['bytes32', 'address'], [POSITION_IMPACT_EXPONENT_FACTOR, getAddress(market)]));
}

export function openInterestKey(market: string, collateralToken: string, isLong: boolean): string {
  return keccak256(
    coder.encode(['bytes32', 'address', 'address', 'bool'], [OPEN_INTEREST, getAddress(market), getAddress(collateralToken), isLong]),
  );
}

/** DataStore.getUint (contracts/data/DataStore.sol). */
export const gmxDataStoreInterface = new Interface(['function getUint(bytes32 key) view returns (uint256)']);

/** A market's impact inputs: its factors and its open interest, all 30-decimal. */
export interface GmxImpactState {
  factors: PositionImpactFactors;
  openInterest: GmxOpenInterest;
}

/**
 * Reads a market's impact inputs with `getUint` (one eth_call each). Open interest of a side is
 * MarketUtils.getOpenInterest: the long-token and short-token collateral open interest, each halved when both tokens
 * are the same (single-token pools store it twice).
 */
export async function readImpactState(
  getUint: (key: string) => Promise<bigint>,
  market: { marketToken: string; longToken: string; shortToken: string },
): Promise<GmxImpactState> {
  const { marketToken, longToken, shortToken } = market;
  const divisor = getAddress(longToken) === getAddress(shortToken) ? 2n : 1n;
  const side = async (isLong: boolean) => {
    const [a, b] = await Promise.all([
      getUint(openInterestKey(marketToken, longToken, isLong)),
      getUint(openInterestKey(marketToken, shortToken, isLong)),
    ]);
    return a / divisor + b / divisor;
  };
  const [positiveFactor, negativeFactor, exponent, long, short] = await Promise.all([
    getUint(positionImpactFactorKey(marketToken, true)),
    getUint(positionImpactFactorKey(marketToken, false)),
    getUint(positionImpactExponentFactorKey(marketToken)),
    side(true),
    side(false),
  ]);
  return { factors: { positiveFactor, negativeFactor, exponent }, openInterest: { long, short } };
}
