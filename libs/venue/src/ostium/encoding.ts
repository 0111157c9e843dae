import Decimal from 'decimal.js';
import { getAddress, ZeroAddress } from 'ethers';
import { dec, Dec } from '@conduit/domain';
import { erc20Interface, OstiumOrderType, storageInterface, tradingInterface } from './abi';
import { MAX_SLIPPAGE_P } from './constants';

/**
 * Ostium's fixed-point encodings, as the Python SDK computes them (ostium.json `open_trade`, `close_trade`):
 *
 * - prices (openPrice, tp, sl, marketPrice): PRECISION_18 as round_half_even(price × 1e5) × 1e13, i.e. five decimals;
 * - collateral: USDC PRECISION_6 from a value rounded half-even to five decimals (SDK precision=5, scale=6);
 * - leverage: PRECISION_2, int(leverage × 100) (truncated, as the SDK's int());
 * - slippageP: PRECISION_2 percent, so one basis point is one unit (the SDK's int(percent × 100), truncated);
 * - closePercentage: PRECISION_2 percent, 10000 = 100 %;
 * - builder fee: PRECISION_6 percent from a value rounded to four decimals (0.1 % → 100000).
 */

/** A decimal number as Conduit passes them (decimal strings, Decimals; numbers only for small literals). */
export type DecimalInput = string | number | Decimal;

const E13 = 10n ** 13n;
const E18 = new Dec(10).pow(18);
const E6 = new Dec(10).pow(6);

export const CLOSE_ALL_PERCENTAGE = 10000;

function nonNegative(value: DecimalInput, what: string): Decimal {
  const d = dec(value);
  if (!d.isFinite() || d.isNeg()) throw new RangeError(`${what} must be a non-negative number, got ${String(value)}`);
  return d;
}

/** Price → PRECISION_18 integer: round_half_even(price × 1e5) × 1e13. Zero stays zero (no TP/SL). */
export function toPrice18(price: DecimalInput): bigint {
  const scaled = nonNegative(price, 'price').mul(1e5).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
  return BigInt(scaled.toFixed(0)) * E13;
}

/** PRECISION_18 integer → price (exact). */
export function fromPrice18(value: bigint | string): Decimal {
  return dec(value.toString()).div(E18);
}

/** Collateral in USDC → PRECISION_6, rounded half-even to five decimals first as the SDK does. */
export function toCollateral6(usdc: DecimalInput): bigint {
  const scaled = nonNegative(usdc, 'collateral').mul(1e5).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
  return BigInt(scaled.toFixed(0)) * 10n;
}

/** An exact USDC amount (allowances, balances) → 6-decimal integer, rounded half-even to 6 places. */
export function toUsdc6(usdc: DecimalInput): bigint {
  return BigInt(nonNegative(usdc, 'USDC amount').mul(E6).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0));
}

/** 6-decimal USDC integer → USDC (exact). */
export function fromUsdc6(value: bigint | string): Decimal {
  return dec(value.toString()).div(E6);
}

/** PRECISION_6 percent (an event's percentProfit) → percent (exact). */
export function fromPercent6(value: bigint | string): Decimal {
  return dec(value.toString()).div(E6);
}

/** Leverage → PRECISION_2 (10× → 1000), truncated like the SDK's int(float(lev) × 100). */
export function toLeverage2(leverage: DecimalInput): number {
  const l = nonNegative(leverage, 'leverage').mul(100).toDecimalPlaces(0, Decimal.ROUND_DOWN);
  if (l.lte(0) || l.gt(0xffffffff)) throw new RangeError(`leverage out of range: ${String(leverage)}`);
  return l.toNumber();
}

export function fromLeverage2(value: number | bigint): Decimal {
  return dec(value.toString()).div(100);
}

/** Slippage in basis points → slippageP (hundredths of a percent: 1 bp = 1 unit), truncated. */
export function bpsToSlippageP(bps: DecimalInput): number {
  return nonNegative(bps, 'slippage').toDecimalPlaces(0, Decimal.ROUND_DOWN).toNumber();
}

/** Slippage in percent → slippageP, as the SDK's int(slippage_percentage × 100). */
export function percentToSlippageP(percent: DecimalInput): number {
  return nonNegative(percent, 'slippage').mul(100).toDecimalPlaces(0, Decimal.ROUND_DOWN).toNumber();
}

/** Throws unless 0 < slippageP < MAX_SLIPPAGE_P (the contract reverts WrongParams otherwise). */
export function assertSlippageP(slippageP: number): void {
  if (!Number.isInteger(slippageP) || slippageP <= 0 || slippageP >= MAX_SLIPPAGE_P)
    throw new RangeError(`slippage must be at least 1 bp and below 100 % (slippageP ${slippageP})`);
}

