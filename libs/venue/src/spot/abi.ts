import { Interface } from 'ethers';

/**
 * Uniswap v3 surface for SPOT swaps on Arbitrum, as ethers human-readable ABI fragments: only what a swap and its quote need.
 *
 * SwapRouter02: Uniswap/swap-router-contracts contracts/interfaces/IV3SwapRouter.sol @ da73b8565a0a32ccf439ebdb00b297c033c958ad.
 * Its ExactInputSingleParams and ExactInputParams have NO `deadline` field, unlike the original SwapRouter's (v3-periphery
 * ISwapRouter.sol); the deadline of a SwapRouter02 swap is given, if at all, by wrapping the call in `multicall(uint256
 * deadline, bytes[])`. A later commit of the same file (32721051a9422bd18e8264a198162f2117fbe2be) appends `bool
 * hasAlreadyPaid` to each struct, which hashes to other selectors: calldata built here is for the deployed SwapRouter02
 * layout, whose selectors the Uniswap SDK's own test calldata carries (see uniswap-v3.vectors.json).
 *
 * QuoterV2: Uniswap/v3-periphery contracts/interfaces/IQuoterV2.sol @ 35dbef558eb4f760e29969d8c5ae747e50e85697. Note the
 * field order differs from the router's: amountIn comes before fee. It is not a view function (it reverts internally to
 * compute the result), so it is read with eth_call, never sent.
 */

/** IV3SwapRouter.ExactInputSingleParams, in declaration order. */
export const V3_EXACT_INPUT_SINGLE_TUPLE =
  '(address tokenIn,address tokenOut,uint24 fee,address recipient,uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96)';

/** IV3SwapRouter.ExactInputParams, in declaration order; `path` is the packed path of encodePath. */
export const V3_EXACT_INPUT_TUPLE = '(bytes path,address recipient,uint256 amountIn,uint256 amountOutMinimum)';

/** IQuoterV2.QuoteExactInputSingleParams, in declaration order. */
export const V3_QUOTE_EXACT_INPUT_SINGLE_TUPLE = '(address tokenIn,address tokenOut,uint256 amountIn,uint24 fee,uint160 sqrtPriceLimitX96)';

export const SWAP_ROUTER02_ABI = [
  `function exactInputSingle(${V3_EXACT_INPUT_SINGLE_TUPLE} params) payable returns (uint256 amountOut)`,
  `function exactInput(${V3_EXACT_INPUT_TUPLE} params) payable returns (uint256 amountOut)`,
] as const;

export const QUOTER_V2_ABI = [
  `function quoteExactInputSingle(${V3_QUOTE_EXACT_INPUT_SINGLE_TUPLE} params) returns ` +
    '(uint256 amountOut,uint160 sqrtPriceX96After,uint32 initializedTicksCrossed,uint256 gasEstimate)',
] as const;

export const swapRouter02Interface = new Interface(SWAP_ROUTER02_ABI);
export const quoterV2Interface = new Interface(QUOTER_V2_ABI);
