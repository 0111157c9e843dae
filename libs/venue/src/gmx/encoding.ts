import { getAddress, isHexString, ZeroAddress, ZeroHash } from 'ethers';
import type { PositionSide } from '../adapter';
import { GmxDecreasePositionSwapType, gmxExchangeRouterInterface, GmxOrderType } from './abi';

/**
 * GMX v2 order calldata, pure: integers in, ExchangeRouter multicall calldata out.
 *
 * Units (GMX v2 synthetics):
 * - USD amounts (sizeDeltaUsd) carry 30 decimals: 1 USD = 10^30;
 * - prices (acceptablePrice, triggerPrice) are USD per smallest unit of the index token at 30 decimals, so a price of
 *   P USD per whole token is P × 10^(30 − tokenDecimals);
 * - token amounts (collateral) are in the token's smallest units, the execution fee in wei of the native token.
 *
 * Conversions are exact on decimal strings with bigint arithmetic (no floats, no Decimal precision limit): a value
 * with more decimals than its unit can hold is refused, not rounded. Only the slippage bound rounds, and it rounds
 * so that the bound is never looser than the slippage asked.
 */

export const GMX_USD_DECIMALS = 30;
const BPS = 10_000n;
const UINT256_MAX = (1n << 256n) - 1n;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string → integer at `decimals` places, exactly; more (non-zero) decimals are refused. */
export function parseExactUnits(value: string, decimals: number, what = 'value'): bigint {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`${what}: decimals must be a non-negative integer`);
  const m = typeof value === 'string' ? DECIMAL.exec(value.trim()) : null;
  if (!m) throw new RangeError(`${what} must be a non-negative decimal string, got ${String(value)}`);
  const [, whole, rawFraction = ''] = m;
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > decimals) throw new RangeError(`${what} has more than ${decimals} decimals: ${value}`);
  const units = BigInt(whole + fraction.padEnd(decimals, '0'));
  if (units > UINT256_MAX) throw new RangeError(`${what} does not fit in uint256: ${value}`);
  return units;
}

/** USD → GMX's 30-decimal USD integer (sizeDeltaUsd), exact. */
export function usdToGmx30(usd: string): bigint {
  return parseExactUnits(usd, GMX_USD_DECIMALS, 'USD amount');
}

function assertTokenDecimals(tokenDecimals: number): void {
  if (!Number.isInteger(tokenDecimals) || tokenDecimals < 0 || tokenDecimals > GMX_USD_DECIMALS)
    throw new RangeError(`token decimals must be an integer in [0, ${GMX_USD_DECIMALS}], got ${tokenDecimals}`);
}

/** USD per whole index token → GMX's per-unit price: price × 10^(30 − tokenDecimals), exact. */
export function priceToGmx(price: string, tokenDecimals: number): bigint {
  assertTokenDecimals(tokenDecimals);
  return parseExactUnits(price, GMX_USD_DECIMALS - tokenDecimals, 'price');
}

/** GMX per-unit price → USD per whole token as a decimal string (exact, no trailing zeros). */
export function priceFromGmx(value: bigint, tokenDecimals: number): string {
  assertTokenDecimals(tokenDecimals);
  if (value < 0n) throw new RangeError('price must not be negative');
  const places = GMX_USD_DECIMALS - tokenDecimals;
  const digits = value.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The acceptable price of a market order, in GMX price units, from the mark in the same units.
 *
 * The order buys the index token (increase long, decrease short): the bound is a maximum, mark × (1 + slippage),
 * rounded down. It sells (increase short, decrease long): the bound is a minimum, mark × (1 − slippage), rounded up.
 * Either way the rounding keeps the bound within the slippage asked. `slippageBps` is a whole number of basis points
 * below 10000.
 */
export function acceptablePrice(markPrice: bigint, side: PositionSide, slippageBps: number | bigint, isIncrease: boolean): bigint {
  if (markPrice <= 0n) throw new RangeError('mark price must be positive');
  if (typeof slippageBps === 'number' && !Number.isSafeInteger(slippageBps))
    throw new RangeError(`slippage must be a whole number of basis points, got ${slippageBps}`);
  const bps = BigInt(slippageBps);
  if (bps < 0n || bps >= BPS) throw new RangeError(`slippage must be in [0, 10000) bps, got ${bps}`);
  if (side !== 'LONG' && side !== 'SHORT') throw new RangeError(`unknown side ${String(side)}`);
  const buys = (side === 'LONG') === isIncrease;
  return buys ? (markPrice * (BPS + bps)) / BPS : ceilDiv(markPrice * (BPS - bps), BPS);
}

/** Fields shared by increase and decrease orders; amounts are integers in GMX units (see above). */
export interface GmxOrderCommon {
  /** The OrderVault that sendWnt / sendTokens fund. */
  orderVault: string;
  /** Receives the order's output tokens; the position belongs to the transaction's sender (msg.sender). */
  receiver: string;
  /** GMX market token address (e.g. the ETH/USD [WETH-USDC] market). */
  market: string;
  /** The position's collateral token. */
  collateralToken: string;
  /** 30-decimal USD (usdToGmx30). */
  sizeDeltaUsd: bigint;
  /** GMX price units (priceToGmx, acceptablePrice). */
  acceptablePrice: bigint;
  /** Native-token wei sent with sendWnt; the transaction's value. */
  executionFee: bigint;
  isLong: boolean;
  /** Defaults to the zero address (the receiver then gets cancellation refunds). */
  cancellationReceiver?: string;
  callbackContract?: string;
  callbackGasLimit?: bigint;
  uiFeeReceiver?: string;
  swapPath?: string[];
  referralCode?: string;
  shouldUnwrapNativeToken?: boolean;
}

export interface GmxIncreaseOrder extends GmxOrderCommon {
  /** Collateral sent with sendTokens, in the collateral token's smallest units; must be positive. */
  collateralAmount: bigint;
}

export interface GmxDecreaseOrder extends GmxOrderCommon {
  /** Collateral to withdraw, in the collateral token's smallest units; 0 unless given. */
  collateralDeltaAmount?: bigint;
  /** Minimum output of the decrease (and its swap); 0 unless given. */
  minOutputAmount?: bigint;
  decreasePositionSwapType?: GmxDecreasePositionSwapType;
}

/** An ExchangeRouter call: `data` goes to the router with `value` wei attached (the execution fee). */
export interface GmxRouterCall {
  data: string;
  value: bigint;
}

function uint(value: bigint, what: string, positive = false): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > UINT256_MAX) throw new RangeError(`${what} must be a uint256 bigint`);
  if (positive && value === 0n) throw new RangeError(`${what} must be positive`);
  return value;
}

