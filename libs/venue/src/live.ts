import { Env } from '@conduit/config';
import { VenueAdapter } from './adapter';
import { HyperliquidAdapter } from './hyperliquid/hyperliquid-adapter';
import { PriceSource } from './price-source';

/** The live adapters the environment enables. Without LIVE_TRADING there are none. */
export function liveAdaptersFromEnv(env: Env, _prices: PriceSource): VenueAdapter[] {
  if (!env.LIVE_TRADING) return [];
  const adapters: VenueAdapter[] = [
    new HyperliquidAdapter({
      isTestnet: env.HYPERLIQUID_NETWORK === 'testnet',
      apiUrl: env.HYPERLIQUID_API_URL,
      timeoutMs: env.HYPERLIQUID_TIMEOUT_MS,
      builder: env.HYPERLIQUID_BUILDER_ADDRESS && env.HYPERLIQUID_BUILDER_FEE > 0 ? { address: env.HYPERLIQUID_BUILDER_ADDRESS, fee: env.HYPERLIQUID_BUILDER_FEE } : null,
    }),
  ];
  return adapters;
}
