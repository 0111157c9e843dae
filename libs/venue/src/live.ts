import { MaxUint256 } from 'ethers';
import { Env } from '@conduit/config';
import { VenueAdapter } from './adapter';
import { HyperliquidAdapter } from './hyperliquid/hyperliquid-adapter';
import { erc20Interface, tradingInterface } from './ostium/abi';
import { OSTIUM_NETWORKS, OstiumNetwork } from './ostium/constants';
import { OstiumAdapter } from './ostium/ostium-adapter';
import { PriceSource } from './price-source';

/** Ostium contracts of the configured network, with per-address overrides (a local chain in tests). */
export function ostiumNetwork(env: Env): Omit<OstiumNetwork, 'subgraph'> {
  const base = OSTIUM_NETWORKS[env.OSTIUM_NETWORK as keyof typeof OSTIUM_NETWORKS];
  return {
    chainId: env.OSTIUM_CHAIN_ID ?? base.chainId,
    trading: env.OSTIUM_TRADING_ADDRESS ?? base.trading,
    tradingStorage: env.OSTIUM_STORAGE_ADDRESS ?? base.tradingStorage,
    usdc: env.OSTIUM_USDC_ADDRESS ?? base.usdc,
  };
}

/**
 * The transactions an Ostium trader sends once from their own wallet so a deployment's agent can trade for
 * them: USDC allowance to TradingStorage (it pulls the collateral) and the agent as the trader's delegate.
 */
export function ostiumApprovalTransactions(network: Omit<OstiumNetwork, 'subgraph'>, agentAddress: string) {
  return [
    {
      description: 'USDC allowance to Ostium TradingStorage (collateral is pulled from it)',
      chain_id: network.chainId,
      to: network.usdc,
      data: erc20Interface.encodeFunctionData('approve', [network.tradingStorage, MaxUint256]),
    },
    {
      description: 'make the agent wallet your delegate on Ostium Trading (it may open and close your trades, not withdraw)',
      chain_id: network.chainId,
      to: network.trading,
      data: tradingInterface.encodeFunctionData('setDelegate', [agentAddress]),
    },
  ];
}

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
