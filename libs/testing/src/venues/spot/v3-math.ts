/**
 * Uniswap v3 swap math on bigint, exact: the formulas and rounding of Uniswap/v3-core @ 00d4e0494dfc296ee27ce4aec6d93810ed01115c
 * (contracts/libraries/TickMath.sol, SqrtPriceMath.sol, SwapMath.sol, FullMath.sol and the swap loop of UniswapV3Pool.sol).
 * Solidity's 256-bit overflow checks are kept where they change a result (getNextSqrtPriceFromAmount0RoundingUp).
 */

export const Q96 = 1n << 96n;
const MAX_U256 = (1n << 256n) - 1n;
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
/** TickMath.MIN_SQRT_RATIO / MAX_SQRT_RATIO. */
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

/** Tick spacing of each fee tier (UniswapV3Factory's constructor and enableFeeAmount defaults, 100 added by governance). */
export const TICK_SPACING: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

export function mulDiv(a: bigint, b: bigint, d: bigint): bigint {
  return (a * b) / d;
}

export function mulDivRoundingUp(a: bigint, b: bigint, d: bigint): bigint {
  const r = (a * b) / d;
  return (a * b) % d > 0n ? r + 1n : r;
}

export function divRoundingUp(a: bigint, b: bigint): bigint {
  return a / b + (a % b > 0n ? 1n : 0n);
}

// TickMath.getSqrtRatioAtTick's constants: sqrt(1.0001)^-(2^i) as Q128.128 (v3-core TickMath.sol, cited above).
const RATIOS = [
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];

/** sqrt(1.0001^tick) as Q64.96, rounded up as TickMath.getSqrtRatioAtTick. */
export function getSqrtRatioAtTick(tick: number): bigint {
  const abs = Math.abs(tick);
  if (!Number.isInteger(tick) || abs > MAX_TICK) throw new RangeError('T');
  let ratio = abs & 1 ? 0xfffcb933bd6fad37aa2d162d1a594001n : 1n << 128n;
  RATIOS.forEach((r, i) => {
    if (abs & (2 << i)) ratio = (ratio * r) >> 128n;
  });
  if (tick > 0) ratio = MAX_U256 / ratio;
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

/**
 * The greatest tick whose sqrt ratio is ≤ sqrtPriceX96 (TickMath.getTickAtSqrtRatio's definition): a floating estimate
 * corrected against the exact getSqrtRatioAtTick, so the answer is the contract's.
 */
export function getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) throw new RangeError('R');
  const log2 = sqrtPriceX96.toString(2).length - 1;
  const mantissa = Number(sqrtPriceX96 >> BigInt(Math.max(0, log2 - 52))) / 2 ** Math.min(52, log2);
  let tick = Math.floor((2 * (Math.log(mantissa) + (log2 - 96) * Math.LN2)) / Math.log(1.0001));
  tick = Math.max(MIN_TICK, Math.min(MAX_TICK - 1, tick));
  while (tick < MAX_TICK - 1 && getSqrtRatioAtTick(tick + 1) <= sqrtPriceX96) tick++;
  while (tick > MIN_TICK && getSqrtRatioAtTick(tick) > sqrtPriceX96) tick--;
  return tick;
}

/** SqrtPriceMath.getAmount0Delta: L·(√b − √a)/(√a·√b), rounded up or down. */
export function getAmount0Delta(a: bigint, b: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const [lo, hi] = a > b ? [b, a] : [a, b];
  const numerator1 = liquidity << 96n;
  const numerator2 = hi - lo;
  if (lo <= 0n) throw new RangeError('sqrt price must be positive');
  return roundUp ? divRoundingUp(mulDivRoundingUp(numerator1, numerator2, hi), lo) : mulDiv(numerator1, numerator2, hi) / lo;
}

/** SqrtPriceMath.getAmount1Delta: L·(√b − √a), rounded up or down. */
export function getAmount1Delta(a: bigint, b: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const [lo, hi] = a > b ? [b, a] : [a, b];
  return roundUp ? mulDivRoundingUp(liquidity, hi - lo, Q96) : mulDiv(liquidity, hi - lo, Q96);
}

/** SqrtPriceMath.getNextSqrtPriceFromAmount0RoundingUp with add = true (the only case an exact-input swap needs). */
function nextFromAmount0Add(sqrtP: bigint, liquidity: bigint, amount: bigint): bigint {
  if (amount === 0n) return sqrtP;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtP;
  if (product <= MAX_U256) {
    const denominator = numerator1 + product;
    if (denominator <= MAX_U256) return mulDivRoundingUp(numerator1, sqrtP, denominator);
  }
  return divRoundingUp(numerator1, numerator1 / sqrtP + amount);
}

/** SqrtPriceMath.getNextSqrtPriceFromAmount1RoundingDown with add = true. */
function nextFromAmount1Add(sqrtP: bigint, liquidity: bigint, amount: bigint): bigint {
  return sqrtP + (amount << 96n) / liquidity;
}

