import { getAddress } from 'ethers';
import { toTokenUnits } from './encoding';
import { SpotNetwork, spotErc20Interface } from './networks';
import { SpotToken } from './token-list';

/** A transaction the user sends once from their own wallet. */
export interface SpotUserTransaction {
  to: string;
  data: string;
  value: '0';
  chainId: number;
  description: string;
}

/**
 * What the user signs once so that the deployment's agent wallet may trade SPOT for them: ERC-20 approve(agent, cap) on
 * USDC (the agent pulls what a buy spends, at most `usdcCap` USDC in all until renewed) and on each token it may sell
 * (`tokens`, each with its cap in whole tokens; 'unlimited' for the maximum). The agent pulls one trade's input with
 * transferFrom, swaps it through SwapRouter02 with the user as recipient, and so never holds funds beyond one trade; a
 * swap that fails is refunded to the user. The allowance is the bound on what a stolen agent key could take: keep it to
 * what the strategy needs, and revoke it with approve(agent, 0).
 */
export function spotApprovalTransactions(
  network: SpotNetwork,
  user: string,
  agent: string,
  tokens: (SpotToken & { cap: string })[],
  usdcCap: string,
): (SpotUserTransaction & { from: string })[] {
  const from = getAddress(user);
  const spender = getAddress(agent);
  const approve = (token: string, amount: bigint) => spotErc20Interface.encodeFunctionData('approve', [spender, amount]);
  const units = (cap: string, decimals: number) => (cap === 'unlimited' ? (1n << 256n) - 1n : toTokenUnits(cap, decimals));
  const base = { from, value: '0' as const, chainId: network.chainId };
  return [
    {
      ...base,
      to: getAddress(network.usdc),
      data: approve(network.usdc, units(usdcCap, 6)),
      description: `Allow the agent wallet ${spender} to spend up to ${usdcCap} USDC on SPOT buys (swapped to you at once)`,
    },
    ...tokens.map((t) => ({
      ...base,
      to: getAddress(t.address),
      data: approve(t.address, units(t.cap, t.decimals)),
      description: `Allow the agent wallet ${spender} to sell up to ${t.cap} ${t.symbol} for you (USDC is swapped to you)`,
    })),
  ];
}
