import { concat, dataLength, dataSlice, getAddress, getBytes, hexlify, isHexString, toBeHex } from 'ethers';
import { parseExactUnits } from '../gmx/encoding';
import { quoterV2Interface, swapRouter02Interface } from './abi';

/**
 * Uniswap v3 SPOT swap calldata, pure: integers in, SwapRouter02 / QuoterV2 calldata out.
 *
 * SPOT buys and sells whole tokens: every swap is exact-input (the amount spent is fixed, the amount received is
 * bounded below by amountOutMinimum). A buy spends the quote token (e.g. USDC) for the base token, a sell the reverse.
 * A spot holding is always long (SPOT_SIDE = 'LONG', leverage 1); refusing a SHORT or leverage above 1 is the router's
 * job, not this module's. Nothing here knows token or contract addresses: the caller passes them.
 */

const BPS = 10_000n;
const UINT160_MAX = (1n << 160n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;

/** The fee tiers (hundredths of a basis point) of Uniswap v3 pools this module accepts: 0.01 %, 0.05 %, 0.3 %, 1 %. */
export const UNISWAP_V3_FEE_TIERS = [100, 500, 3000, 10000] as const;
export type UniswapV3FeeTier = (typeof UNISWAP_V3_FEE_TIERS)[number];

const ADDRESS_BYTES = 20;
const FEE_BYTES = 3;

/** A decimal token amount → the token's smallest units, exactly; more decimals than the token has are refused. */
export function toTokenUnits(amount: string, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255)
    throw new RangeError(`token decimals must be an integer in [0, 255], got ${decimals}`);
  return parseExactUnits(amount, decimals, 'token amount');
}

/**
 * The least output a swap may return, from a quoted output: quoted × (10000 − slippageBps) / 10000, rounded UP.
 *
 * Rounding up (ceil) keeps the minimum at or above the exact value, so the accepted slippage is never more than asked;
 * rounding down would let the swap fill up to one unit worse than the slippage allows. `slippageBps` is a whole number
 * of basis points in [0, 10000); the result is positive whenever the quote is.
 */
export function minimumOut(quotedOut: bigint, slippageBps: number | bigint): bigint {
  if (typeof quotedOut !== 'bigint' || quotedOut <= 0n || quotedOut > UINT256_MAX)
    throw new RangeError('quoted output must be a positive uint256 bigint');
  if (typeof slippageBps === 'number' && !Number.isSafeInteger(slippageBps))
    throw new RangeError(`slippage must be a whole number of basis points, got ${slippageBps}`);
  const bps = BigInt(slippageBps);
  if (bps < 0n || bps >= BPS) throw new RangeError(`slippage must be in [0, 10000) bps, got ${bps}`);
  const scaled = quotedOut * (BPS - bps);
  return (scaled + BPS - 1n) / BPS;
}

function feeTier(fee: number): UniswapV3FeeTier {
  if (!(UNISWAP_V3_FEE_TIERS as readonly number[]).includes(fee))
    throw new RangeError(`fee must be one of ${UNISWAP_V3_FEE_TIERS.join(', ')}, got ${String(fee)}`);
  return fee as UniswapV3FeeTier;
}

/**
 * exactInput's packed path: token0 (20 bytes) ‖ fee0 (3 bytes, big-endian uint24) ‖ token1 ‖ fee1 ‖ … ‖ tokenN, in
 * the direction of the swap (the first token is spent, the last received). Needs at least two tokens, one fee per hop,
 * fee tiers from UNISWAP_V3_FEE_TIERS, and no hop from a token to itself.
 */
export function encodePath(tokens: readonly string[], fees: readonly number[]): string {
  if (!Array.isArray(tokens) || tokens.length < 2) throw new RangeError('a path needs at least two tokens');
  if (!Array.isArray(fees) || fees.length !== tokens.length - 1)
    throw new RangeError(`a path of ${tokens.length} tokens needs ${tokens.length - 1} fees, got ${fees?.length}`);
  const addresses = tokens.map((t) => getAddress(t));
  const parts: string[] = [addresses[0]];
  fees.forEach((fee, i) => {
    if (addresses[i] === addresses[i + 1]) throw new RangeError(`hop ${i} swaps ${addresses[i]} for itself`);
    parts.push(toBeHex(feeTier(fee), FEE_BYTES), addresses[i + 1]);
  });
  return hexlify(concat(parts));
}

/** The inverse of encodePath: checksummed tokens and fees; refuses a length that is not 20 + 23·n (n ≥ 1). */
export function decodePath(path: string): { tokens: string[]; fees: number[] } {
  if (!isHexString(path)) throw new RangeError('path must be hex');
  const length = dataLength(path);
  const hop = ADDRESS_BYTES + FEE_BYTES;
  if (length < ADDRESS_BYTES + hop || (length - ADDRESS_BYTES) % hop !== 0)
    throw new RangeError(`path length ${length} is not 20 + 23·n bytes`);
  const tokens = [getAddress(dataSlice(path, 0, ADDRESS_BYTES))];
  const fees: number[] = [];
  for (let at = ADDRESS_BYTES; at < length; at += hop) {
    fees.push(Number(BigInt(hexlify(getBytes(path).slice(at, at + FEE_BYTES)))));
    tokens.push(getAddress(dataSlice(path, at + FEE_BYTES, at + hop)));
  }
  return { tokens, fees };
}

