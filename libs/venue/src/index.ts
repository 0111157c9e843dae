export * from './adapter';
export * from './price-source';
export * from './paper';
export * from './registry';
export * from './venue.module';
export * from './hyperliquid/approval';
export * from './hyperliquid/transfer';
export * from './hyperliquid/wallet-parsers';
export * from './hyperliquid/wallet-reader';
export * from './hyperliquid/weight-budget';
export * from './live';
export * from './token-source';
export * from './ostium/constants';
export * from './ostium/abi';
export * from './ostium/encoding';
export * from './ostium/pricing';
export * from './ostium/funding';
export * from './ostium/onboarding';
export * from './gmx/abi';
export * from './gmx/encoding';
export * from './gmx/contracts-abi';
export * from './gmx/events';
export * from './gmx/subaccount';
export * from './gmx/onboarding';
export * from './gmx/tickers';
export type * from './gmx/gmx-options';
export * from './spot/abi';
export * from './spot/encoding';
export * from './spot/networks';
export * from './spot/onboarding';
export * from './spot/token-list';
export { DEFAULT_ALIASES as SPOT_SYMBOL_ALIASES } from './spot/markets';
export type * from './spot/adapter-options';

// The live adapters and the Hyperliquid action builders load on first use, not with this barrel: the Hyperliquid
// SDK (its utils alone bring valibot and the schemas, with the clients ws and @noble/*) costs about 20 MiB per
// process, and only a service trading live uses it; the router, billing and a paper-only executor never do
// (liveAdaptersFromEnv builds the adapters only under LIVE_TRADING). Types export as usual; each value export is
// listed once below, and a value export added to one of these modules is a type error here until listed.
import type * as hyperliquidAdapter from './hyperliquid/hyperliquid-adapter';
import { exportOnFirstUse } from '@conduit/config';
import type * as hyperliquidActions from './hyperliquid/actions';
import type * as ostiumAdapter from './ostium/ostium-adapter';
import type * as gmxAdapter from './gmx/gmx-adapter';
import type * as spotAdapter from './spot/spot-adapter';
export type * from './hyperliquid/hyperliquid-adapter';
export type * from './hyperliquid/actions';
export type * from './ostium/ostium-adapter';
export type * from './gmx/gmx-adapter';
export type * from './spot/spot-adapter';
export declare const HyperliquidAdapter: typeof hyperliquidAdapter.HyperliquidAdapter;
export type HyperliquidAdapter = hyperliquidAdapter.HyperliquidAdapter;
export declare const wirePrice: typeof hyperliquidActions.wirePrice;
export declare const wireSize: typeof hyperliquidActions.wireSize;
export declare const limitPrice: typeof hyperliquidActions.limitPrice;
export declare const orderWire: typeof hyperliquidActions.orderWire;
export declare const orderAction: typeof hyperliquidActions.orderAction;
export declare const marketOrderAction: typeof hyperliquidActions.marketOrderAction;
export declare const updateLeverageAction: typeof hyperliquidActions.updateLeverageAction;
export declare const sdkParams: typeof hyperliquidActions.sdkParams;
export declare const OstiumAdapter: typeof ostiumAdapter.OstiumAdapter;
export type OstiumAdapter = ostiumAdapter.OstiumAdapter;
export declare const GmxAdapter: typeof gmxAdapter.GmxAdapter;
export type GmxAdapter = gmxAdapter.GmxAdapter;
export declare const SpotAdapter: typeof spotAdapter.SpotAdapter;
export type SpotAdapter = spotAdapter.SpotAdapter;

/* eslint-disable @typescript-eslint/no-require-imports -- required on first use, see above */
exportOnFirstUse<typeof hyperliquidAdapter>(exports, () => require('./hyperliquid/hyperliquid-adapter'), { HyperliquidAdapter: true });
exportOnFirstUse<typeof hyperliquidActions>(exports, () => require('./hyperliquid/actions'), {
  wirePrice: true,
  wireSize: true,
  limitPrice: true,
  orderWire: true,
  orderAction: true,
  marketOrderAction: true,
  updateLeverageAction: true,
  sdkParams: true,
});
exportOnFirstUse<typeof ostiumAdapter>(exports, () => require('./ostium/ostium-adapter'), { OstiumAdapter: true });
exportOnFirstUse<typeof gmxAdapter>(exports, () => require('./gmx/gmx-adapter'), { GmxAdapter: true });
exportOnFirstUse<typeof spotAdapter>(exports, () => require('./spot/spot-adapter'), { SpotAdapter: true });
/* eslint-enable @typescript-eslint/no-require-imports */
