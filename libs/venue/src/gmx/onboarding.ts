import { getAddress, MaxUint256 } from 'ethers';
import { gmxErc20Interface, gmxSubaccountRouterInterface, SUBACCOUNT_ORDER_ACTION } from './contracts-abi';
import { parseExactUnits } from './encoding';

/**
 * GMX v2 contracts per network, and what a user signs once so that a deployment's agent wallet trades for them as a
 * GMX **subaccount** (Conduit never holds the user's key nor their funds).
 */
export interface GmxNetwork {
  chainId: number;
  exchangeRouter: string;
  subaccountRouter: string;
  /** GMX's Router: the spender of the collateral allowance (Router.pluginTransfer pulls it for SubaccountRouter). */
  router: string;
  orderVault: string;
  reader: string;
  dataStore: string;
  eventEmitter: string;
  usdc: string;
  /** Wrapped native token (WETH on Arbitrum), what sendWnt wraps the execution fee into. */
  wnt: string;
}

/**
 * Arbitrum One. ExchangeRouter, SubaccountRouter and Reader: gmx-io/gmx-synthetics deployments/arbitrum/*.json @
 * 95bd0c97385737b3227e314fafb04371991bdf1b (routers whose createOrder has the v2.2 layout: ExchangeRouter 0xf59c48eb,
 * SubaccountRouter 0x69b605c5). Router, OrderVault, DataStore, EventEmitter: the same directory (deployed once, in
 * 2023, @ 0ee9a463). USDC and WETH: forked-env-example/contracts/constants/GmxArbitrumAddresses.sol @ a5c0c883.
 * `local` is the shape of the test chain (libs/testing gmx-chain), whose contracts live at these made-up addresses.
 */
export const GMX_NETWORKS = {
  arbitrum: {
    chainId: 42161,
    exchangeRouter: '0x1C3fa76e6E1088bCE750f23a5BFcffa1efEF6A41',
    subaccountRouter: '0xdD00F639725E19a209880A44962Bc93b51B1B161',
    router: '0x7452c558d45f8afC8c83dAe62C3f8A5BE19c71f6',
    orderVault: '0x31eF83a530Fde1B38EE9A18093A333D8Bbbc40D5',
    reader: '0x470fbC46bcC0f16532691Df360A07d8Bf5ee0789',
    dataStore: '0xFD70de6b91282D8017aA4E741e9Ae325CAb992d8',
    eventEmitter: '0xC8ee91A54287DB53897056e12D9819156D3822Fb',
    usdc: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
    wnt: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1',
  },
  local: {
    chainId: 31_337,
    exchangeRouter: '0x000000000000000000000000000000000000E001',
    subaccountRouter: '0x000000000000000000000000000000000000E002',
    router: '0x000000000000000000000000000000000000E003',
    orderVault: '0x000000000000000000000000000000000000E004',
    reader: '0x000000000000000000000000000000000000E005',
    dataStore: '0x000000000000000000000000000000000000E006',
    eventEmitter: '0x000000000000000000000000000000000000E007',
    usdc: '0x000000000000000000000000000000000000E008',
    wnt: '0x000000000000000000000000000000000000E009',
  },
} as const satisfies Record<string, GmxNetwork>;

export type GmxNetworkName = keyof typeof GMX_NETWORKS;

/** A network's contracts with per-address overrides (a local chain, or a redeployed router). */
export function gmxNetwork(name: GmxNetworkName, overrides: Partial<GmxNetwork> = {}): GmxNetwork {
  const base = GMX_NETWORKS[name];
  if (!base) throw new RangeError(`unknown GMX network ${String(name)}`);
  const merged: GmxNetwork = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  for (const key of Object.keys(merged) as (keyof GmxNetwork)[])
    if (key !== 'chainId') (merged as unknown as Record<string, string>)[key] = getAddress(merged[key] as string);
  return merged;
}

/** A transaction the user sends once from their own wallet. */
export interface GmxUserTransaction {
  from: string;
  to: string;
  data: string;
  value: '0';
  chainId: number;
  description: string;
}

export interface GmxApprovalOptions {
  /** How many order actions (create, update, cancel) the agent may take. Default 1,000,000. */
  maxActions?: bigint;
  /** Unix seconds after which the agent may no longer act (the deployed router requires it). Default: a year from now. */
  expiresAt?: bigint;
  /** Now, in ms (for the default expiry). */
  nowMs?: number;
}

/**
 * The two transactions: USDC approve(Router, amount) — GMX's Router pulls an increase's collateral from the account
 * — and SubaccountRouter.multicall([addSubaccount(agent), setMaxAllowedSubaccountActionCount(agent,
 * SUBACCOUNT_ORDER_ACTION, n), setSubaccountExpiresAt(agent, SUBACCOUNT_ORDER_ACTION, t)]). The agent pays the
 * execution fees in ETH itself; no auto top-up is set.
 */
export function gmxApprovalTransactions(
  network: GmxNetwork,
  account: string,
  agent: string,
  /** Whole USDC, or 'unlimited' (the maximum allowance, as Ostium's deploy answer gives). */
  usdcAmount: string,
  options: GmxApprovalOptions = {},
): GmxUserTransaction[] {
  const from = getAddress(account);
  const sub = getAddress(agent);
  const amount = usdcAmount === 'unlimited' ? MaxUint256 : parseExactUnits(usdcAmount, 6, 'USDC amount');
  const maxActions = options.maxActions ?? 1_000_000n;
  const expiresAt = options.expiresAt ?? BigInt(Math.floor((options.nowMs ?? Date.now()) / 1000) + 365 * 24 * 3600);
  const base = { from, value: '0' as const, chainId: network.chainId };
  const router = getAddress(network.router);
  const calls = [
    gmxSubaccountRouterInterface.encodeFunctionData('addSubaccount', [sub]),
    gmxSubaccountRouterInterface.encodeFunctionData('setMaxAllowedSubaccountActionCount', [sub, SUBACCOUNT_ORDER_ACTION, maxActions]),
    gmxSubaccountRouterInterface.encodeFunctionData('setSubaccountExpiresAt', [sub, SUBACCOUNT_ORDER_ACTION, expiresAt]),
  ];
  return [
    {
      ...base,
      to: getAddress(network.usdc),
      data: gmxErc20Interface.encodeFunctionData('approve', [router, amount]),
      description: `Allow GMX (Router ${router}) to use ${usdcAmount} USDC as collateral`,
    },
    {
      ...base,
      to: getAddress(network.subaccountRouter),
      data: gmxSubaccountRouterInterface.encodeFunctionData('multicall', [calls]),
      description:
        `Make the agent wallet ${sub} a GMX subaccount of ${from} (up to ${maxActions} order actions until ` +
        `${new Date(Number(expiresAt) * 1000).toISOString()}; it cannot withdraw)`,
    },
  ];
}
