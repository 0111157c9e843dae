import { Interface } from 'ethers';

/**
 * The local SPOT chain's own declaration of the contracts it plays, written from the Solidity interfaces (not from the
 * adapter's ABI, so the chain checks what the adapter encodes against an independent declaration):
 * - ERC20: EIP-20 (name/symbol/decimals optional metadata, Transfer/Approval events).
 * - SwapRouter02: Uniswap/swap-router-contracts contracts/interfaces/IV3SwapRouter.sol @ da73b8565a0a32ccf439ebdb00b297c033c958ad
 *   (no deadline in the structs), plus IApproveAndCall-free `multicall(uint256 deadline, bytes[])` from IMulticallExtended.
 * - QuoterV2: Uniswap/v3-periphery contracts/interfaces/IQuoterV2.sol @ 35dbef558eb4f760e29969d8c5ae747e50e85697.
 * - UniswapV3Factory.getPool and the pool's slot0/liquidity/token0/token1/fee and Swap event: Uniswap/v3-core
 *   contracts/interfaces/IUniswapV3Factory.sol, pool/IUniswapV3PoolState.sol, pool/IUniswapV3PoolEvents.sol @ 00d4e049.
 */

export const SPOT_CHAIN_ERC20_ABI = [
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 value) returns (bool)',
  'function transfer(address to, uint256 value) returns (bool)',
  'function transferFrom(address from, address to, uint256 value) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
] as const;

const SINGLE =
  '(address tokenIn, address tokenOut, uint24 fee, address recipient, uint256 amountIn, uint256 amountOutMinimum, ' +
  'uint160 sqrtPriceLimitX96)';
const MULTI = '(bytes path, address recipient, uint256 amountIn, uint256 amountOutMinimum)';
const QUOTE = '(address tokenIn, address tokenOut, uint256 amountIn, uint24 fee, uint160 sqrtPriceLimitX96)';
const QUOTE_OUT = '(uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)';
const SLOT0 =
  '(uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, ' +
  'uint8 feeProtocol, bool unlocked)';

export const SPOT_CHAIN_ROUTER_ABI = [
  `function exactInputSingle(${SINGLE} params) payable returns (uint256 amountOut)`,
  `function exactInput(${MULTI} params) payable returns (uint256 amountOut)`,
  'function multicall(uint256 deadline, bytes[] data) payable returns (bytes[] results)',
] as const;

export const SPOT_CHAIN_QUOTER_ABI = [`function quoteExactInputSingle(${QUOTE} params) returns ${QUOTE_OUT}`] as const;

export const SPOT_CHAIN_FACTORY_ABI = ['function getPool(address tokenA, address tokenB, uint24 fee) view returns (address pool)'] as const;

export const SPOT_CHAIN_POOL_ABI = [
  `function slot0() view returns ${SLOT0}`,
  'function liquidity() view returns (uint128)',
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function fee() view returns (uint24)',
  'function tickSpacing() view returns (int24)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, ' +
    'uint128 liquidity, int24 tick)',
] as const;

export const chainErc20 = new Interface(SPOT_CHAIN_ERC20_ABI);
export const chainRouter = new Interface(SPOT_CHAIN_ROUTER_ABI);
export const chainQuoter = new Interface(SPOT_CHAIN_QUOTER_ABI);
export const chainFactory = new Interface(SPOT_CHAIN_FACTORY_ABI);
export const chainPool = new Interface(SPOT_CHAIN_POOL_ABI);
