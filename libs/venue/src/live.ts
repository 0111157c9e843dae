import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { VenueAdapter } from './adapter';
import { PriceSource } from './price-source';
import { registryTokens } from './token-source';
import { GMX_NETWORKS, GmxNetwork } from './gmx/onboarding';
import { SPOT_NETWORKS, SpotNetwork } from './spot/networks';

// The venues' SDKs (@nktkas/hyperliquid, ethers) are required here when live trading is on, not with this module:
// the VenueRegistry of every venue-aware service imports it, and only live trading needs them (see index.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
const hyperliquid = (): typeof import('./hyperliquid/hyperliquid-adapter') => require('./hyperliquid/hyperliquid-adapter');
const ostium = (): typeof import('./ostium/ostium-adapter') => require('./ostium/ostium-adapter');
const onboarding = (): typeof import('./ostium/onboarding') => require('./ostium/onboarding');
const gmx = (): typeof import('./gmx/gmx-adapter') => require('./gmx/gmx-adapter');
const spot = (): typeof import('./spot/spot-adapter') => require('./spot/spot-adapter');
/* eslint-enable @typescript-eslint/no-require-imports */

/** GMX's contracts for the environment: the network's, with GMX_CHAIN_ID and GMX_CONTRACTS' overrides. */
export function gmxNetworkFromEnv(env: Env): GmxNetwork {
  const base = GMX_NETWORKS[env.GMX_NETWORK as keyof typeof GMX_NETWORKS];
  const overrides = env.GMX_CONTRACTS ? (JSON.parse(env.GMX_CONTRACTS) as Partial<GmxNetwork>) : {};
  return { ...base, ...overrides, chainId: env.GMX_CHAIN_ID ?? overrides.chainId ?? base.chainId };
}

/** Uniswap's contracts for the environment: the network's, with SPOT_CHAIN_ID and SPOT_CONTRACTS' overrides. */
export function spotNetworkFromEnv(env: Env): SpotNetwork {
  const base = SPOT_NETWORKS[env.SPOT_NETWORK as keyof typeof SPOT_NETWORKS];
  const overrides = env.SPOT_CONTRACTS ? (JSON.parse(env.SPOT_CONTRACTS) as Partial<SpotNetwork>) : {};
  return { ...base, ...overrides, chainId: env.SPOT_CHAIN_ID ?? overrides.chainId ?? base.chainId };
}

/**
 * The live adapters the environment enables. Without LIVE_TRADING there are none; Ostium, GMX and SPOT each need
 * their RPC URL. SPOT swaps the tokens token_registry lists for its chain (read again on each market refresh).
 */
export function liveAdaptersFromEnv(env: Env, prices: PriceSource, ds?: DataSource): VenueAdapter[] {
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
  if (env.GMX_RPC_URL) {
    const { GmxAdapter } = gmx();
    const addresses = gmxNetworkFromEnv(env);
    adapters.push(
      new GmxAdapter({
        rpcUrl: env.GMX_RPC_URL,
        chainId: addresses.chainId,
        addresses,
        prices,
        tickersUrl: env.GMX_API_URL || undefined,
        keeperTimeoutMs: env.GMX_KEEPER_TIMEOUT_MS,
        ...(env.GMX_EXECUTION_FEE_WEI ? { executionFeeWei: BigInt(env.GMX_EXECUTION_FEE_WEI) } : {}),
        ...(env.GMX_REFERRAL_CODE ? { referralCode: env.GMX_REFERRAL_CODE } : {}),
      }),
    );
  }
  if (env.SPOT_RPC_URL && ds) {
    const { SpotAdapter } = spot();
    const network = spotNetworkFromEnv(env);
    adapters.push(
      new SpotAdapter({
        rpcUrl: env.SPOT_RPC_URL,
        chainId: network.chainId,
        network,
        prices,
        tokenSource: () => registryTokens(ds, network.chainId),
      }),
    );
  }
  return adapters;
}