/** A SwapRouter02 call: `data` goes to the router with `value` wei attached (always 0: tokens are pulled by allowance). */
export interface SpotRouterCall {
  data: string;
  value: bigint;
}

interface SpotSwapCommon {
  /** Receives the output tokens. */
  recipient: string;
  /** Pool fee tier of the single hop. */
  fee: number;
  /** Exact amount spent, in the input token's smallest units; must be positive. */
  amountIn: bigint;
  /** Least output accepted, in the output token's smallest units (minimumOut); must be positive. */
  amountOutMinimum: bigint;
  /** Pool price limit; 0 (none) unless given. */
  sqrtPriceLimitX96?: bigint;
}

/** A spot buy or sell: `base` is the asset held (e.g. WETH), `quote` what it is priced in (e.g. USDC). */
export interface SpotSwap extends SpotSwapCommon {
  base: string;
  quote: string;
}

function uint(value: bigint, what: string, max = UINT256_MAX): bigint {
  if (typeof value !== 'bigint' || value <= 0n || value > max) throw new RangeError(`${what} must be a positive bigint that fits its type`);
  return value;
}

function exactInputSingle(tokenIn: string, tokenOut: string, s: SpotSwapCommon): SpotRouterCall {
  const from = getAddress(tokenIn);
  const to = getAddress(tokenOut);
  if (from === to) throw new RangeError('tokenIn and tokenOut must differ');
  const limit = s.sqrtPriceLimitX96 ?? 0n;
  if (typeof limit !== 'bigint' || limit < 0n || limit > UINT160_MAX) throw new RangeError('sqrtPriceLimitX96 must be a uint160 bigint');
  const params = {
    tokenIn: from,
    tokenOut: to,
    fee: feeTier(s.fee),
    recipient: getAddress(s.recipient),
    amountIn: uint(s.amountIn, 'amountIn'),
    amountOutMinimum: uint(s.amountOutMinimum, 'amountOutMinimum'),
    sqrtPriceLimitX96: limit,
  };
  return { data: swapRouter02Interface.encodeFunctionData('exactInputSingle', [params]), value: 0n };
}

/** Buy `base` with exactly `amountIn` of `quote`: exactInputSingle(tokenIn = quote, tokenOut = base). */
export function encodeBuy(s: SpotSwap): SpotRouterCall {
  return exactInputSingle(s.quote, s.base, s);
}

/** Sell exactly `amountIn` of `base` for `quote`: exactInputSingle(tokenIn = base, tokenOut = quote). */
export function encodeSell(s: SpotSwap): SpotRouterCall {
  return exactInputSingle(s.base, s.quote, s);
}

/** A multi-hop exact-input swap along a packed path (encodePath); the path is validated by decoding it. */
export function encodeExactInput(s: { path: string; recipient: string; amountIn: bigint; amountOutMinimum: bigint }): SpotRouterCall {
  decodePath(s.path);
  const params = {
    path: s.path,
    recipient: getAddress(s.recipient),
    amountIn: uint(s.amountIn, 'amountIn'),
    amountOutMinimum: uint(s.amountOutMinimum, 'amountOutMinimum'),
  };
  return { data: swapRouter02Interface.encodeFunctionData('exactInput', [params]), value: 0n };
}

/** QuoterV2.quoteExactInputSingle calldata, for an eth_call: how much `tokenOut` exactly `amountIn` of `tokenIn` buys. */
export function encodeQuoteExactInputSingle(q: {
  tokenIn: string;
  tokenOut: string;
  amountIn: bigint;
  fee: number;
  sqrtPriceLimitX96?: bigint;
}): string {
  const tokenIn = getAddress(q.tokenIn);
  const tokenOut = getAddress(q.tokenOut);
  if (tokenIn === tokenOut) throw new RangeError('tokenIn and tokenOut must differ');
  const limit = q.sqrtPriceLimitX96 ?? 0n;
  if (typeof limit !== 'bigint' || limit < 0n || limit > UINT160_MAX) throw new RangeError('sqrtPriceLimitX96 must be a uint160 bigint');
  const params = { tokenIn, tokenOut, amountIn: uint(q.amountIn, 'amountIn'), fee: feeTier(q.fee), sqrtPriceLimitX96: limit };
  return quoterV2Interface.encodeFunctionData('quoteExactInputSingle', [params]);
}

/** The eth_call result of quoteExactInputSingle. */
export function decodeQuoteExactInputSingle(result: string): {
  amountOut: bigint;
  sqrtPriceX96After: bigint;
  initializedTicksCrossed: bigint;
  gasEstimate: bigint;
} {
  const [amountOut, sqrtPriceX96After, initializedTicksCrossed, gasEstimate] = quoterV2Interface.decodeFunctionResult(
    'quoteExactInputSingle',
    result,
  );
  return { amountOut, sqrtPriceX96After, initializedTicksCrossed, gasEstimate };
}
