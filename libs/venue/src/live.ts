import { Env } from '@conduit/config';
import { VenueAdapter } from './adapter';
import { HyperliquidAdapter } from './hyperliquid/hyperliquid-adapter';
import { ostiumNetwork } from './ostium/onboarding';
import { OstiumAdapter } from './ostium/ostium-adapter';
import { PriceSource } from './price-source';

/** The live adapters the environment enables. Without LIVE_TRADING there are none. */
export function liveAdaptersFromEnv(env: Env, prices: PriceSource): VenueAdapter[] {
  if (!env.LIVE_TRADING) return [];
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
    const network = ostiumNetwork(env);
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