/** SwapMath.computeSwapStep for an exact input (amountRemaining > 0). */
export function computeSwapStep(
  current: bigint,
  target: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: number,
): { sqrtNext: bigint; amountIn: bigint; amountOut: bigint; feeAmount: bigint } {
  const zeroForOne = current >= target;
  const fee = BigInt(feePips);
  const lessFee = mulDiv(amountRemaining, 1_000_000n - fee, 1_000_000n);
  let amountIn = zeroForOne ? getAmount0Delta(target, current, liquidity, true) : getAmount1Delta(current, target, liquidity, true);
  let sqrtNext: bigint;
  if (lessFee >= amountIn) sqrtNext = target;
  else sqrtNext = zeroForOne ? nextFromAmount0Add(current, liquidity, lessFee) : nextFromAmount1Add(current, liquidity, lessFee);
  const max = sqrtNext === target;
  let amountOut: bigint;
  if (zeroForOne) {
    amountIn = max ? amountIn : getAmount0Delta(sqrtNext, current, liquidity, true);
    amountOut = getAmount1Delta(sqrtNext, current, liquidity, false);
  } else {
    amountIn = max ? amountIn : getAmount1Delta(current, sqrtNext, liquidity, true);
    amountOut = getAmount0Delta(current, sqrtNext, liquidity, false);
  }
  const feeAmount = !max ? amountRemaining - amountIn : mulDivRoundingUp(amountIn, fee, 1_000_000n - fee);
  return { sqrtNext, amountIn, amountOut, feeAmount };
}

/** One pool with a single active liquidity range [tickLower, tickUpper]. */
export interface RangePool {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  fee: number;
  tickLower: number;
  tickUpper: number;
}

export interface SwapOutcome {
  /** The pool's deltas (positive: paid into the pool), as UniswapV3Pool.swap returns them. */
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  /** Fee paid, in the input token. */
  feeAmount: bigint;
}

/** TickBitmap.nextInitializedTickWithinOneWord over a bitmap holding only the range's two ticks. */
function nextTickWithinOneWord(pool: RangePool, tick: number, lte: boolean, spacing: number): { next: number; initialized: boolean } {
  let compressed = Math.trunc(tick / spacing);
  if (tick < 0 && tick % spacing !== 0) compressed--;
  const initialized = [pool.tickLower / spacing, pool.tickUpper / spacing];
  if (lte) {
    const bitPos = ((compressed % 256) + 256) % 256;
    const floor = compressed - bitPos;
    const hit = initialized.filter((t) => t <= compressed && t >= floor).sort((a, b) => b - a)[0];
    return hit !== undefined ? { next: hit * spacing, initialized: true } : { next: floor * spacing, initialized: false };
  }
  const c = compressed + 1;
  const bitPos = ((c % 256) + 256) % 256;
  const ceil = c + (255 - bitPos);
  const hit = initialized.filter((t) => t >= c && t <= ceil).sort((a, b) => a - b)[0];
  return hit !== undefined ? { next: hit * spacing, initialized: true } : { next: ceil * spacing, initialized: false };
}

/**
 * UniswapV3Pool.swap for an exact input, stepping tick-bitmap words as the contract does (each step rounds on its own).
 * The range's liquidity is the only liquidity: a swap that reaches a range boundary STOPS there with the rest of the
 * input unspent (the pool takes only what it used, as a real pool whose price ran out of liquidity; the contract would
 * cross the tick and move on with zero liquidity). The tick after a stop at a boundary is getTickAtSqrtRatio of it.
 */
export function swapExactInput(pool: RangePool, zeroForOne: boolean, amountSpecified: bigint, sqrtPriceLimitX96: bigint): SwapOutcome {
  if (amountSpecified <= 0n) throw new RangeError('AS');
  const limit = sqrtPriceLimitX96 === 0n ? (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n) : sqrtPriceLimitX96;
  if (zeroForOne ? !(limit < pool.sqrtPriceX96 && limit > MIN_SQRT_RATIO) : !(limit > pool.sqrtPriceX96 && limit < MAX_SQRT_RATIO))
    throw new RangeError('SPL');
  const spacing = TICK_SPACING[pool.fee];
  let remaining = amountSpecified;
  let calculated = 0n;
  let sqrtPrice = pool.sqrtPriceX96;
  let tick = pool.tick;
  let feeTotal = 0n;
  const lowerPrice = getSqrtRatioAtTick(pool.tickLower);
  const upperPrice = getSqrtRatioAtTick(pool.tickUpper);
  while (remaining !== 0n && sqrtPrice !== limit) {
    const start = sqrtPrice;
    const { next, initialized } = nextTickWithinOneWord(pool, tick, zeroForOne, spacing);
    const tickNext = Math.max(MIN_TICK, Math.min(MAX_TICK, next));
    const nextPrice = getSqrtRatioAtTick(tickNext);
    const target = (zeroForOne ? nextPrice < limit : nextPrice > limit) ? limit : nextPrice;
    const step = computeSwapStep(sqrtPrice, target, pool.liquidity, remaining, pool.fee);
    sqrtPrice = step.sqrtNext;
    remaining -= step.amountIn + step.feeAmount;
    calculated -= step.amountOut;
    feeTotal += step.feeAmount;
    const atBoundary = (zeroForOne && sqrtPrice === lowerPrice) || (!zeroForOne && sqrtPrice === upperPrice);
    if (sqrtPrice === nextPrice) {
      if (initialized && atBoundary) {
        tick = getTickAtSqrtRatio(sqrtPrice);
        break; // out of the range: capped
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (sqrtPrice !== start) {
      tick = getTickAtSqrtRatio(sqrtPrice);
    }
  }
  const used = amountSpecified - remaining;
  const [amount0, amount1] = zeroForOne ? [used, calculated] : [calculated, used];
  return { amount0, amount1, sqrtPriceX96: sqrtPrice, tick, feeAmount: feeTotal };
}

/** Integer square root (floor). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('negative');
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y;
  }
}