function bytes32(value: string | undefined): string {
  const v = value ?? ZeroHash;
  if (!isHexString(v, 32)) throw new RangeError(`referral code must be 32 bytes of hex, got ${v}`);
  return v;
}

/** CreateOrderParams of an order, checked (shared by the ExchangeRouter and SubaccountRouter encoders). */
export function createOrderParams(
  o: GmxOrderCommon,
  orderType: GmxOrderType,
  numbers: { initialCollateralDeltaAmount: bigint; minOutputAmount: bigint },
  decreasePositionSwapType: GmxDecreasePositionSwapType,
) {
  return {
    addresses: {
      receiver: getAddress(o.receiver),
      cancellationReceiver: getAddress(o.cancellationReceiver ?? ZeroAddress),
      callbackContract: getAddress(o.callbackContract ?? ZeroAddress),
      uiFeeReceiver: getAddress(o.uiFeeReceiver ?? ZeroAddress),
      market: getAddress(o.market),
      initialCollateralToken: getAddress(o.collateralToken),
      swapPath: (o.swapPath ?? []).map((a) => getAddress(a)),
    },
    numbers: {
      sizeDeltaUsd: uint(o.sizeDeltaUsd, 'sizeDeltaUsd'),
      initialCollateralDeltaAmount: uint(numbers.initialCollateralDeltaAmount, 'collateral amount'),
      triggerPrice: 0n,
      acceptablePrice: uint(o.acceptablePrice, 'acceptablePrice'),
      executionFee: uint(o.executionFee, 'executionFee', true),
      callbackGasLimit: uint(o.callbackGasLimit ?? 0n, 'callbackGasLimit'),
      minOutputAmount: uint(numbers.minOutputAmount, 'minOutputAmount'),
      validFromTime: 0n,
    },
    orderType,
    decreasePositionSwapType,
    isLong: o.isLong,
    shouldUnwrapNativeToken: o.shouldUnwrapNativeToken ?? false,
    autoCancel: false,
    referralCode: bytes32(o.referralCode),
    dataList: [] as string[],
  };
}

function multicall(calls: string[], value: bigint): GmxRouterCall {
  return { data: gmxExchangeRouterInterface.encodeFunctionData('multicall', [calls]), value };
}

/** MarketIncrease: multicall(sendWnt(vault, fee), sendTokens(collateral, vault, amount), createOrder(params)). */
export function encodeIncreaseOrder(o: GmxIncreaseOrder): GmxRouterCall {
  const vault = getAddress(o.orderVault);
  const amount = uint(o.collateralAmount, 'collateralAmount', true);
  if (o.sizeDeltaUsd === 0n) throw new RangeError('sizeDeltaUsd must be positive for an increase');
  const params = createOrderParams(
    o,
    GmxOrderType.MarketIncrease,
    { initialCollateralDeltaAmount: amount, minOutputAmount: 0n },
    GmxDecreasePositionSwapType.NoSwap,
  );
  return multicall(
    [
      gmxExchangeRouterInterface.encodeFunctionData('sendWnt', [vault, o.executionFee]),
      gmxExchangeRouterInterface.encodeFunctionData('sendTokens', [getAddress(o.collateralToken), vault, amount]),
      gmxExchangeRouterInterface.encodeFunctionData('createOrder', [params]),
    ],
    o.executionFee,
  );
}

/** MarketDecrease: multicall(sendWnt(vault, fee), createOrder(params)); nothing else is sent. */
export function encodeDecreaseOrder(o: GmxDecreaseOrder): GmxRouterCall {
  const vault = getAddress(o.orderVault);
  const params = createOrderParams(
    o,
    GmxOrderType.MarketDecrease,
    { initialCollateralDeltaAmount: o.collateralDeltaAmount ?? 0n, minOutputAmount: o.minOutputAmount ?? 0n },
    o.decreasePositionSwapType ?? GmxDecreasePositionSwapType.NoSwap,
  );
  return multicall(
    [
      gmxExchangeRouterInterface.encodeFunctionData('sendWnt', [vault, o.executionFee]),
      gmxExchangeRouterInterface.encodeFunctionData('createOrder', [params]),
    ],
    o.executionFee,
  );
}
