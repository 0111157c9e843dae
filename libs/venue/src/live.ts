import { Env } from '@conduit/config';
import { VenueAdapter } from './adapter';
import { PriceSource } from './price-source';

// The venues' SDKs (@nktkas/hyperliquid, ethers) are required here when live trading is on, not with this module:
// the VenueRegistry of every venue-aware service imports it, and only live trading needs them (see index.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
const hyperliquid = (): typeof import('./hyperliquid/hyperliquid-adapter') => require('./hyperliquid/hyperliquid-adapter');
const ostium = (): typeof import('./ostium/ostium-adapter') => require('./ostium/ostium-adapter');
const onboarding = (): typeof import('./ostium/onboarding') => require('./ostium/onboarding');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The live adapters the environment enables. Without LIVE_TRADING there are none. */
export function liveAdaptersFromEnv(env: Env, prices: PriceSource): VenueAdapter[] {
  if (!env.LIVE_TRADING) return [];
  const { HyperliquidAdapter } = hyperliquid();
  const adapters: VenueAdapter[] = [
    new HyperliquidAdapter({
      isTestnet: env.HYPERLIQUID_NETWORK === 'testnet',
      apiUrl: env.HYPERLIQUID_API_URL,
      timeoutMs: env.HYPERLIQUID_TIMEOUT_MS,
      builder:
        env.HYPERLIQUID_BUILDER_ADDRESS && env.HYPERLIQUID_BUILDER_FEE > 0
          ? { address: env.HYPERLIQUID_BUILDER_ADDRESS, fee: env.HYPERLIQUID_BUILDER_FEE }
          : null,
    }),
  ];
  if (env.OSTIUM_RPC_URL) {
    const { OstiumAdapter } = ostium();
    const network = onboarding().ostiumNetwork(env);
    adapters.push(
      new OstiumAdapter({
        rpcUrl: env.OSTIUM_RPC_URL,
        chainId: network.chainId,
        tradingAddress: network.trading,
        storageAddress: network.tradingStorage,
        usdcAddress: network.usdc,
        prices,
        fillTimeoutMs: env.OSTIUM_FILL_TIMEOUT_MS,
      }),
    );
  }
  return adapters;
}
