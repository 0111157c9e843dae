import { Interface } from 'ethers';

/**
 * Where SPOT swaps happen: Uniswap v3 on Arbitrum One, and the ERC-20 / factory / pool surface the adapter reads.
 *
 * Addresses, Arbitrum One (42161):
 * - UniswapV3Factory, SwapRouter02, QuoterV2: Uniswap/docs content/protocols/v3/deployments/v3-arbitrum-deployments.mdx
 *   @ 1c7597d73be0e9a3a4e44aa75b8fb212b40ea136.
 * - USDC: Circle's native USDC on Arbitrum One (6 decimals; not the bridged USDC.e 0xFF970A61…).
 * - WETH: WETH9 on Arbitrum One (18 decimals).
 */
export interface SpotNetwork {
  chainId: number;
  swapRouter02: string;
  quoterV2: string;
  factory: string;
  usdc: string;
  weth: string;
}

export const SPOT_NETWORKS = {
  arbitrum: {
    chainId: 42161,
    swapRouter02: '0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45',
    quoterV2: '0x61fFE014bA17989E743c5F6cB21bF9697530B21e',
    factory: '0x1F98431c8aD98523631AE4a59f267346ea31F984',
    usdc: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
    weth: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1',
  },
} as const satisfies Record<string, SpotNetwork>;

/**
 * The shape of a local network for tests: a chain (e.g. the testing lib's SpotChain) that answers at the Arbitrum
 * addresses by default, on its own chain id and RPC URL. Any field may be overridden.
 */
export function localSpotNetwork(overrides: Partial<SpotNetwork> = {}): SpotNetwork {
  return { ...SPOT_NETWORKS.arbitrum, ...overrides };
}

/** Quote currency of every SPOT market. */
export const SPOT_QUOTE = { symbol: 'USDC', decimals: 6 } as const;

/** ERC-20 (EIP-20), the part the adapter uses. */
export const SPOT_ERC20_ABI = [
  'function balanceOf(address account) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 value) returns (bool)',
  'function transfer(address to, uint256 value) returns (bool)',
  'function transferFrom(address from, address to, uint256 value) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
] as const;

/**
 * UniswapV3Factory.getPool and the pool's slot0/liquidity and Swap event: Uniswap/v3-core contracts/interfaces/
 * IUniswapV3Factory.sol, pool/IUniswapV3PoolState.sol, pool/IUniswapV3PoolEvents.sol @ 00d4e0494dfc296ee27ce4aec6d93810ed01115c.
 */
export const UNISWAP_V3_POOL_ABI = [
  'function getPool(address tokenA, address tokenB, uint24 fee) view returns (address pool)',
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, ' +
    'uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'function liquidity() view returns (uint128)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, ' +
    'uint128 liquidity, int24 tick)',
] as const;

export const spotErc20Interface = new Interface(SPOT_ERC20_ABI);
export const uniswapV3PoolInterface = new Interface(UNISWAP_V3_POOL_ABI);
