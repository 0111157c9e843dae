import {
  GmxImpactState,
  GmxNetwork,
  openInterestKey,
  positionImpactExponentFactorKey,
  positionImpactFactorKey,
  toFloat30,
} from '@conduit/venue';
import { GmxChainOptions, GmxPositionImpactOption, GmxState, lc } from './chain-state';
import { ChainMarket } from './views';

/** The default: GMX's exponent 2 with zero factors, i.e. no impact (existing tests keep their prices). */
export const NO_POSITION_IMPACT: GmxPositionImpactOption = { positiveFactor: 0n, negativeFactor: 0n, exponent: '2' };

/** Writes each market's impact settings into DataStore's uints under Keys.sol's keys. */
export function seedPositionImpact(
  s: GmxState,
  markets: (ChainMarket & { positionImpact?: GmxPositionImpactOption })[],
  options: GmxChainOptions,
): void {
  for (const m of markets) {
    const impact = m.positionImpact ?? options.positionImpact ?? NO_POSITION_IMPACT;
    s.uints.set(lc(positionImpactFactorKey(m.marketToken, true)), toFloat30(impact.positiveFactor));
    s.uints.set(lc(positionImpactFactorKey(m.marketToken, false)), toFloat30(impact.negativeFactor));
    s.uints.set(lc(positionImpactExponentFactorKey(m.marketToken)), toFloat30(impact.exponent));
  }
}

/** DataStore's OPEN_INTEREST(market, collateralToken, isLong), USD × 10^30. */
export function openInterestOf(s: GmxState, market: string, collateralToken: string, isLong: boolean): bigint {
  return s.uints.get(lc(openInterestKey(market, collateralToken, isLong))) ?? 0n;
}

/** MarketUtils.applyDeltaToOpenInterest: the side's open interest for that collateral moved by `delta`. */
export function addOpenInterest(s: GmxState, market: string, collateralToken: string, isLong: boolean, delta: bigint): void {
  const next = openInterestOf(s, market, collateralToken, isLong) + delta;
  if (next < 0n) throw new Error(`open interest below zero for ${market}`);
  s.uints.set(lc(openInterestKey(market, collateralToken, isLong)), next);
}

/** What the contracts read for a market's impact: its factors and each side's open interest (WETH and USDC collateral). */
export function impactStateOf(s: GmxState, net: GmxNetwork, market: string): GmxImpactState {
  const get = (key: string) => s.uints.get(lc(key)) ?? 0n;
  const side = (isLong: boolean) => openInterestOf(s, market, net.wnt, isLong) + openInterestOf(s, market, net.usdc, isLong);
  return {
    factors: {
      positiveFactor: get(positionImpactFactorKey(market, true)),
      negativeFactor: get(positionImpactFactorKey(market, false)),
      exponent: get(positionImpactExponentFactorKey(market)),
    },
    openInterest: { long: side(true), short: side(false) },
  };
}
