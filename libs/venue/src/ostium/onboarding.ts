import { getAddress, MaxUint256 } from 'ethers';
import { Env } from '@conduit/config';
import { OSTIUM_NETWORKS, OstiumNetwork } from './constants';
import { encodeApprove, encodeSetDelegate, toUsdc6 } from './encoding';

/**
 * What a trader signs once with their own wallet so that a deployment's agent wallet may trade for them (Conduit
 * never holds the master key): USDC approve to TradingStorage, which pulls the collateral, then
 * Trading.setDelegate(agent). And which contracts those are, per configured network.
 */

export type OstiumContracts = Omit<OstiumNetwork, 'subgraph'>;

/** Ostium contracts of the configured network, with per-address overrides (a local chain in tests). */
export function ostiumNetwork(env: Env): OstiumContracts {
  const base = OSTIUM_NETWORKS[env.OSTIUM_NETWORK as keyof typeof OSTIUM_NETWORKS];
  return {
    chainId: env.OSTIUM_CHAIN_ID ?? base.chainId,
    trading: env.OSTIUM_TRADING_ADDRESS ?? base.trading,
    tradingStorage: env.OSTIUM_STORAGE_ADDRESS ?? base.tradingStorage,
    usdc: env.OSTIUM_USDC_ADDRESS ?? base.usdc,
  };
}

/** The two calls: USDC approve(TradingStorage, amount) and Trading.setDelegate(agent). */
function approvalCalls(
  network: OstiumContracts,
  agent: string,
  amount6: bigint,
): [{ to: string; data: string }, { to: string; data: string }] {
  return [
    { to: network.usdc, data: encodeApprove(network.tradingStorage, amount6) },
    { to: network.trading, data: encodeSetDelegate(agent) },
  ];
}

/** The approvals as the deploy answer lists them: an unlimited allowance, and the agent as delegate. */
export function ostiumApprovalTransactions(network: OstiumContracts, agentAddress: string) {
  const [approve, delegate] = approvalCalls(network, agentAddress, MaxUint256);
  return [
    {
      description: 'USDC allowance to Ostium TradingStorage (collateral is pulled from it)',
      chain_id: network.chainId,
      ...approve,
    },
    {
      description: 'make the agent wallet your delegate on Ostium Trading (it may open and close your trades, not withdraw)',
      chain_id: network.chainId,
      ...delegate,
    },
  ];
}

/** A transaction the user signs with their own wallet. */
export interface OstiumUserTransaction {
  from: string;
  to: string;
  data: string;
  value: '0';
  chainId: number;
  description: string;
}

/** The approvals for `trader`, with an allowance of `usdcAmount` USDC. */
export function approvalTransactions(network: OstiumContracts, trader: string, agent: string, usdcAmount: string): OstiumUserTransaction[] {
  const from = getAddress(trader);
  const base = { from, value: '0' as const, chainId: network.chainId };
  const storage = getAddress(network.tradingStorage);
  const [approve, delegate] = approvalCalls(network, agent, toUsdc6(usdcAmount));
  return [
    { ...base, ...approve, description: `Allow Ostium (TradingStorage ${storage}) to use ${usdcAmount} USDC as collateral` },
    { ...base, ...delegate, description: `Let the agent wallet ${getAddress(agent)} open and close Ostium trades for ${from}` },
  ];
}
