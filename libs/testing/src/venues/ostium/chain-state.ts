import Decimal from 'decimal.js';
import { getAddress, Interface, Result } from 'ethers';
import { errorString, lc, MAX_UINT256, RawLog, Revert } from '../evm/evm-types';

export { abi, errorString, lc, MAX_UINT256, Revert, RpcError } from '../evm/evm-types';
export type { Block, MinedTx, RawLog, StoredLog } from '../evm/evm-types';
import { dec } from '@conduit/domain';
import { erc20Interface, PairFundingParams, RawTrade, tradingInterface } from '@conduit/venue';

/** The local Ostium chain's options, state and the primitives every contract of it uses. */

export interface OstiumChainOptions {
  /** Default 421614 (Arbitrum Sepolia), whose contract addresses are the defaults. */
  chainId?: number;
  tradingAddress?: string;
  storageAddress?: string;
  usdcAddress?: string;
  /** Address of the callbacks contract (emits the execution events); an invented local address by default. */
  callbacksAddress?: string;
  registryAddress?: string;
  /** Fill pending market orders this long after they are initiated (off by default: call fulfillPending()). */
  autoFulfillMs?: number;
  maxTradesPerPair?: number;
  maxPendingMarketOrders?: number;
  /** Leverage limits by pairIndex; default: every pair of OSTIUM_PAIRS listed with 1× to its maxLeverage. */
  pairs?: { id: number; minLeverage?: number; maxLeverage: number }[];
  /** Minimum position (collateral × leverage) in USDC; default 5 (MIN_OPEN_SIZE_USD). */
  minLevPosUsd?: string;
  /** Maximum collateral per trade in USDC; default 1,000,000. */
  maxAllowedCollateral?: string;
  /** Opening fee (taker rate) in basis points of the position size; default 0. */
  openingFeeBps?: string;
  /**
   * Maker rate in basis points, paid by the part of an open that reduces the pair's open-interest imbalance when its
   * leverage is at most makerMaxLeverage (pairOpeningFees); default: the taker rate, up to 0× (never a maker).
   */
  makerFeeBps?: string;
  makerMaxLeverage?: number;
  /** Share of the opening fee that goes to the vault (VaultOpeningFeeCharged), whole percent; default 0. */
  vaultFeePercent?: string;
  /** Rollover fee per block, as a fraction of collateral × leverage (pairRolloverFees, PRECISION_18); default 0. */
  rolloverFeePerBlock?: string;
  /** Funding parameters of every pair (pairFundingFees); none by default: no funding accrues. */
  funding?: { [K in keyof PairFundingParams]: string };
  /** Open-interest cap of every pair in USDC (openInterest[pair][2]), the funding imbalance's scale; default 1,000,000. */
  oiCapUsd?: string;
  /** OstiumPairInfos.liqMarginThresholdP, percent; default 25. */
  liqMarginThresholdP?: string;
  /** Fee kept from the collateral of a canceled open, in USDC; default 0. */
  oracleFee?: string;
  /** Blocks before a pending market order may be timed out by its trader; default 0. */
  marketOrdersTimeoutBlocks?: number;
  /** Base fee in wei; default 0.01 gwei (Arbitrum-like). */
  baseFeePerGas?: bigint;
}

/** One decoded call to a contract of the chain, in the order they happened. */
export interface ChainCall {
  /** How the call reached the chain. */
  via: 'tx' | 'call' | 'estimateGas' | 'keeper';
  txHash: string | null;
  from: string;
  to: string;
  contract: 'USDC' | 'Trading' | 'TradingStorage' | 'Registry' | 'Callbacks';
  fn: string;
  args: Record<string, unknown>;
  /** Set on the inner call of delegatedAction: the delegate that sent it (`from` is the trader it runs as). */
  delegatedBy?: string;
  /** The revert, when the call reverted (decoded name or message). */
  reverted?: string;
}

export interface ChainTrade {
  trader: string;
  pairIndex: number;
  index: number;
  buy: boolean;
  /** USDC. */
  collateral: string;
  openPrice: string;
  tp: string;
  sl: string;
  /** Leverage ×. */
  leverage: string;
  tradeId: string;
}

export interface ChainPendingOrder {
  orderId: string;
  open: boolean;
  trader: string;
  pairIndex: number;
  index: number;
  txHash: string;
}

export interface ChainAddresses {
  trading: string;
  storage: string;
  usdc: string;
  callbacks: string;
  registry: string;
  vault: string;
}

/** Invented local addresses of the contracts ostium.json does not name. */
export const LOCAL = {
  callbacks: getAddress('0x00000000000000000000000000000000ca11bac5'),
  registry: getAddress('0x0000000000000000000000000000000000be9157'),
  vault: getAddress('0x000000000000000000000000000000000000da17'),
};

