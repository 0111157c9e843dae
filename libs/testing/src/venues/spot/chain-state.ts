import { getAddress, Interface, keccak256, Result, toUtf8Bytes } from 'ethers';
import { EvmAccounts, lc, RawLog } from '../evm/evm-types';
import { RangePool } from './v3-math';

export { abi, errorString, lc, MAX_UINT256, Revert, RpcError } from '../evm/evm-types';

/** The local SPOT chain's options, state and shared primitives. */

export interface SpotChainToken {
  symbol: string;
  decimals: number;
  /** Default: Arbitrum One's for USDC and WETH, an invented address derived from the symbol for the others. */
  address?: string;
}

export interface SpotChainOptions {
  /** Default 42161 (Arbitrum One), whose Uniswap addresses are the defaults. */
  chainId?: number;
  routerAddress?: string;
  quoterAddress?: string;
  factoryAddress?: string;
  /** Default USDC 6, WETH 18, WBTC 8, ARB 18. */
  tokens?: SpotChainToken[];
  /** Base fee in wei; default 0.01 gwei (Arbitrum-like). */
  baseFeePerGas?: bigint;
}

/** Uniswap v3 on Arbitrum One (Uniswap/docs content/protocols/v3/deployments/v3-arbitrum-deployments.mdx @ 1c7597d7). */
export const ARBITRUM_UNISWAP = {
  factory: '0x1F98431c8aD98523631AE4a59f267346ea31F984',
  swapRouter02: '0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45',
  quoterV2: '0x61fFE014bA17989E743c5F6cB21bF9697530B21e',
};

/** Native USDC (Circle) and WETH on Arbitrum One (the same addresses as the adapter's SPOT_NETWORKS.arbitrum). */
export const ARBITRUM_TOKENS: Record<string, string> = {
  USDC: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
  WETH: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1',
};

export const DEFAULT_TOKENS: SpotChainToken[] = [
  { symbol: 'USDC', decimals: 6 },
  { symbol: 'WETH', decimals: 18 },
  { symbol: 'WBTC', decimals: 8 },
  { symbol: 'ARB', decimals: 18 },
];

/** An invented, deterministic local address. */
export function localAddress(label: string): string {
  return getAddress('0x' + keccak256(toUtf8Bytes(`conduit-spot-local:${label}`)).slice(26));
}

export interface PoolRecord extends RangePool {
  address: string;
  token0: string;
  token1: string;
}

/** Everything a transaction may change (copied per transaction, snapshotted per block). */
export interface SpotState extends EvmAccounts {
  /** `${token}|${holder}` (lowercase) → units. */
  balances: Map<string, bigint>;
  /** `${token}|${owner}|${spender}` → units. */
  allowances: Map<string, bigint>;
  /** Pool address (lowercase) → pool. */
  pools: Map<string, PoolRecord>;
}

export function emptyState(): SpotState {
  return { eth: new Map(), nonces: new Map(), balances: new Map(), allowances: new Map(), pools: new Map() };
}

/** One decoded call to a contract of the chain, in the order they happened. */
export interface SpotChainCall {
  via: 'tx' | 'call' | 'estimateGas';
  txHash: string | null;
  from: string;
  to: string;
  contract: 'ERC20' | 'SwapRouter02' | 'QuoterV2' | 'Factory' | 'Pool';
  fn: string;
  args: Record<string, unknown>;
  reverted?: string;
}

/** One execution: a copy of the state it changes, the logs it emits and where it came from. */
export interface Ctx {
  s: SpotState;
  logs: RawLog[];
  via: SpotChainCall['via'];
  txHash: string | null;
  /** Block timestamp the call executes at (seconds). */
  timestamp: number;
}

export const balanceKey = (token: string, holder: string) => `${lc(token)}|${lc(holder)}`;
export const allowanceKey = (token: string, owner: string, spender: string) => `${lc(token)}|${lc(owner)}|${lc(spender)}`;

export function emit(ctx: Ctx, address: string, iface: Interface, event: string, args: unknown[]): void {
  const { topics, data } = iface.encodeEventLog(event, args);
  ctx.logs.push({ address: getAddress(address), topics, data });
}

/** Decoded ABI values as plain objects. */
export function plain(value: unknown): unknown {
  if (value instanceof Result) {
    try {
      const obj = value.toObject();
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)]));
    } catch {
      return value.toArray().map(plain);
    }
  }
  return value;
}