/** Percent → PRECISION_2 percent (100 % → 10000), for closePercentage. */
export function toPercent2(percent: DecimalInput): number {
  const p = nonNegative(percent, 'percentage').mul(100).toDecimalPlaces(0, Decimal.ROUND_DOWN).toNumber();
  if (p > CLOSE_ALL_PERCENTAGE) throw new RangeError(`percentage above 100: ${String(percent)}`);
  return p;
}

/** Builder fee in percent → PRECISION_6 percent (0.1 → 100000); the SDK refuses more than 0.5 %. */
export function toBuilderFee(percent: DecimalInput): number {
  const p = nonNegative(percent, 'builder fee');
  if (p.gt('0.5')) throw new RangeError(`builder fee above 0.5 %: ${String(percent)}`);
  return p.mul(1e4).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).mul(100).toNumber();
}

/** IOstiumTradingStorage.Trade as integers. */
export interface RawTrade {
  collateral: bigint;
  openPrice: bigint;
  tp: bigint;
  sl: bigint;
  trader: string;
  leverage: number;
  pairIndex: number;
  index: number;
  buy: boolean;
}

export interface RawBuilderFee {
  builder: string;
  builderFee: number;
}

export const NO_BUILDER: RawBuilderFee = { builder: ZeroAddress, builderFee: 0 };

/** An open in human units (USDC, prices, leverage ×, basis points). */
export interface OpenTradeParams {
  collateral: DecimalInput;
  openPrice: DecimalInput;
  tp?: DecimalInput | null;
  sl?: DecimalInput | null;
  trader: string;
  leverage: DecimalInput;
  pairIndex: number;
  buy: boolean;
  orderType?: OstiumOrderType;
  slippageBps: DecimalInput;
  /** Builder fee in percent; none (zero address, 0) unless given. */
  builder?: { address: string; feePercent: DecimalInput } | null;
}

/** The Trade struct of an open: index is always 0 (the contract picks the slot). */
export function openTradeStruct(p: OpenTradeParams): RawTrade {
  const openPrice = toPrice18(p.openPrice);
  if (openPrice === 0n) throw new RangeError('openPrice must be positive');
  return {
    collateral: toCollateral6(p.collateral),
    openPrice,
    tp: p.tp == null ? 0n : toPrice18(p.tp),
    sl: p.sl == null ? 0n : toPrice18(p.sl),
    trader: getAddress(p.trader),
    leverage: toLeverage2(p.leverage),
    pairIndex: p.pairIndex,
    index: 0,
    buy: p.buy,
  };
}

export function encodeOpenTradeRaw(trade: RawTrade, builder: RawBuilderFee, orderType: OstiumOrderType, slippageP: number): string {
  return tradingInterface.encodeFunctionData('openTrade', [trade, builder, orderType, slippageP]);
}

/** openTrade calldata (SDK ABI, selector 0x742088c0). */
export function encodeOpenTrade(p: OpenTradeParams): string {
  const builder = p.builder ? { builder: getAddress(p.builder.address), builderFee: toBuilderFee(p.builder.feePercent) } : NO_BUILDER;
  return encodeOpenTradeRaw(openTradeStruct(p), builder, p.orderType ?? OstiumOrderType.MARKET, bpsToSlippageP(p.slippageBps));
}

export interface CloseTradeParams {
  pairIndex: number;
  /** The trade's slot. */
  index: number;
  /** PRECISION_2 percent; all of it (10000) unless given. */
  closePercentage?: number;
  /** Price the slippage bound is measured from. */
  marketPrice: DecimalInput;
  slippageBps: DecimalInput;
}

/** closeTradeMarket calldata (SDK ABI, selector 0xefc10755). */
export function encodeCloseTradeMarket(p: CloseTradeParams): string {
  return tradingInterface.encodeFunctionData('closeTradeMarket', [
    p.pairIndex,
    p.index,
    p.closePercentage ?? CLOSE_ALL_PERCENTAGE,
    toPrice18(p.marketPrice),
    bpsToSlippageP(p.slippageBps),
  ]);
}

/** delegatedAction(trader, call): the delegate's transaction that runs `call` as the trader. */
export function encodeDelegatedAction(trader: string, call: string): string {
  return tradingInterface.encodeFunctionData('delegatedAction', [getAddress(trader), call]);
}

export function encodeSetDelegate(delegate: string): string {
  return tradingInterface.encodeFunctionData('setDelegate', [getAddress(delegate)]);
}

export function encodeApprove(spender: string, amount6: bigint): string {
  return erc20Interface.encodeFunctionData('approve', [getAddress(spender), amount6]);
}

export function encodeOpenTrades(trader: string, pairIndex: number, index: number): string {
  return storageInterface.encodeFunctionData('openTrades', [getAddress(trader), pairIndex, index]);
}