export interface StoredTrade extends RawTrade {
  tradeId: bigint;
  initialLeverage: number;
  beingMarketClosed: boolean;
  /** The pair's rollover and funding (this side's) accumulators when the trade opened (tradeInitialAccFees). */
  initialRollover: string;
  initialFunding: string;
}

/** A pair's funding accumulators (pairFundingFees), decimal strings. */
export interface PairFunding {
  accPerOiLong: string;
  accPerOiShort: string;
  lastFundingRate: string;
  lastUpdateBlock: number;
}

export interface PendingOrder extends Omit<RawTrade, 'openPrice'> {
  orderId: bigint;
  open: boolean;
  block: number;
  wantedPrice: bigint;
  slippageP: number;
  percentage: number;
  tradeId: bigint;
  txHash: string;
}

/** Everything a transaction may change (copied per transaction, snapshotted per block). */
export interface State {
  eth: Map<string, bigint>;
  nonces: Map<string, number>;
  usdc: Map<string, bigint>;
  allowances: Map<string, bigint>;
  delegations: Map<string, string>;
  trades: Map<string, StoredTrade>;
  pending: Map<string, PendingOrder>;
  funding: Map<number, PairFunding>;
  nextOrderId: bigint;
  devFees: bigint;
}

export function emptyState(): State {
  return {
    eth: new Map(),
    nonces: new Map(),
    usdc: new Map(),
    allowances: new Map(),
    delegations: new Map(),
    trades: new Map(),
    pending: new Map(),
    funding: new Map(),
    nextOrderId: 1000n,
    devFees: 0n,
  };
}

/** One execution: a copy of the state it changes, the logs it emits and where it came from. */
export interface Ctx {
  s: State;
  logs: RawLog[];
  via: ChainCall['via'];
  txHash: string | null;
  /** Number of the block the call executes in. */
  block: number;
  /** Orders initiated by this execution (for the auto keeper). */
  initiated: bigint[];
}

export function customError(name: string, args: unknown[] = []): Revert {
  const data = tradingInterface.encodeErrorResult(name, args);
  return new Revert(data, `${name}(${args.map(String).join(', ')})`);
}

/** Decoded ABI values as plain objects (for ChainCall.args). */
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

export function emit(ctx: Ctx, address: string, iface: Interface, event: string, args: unknown[]): void {
  const { topics, data } = iface.encodeEventLog(event, args);
  ctx.logs.push({ address: getAddress(address), topics, data });
}

/** USDC's transfer, with its event (the token at `usdc`). */
export function transferUsdc(ctx: Ctx, usdc: string, from: string, to: string, amount: bigint): void {
  const s = ctx.s;
  const balance = s.usdc.get(lc(from)) ?? 0n;
  if (balance < amount) throw errorString('ERC20: transfer amount exceeds balance');
  s.usdc.set(lc(from), balance - amount);
  s.usdc.set(lc(to), (s.usdc.get(lc(to)) ?? 0n) + amount);
  emit(ctx, usdc, erc20Interface, 'Transfer', [from, to, amount]);
}

/** USDC's transferFrom by `spender`, spending its allowance (an unlimited one stays unlimited). */
export function transferUsdcFrom(ctx: Ctx, usdc: string, spender: string, from: string, to: string, amount: bigint): void {
  const key = `${lc(from)}|${lc(spender)}`;
  const allowance = ctx.s.allowances.get(key) ?? 0n;
  if (allowance < amount) throw errorString('ERC20: transfer amount exceeds allowance');
  transferUsdc(ctx, usdc, from, to, amount);
  if (allowance !== MAX_UINT256) ctx.s.allowances.set(key, allowance - amount);
}

/** A decimal with at most `decimals` places as the contracts' integer (exact: anything finer is an error). */
export function toUnits(value: Decimal | string, decimals: number): bigint {
  const scaled = dec(value).mul(dec(10).pow(decimals));
  if (!scaled.isInteger()) throw new Error(`${String(value)} has more than ${decimals} decimals`);
  return BigInt(scaled.toFixed(0));
}

export function fromUnits(value: bigint, decimals: number): Decimal {
  return dec(value.toString()).div(dec(10).pow(decimals));
}

export const tradeKey = (trader: string, pairIndex: number, index: number) => `${lc(trader)}|${pairIndex}|${index}`;

export function openTradesCount(s: State, trader: string, pairIndex: number): number {
  let n = 0;
  for (const t of s.trades.values()) if (lc(t.trader) === lc(trader) && t.pairIndex === pairIndex) n++;
  return n;
}

export function pendingOf(s: State, trader: string): PendingOrder[] {
  return [...s.pending.values()].filter((o) => lc(o.trader) === lc(trader));
}
