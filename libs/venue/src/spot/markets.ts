import Decimal from 'decimal.js';
import { dec, Dec } from '@conduit/domain';
import { BookLevel, OrderResult } from '../adapter';
import { MinedSwap } from './chain-reader';
import { SpotToken } from './token-list';

/** One SPOT market: a token traded against USDC. */
export interface SpotMarket {
  /** Conduit's symbol (ETH for WETH). */
  symbol: string;
  token: SpotToken;
  /** Order size decimals: the token's, at most 8. */
  szDecimals: number;
}

export const DEFAULT_ALIASES: Record<string, string> = { WETH: 'ETH', WBTC: 'BTC' };
export const USDC_DECIMALS = 6;

export function marketsOf(tokens: SpotToken[], usdc: string, aliases: Record<string, string>): SpotMarket[] {
  const seen = new Set<string>();
  const out: SpotMarket[] = [];
  for (const token of tokens) {
    if (token.address.toLowerCase() === usdc.toLowerCase()) continue;
    const symbol = aliases[token.symbol] ?? token.symbol;
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    out.push({ symbol, token, szDecimals: spotSizeDecimals(token) });
  }
  return out;
}

export const units = (value: bigint, decimals: number): Decimal => dec(value.toString()).div(new Dec(10).pow(decimals));

/**
 * A pool's price of one whole token in USDC, from slot0's sqrtPriceX96 (token1 per token0 in raw units, squared over
 * 2^192): exact to Dec's 40 significant digits.
 */
export function poolPrice(sqrtPriceX96: bigint, token: SpotToken, usdc: string): Decimal {
  const raw = dec((sqrtPriceX96 * sqrtPriceX96).toString()).div(new Dec(2).pow(192)); // token1 per token0, raw units
  const tokenIsToken0 = token.address.toLowerCase() < usdc.toLowerCase();
  const usdcPerTokenRaw = tokenIsToken0 ? raw : new Dec(1).div(raw);
  return usdcPerTokenRaw.mul(new Dec(10).pow(token.decimals - USDC_DECIMALS));
}

/**
 * Book levels from cumulative quotes: each level is the increment between two quotes, at the increment's price with the
 * pool fee taken out (× (1 − fee) of the input for a buy, ÷ (1 − fee) of the output for a sell), so that walking the
 * book costs the pool's price impact and the fee schedule adds the fee. `steps` are (input, output) cumulative pairs.
 */
export function bookLevels(
  steps: { input: bigint; output: bigint }[],
  side: 'ask' | 'bid',
  token: SpotToken,
  feePips: number,
): BookLevel[] {
  const keep = new Dec(1_000_000 - feePips).div(1_000_000);
  const levels: BookLevel[] = [];
  let prevIn = 0n;
  let prevOut = 0n;
  for (const s of steps) {
    const dIn = s.input - prevIn;
    const dOut = s.output - prevOut;
    prevIn = s.input;
    prevOut = s.output;
    if (dIn <= 0n || dOut <= 0n) continue;
    if (side === 'ask') {
      const size = units(dOut, token.decimals);
      levels.push({ price: units(dIn, USDC_DECIMALS).mul(keep).div(size).toSignificantDigits(10).toFixed(), size: size.toFixed() });
    } else {
      const size = units(dIn, token.decimals);
      levels.push({ price: units(dOut, USDC_DECIMALS).div(keep).div(size).toSignificantDigits(10).toFixed(), size: size.toFixed() });
    }
  }
  return levels;
}

/**
 * A mined swap as an order result: a buy's quantity is the tokens received, a sell's the tokens sold; the price is USDC
 * ÷ tokens; the fee is the pool's fee tier on the input (what the pool keeps, up to one unit of its rounding), in USDC
 * (a sell's at the fill price), rounded to 6 decimals.
 */
export function filledOf(cloid: string, swap: MinedSwap, token: SpotToken): OrderResult {
  const buy = swap.tokenOut.toLowerCase() === token.address.toLowerCase();
  // A position holds at most szDecimals (8) places: a buy counts what it received down to them (the dust below stays
  // in the user's wallet, never sold: closePosition sells whole szDecimals units too), priced so that qty × price is
  // the USDC it cost.
  const qty = units(buy ? swap.received : swap.paid, token.decimals).toDecimalPlaces(spotSizeDecimals(token), Decimal.ROUND_DOWN);
  const usdc = units(buy ? swap.paid : swap.received, USDC_DECIMALS);
  const price = usdc.div(qty);
  const feeIn = units(swap.paid, buy ? USDC_DECIMALS : token.decimals)
    .mul(swap.fee)
    .div(1_000_000);
  const fee = (buy ? feeIn : feeIn.mul(price)).toDecimalPlaces(USDC_DECIMALS, Decimal.ROUND_HALF_EVEN);
  return {
    clientOrderId: cloid,
    status: 'FILLED',
    filledQty: qty.toFixed(),
    avgPrice: price.toSignificantDigits(18).toFixed(),
    fee: fee.toFixed(),
    venueOrderId: swap.hash,
  };
}

/**
 * The least output that keeps a fill within the reference price ± slippage, the pool fee excluded (as an IOC limit at
 * reference ± slippage on a venue that charges its fee apart): a buy of amountIn USDC must get at least
 * amountIn × (1 − fee) ÷ (reference × (1 + slippage)) tokens, a sell of amountIn tokens at least
 * amountIn × (1 − fee) × reference × (1 − slippage) USDC; rounded up, in the output token's units.
 */
export function boundOut(buy: boolean, amountIn: bigint, feePips: number, reference: Decimal, bps: number, tokenDecimals: number): bigint {
  const keep = new Dec(1_000_000 - feePips).div(1_000_000);
  const s = new Dec(bps).div(10_000);
  const out = buy
    ? units(amountIn, USDC_DECIMALS)
        .mul(keep)
        .div(reference.mul(s.plus(1)))
        .mul(new Dec(10).pow(tokenDecimals))
    : units(amountIn, tokenDecimals).mul(keep).mul(reference).mul(new Dec(1).minus(s)).mul(new Dec(10).pow(USDC_DECIMALS));
  return BigInt(out.toDecimalPlaces(0, Decimal.ROUND_CEIL).toFixed());
}

/** Places of a SPOT position's quantity: the token's, at most 8 (what positions_v3 holds). */
export function spotSizeDecimals(token: { decimals: number }): number {
  return Math.min(8, token.decimals);
}
