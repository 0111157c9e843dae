/**
 * One Hyperliquid fill (info API `userFills` / `userFillsByTime`) → one wallet event (seed 003's `events` row).
 *
 * The event type comes from the position before and after the fill, never from `dir`: the venue writes
 * "Open Long" for a buy that grows an existing long too. Signed size: `B` (buy) = +sz, `A` (sell) = −sz;
 * `after = startPosition + signed`. From 0 → open; same sign, larger → add; same sign, smaller but not 0 → reduce;
 * exactly 0 → close; sign crossing → flip; a `liquidation` object naming this wallet (or any, without `wallet`) →
 * liquidation.
 *
 * Identity: seed 003 keys `events` on a unique `tx_hash`, but one Hyperliquid transaction (`hash`) can carry
 * several fills (one order sweeping several levels, or a liquidation filled in parts), each with its own trade id
 * `tid`. So an event's identity is `${hash}:${tid}` (about 82 characters: seed 003's VARCHAR(66) `tx_hash` must
 * widen, or keep the hash and add a unique (tx_hash, tid)). Perp fills only: spot fills (`@107`, `PURR/USDC`) move
 * balances, not positions.
 */
import Decimal from 'decimal.js';
import { dec, Dec } from '../money';
import type { Side } from '../trading';

export interface HyperliquidFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  feeToken?: string;
  liquidation?: { liquidatedUser: string; markPx: string; method: string };
}

export const WALLET_EVENT_TYPES = ['open', 'add', 'reduce', 'close', 'flip', 'liquidation'] as const;
export type WalletEventType = (typeof WALLET_EVENT_TYPES)[number];

export interface FillEvent {
  eventType: WalletEventType;
  asset: string;
  /** The exposure the event concerns: the position after it for open/add/flip, the one before it otherwise. */
  side: Side;
  /** Signed base size change (B = +sz, A = −sz). */
  amount: string;
  /** |sz × px| in USD, 2 places. */
  notionalUsd: string;
  /** notional / equity, 4 places, capped at 9.9999 (DECIMAL(5,4)); null without a positive equity. */
  sizeFraction: string | null;
  positionBefore: string;
  positionAfter: string;
  /** closedPnl − fee (USD, as the venue reports them). */
  realizedPnl: string;
  /** `${hash}:${tid}` — see the header. */
  identity: string;
  time: Date;
}

export interface FillContext {
  /** The wallet's equity (USD) when it traded; without it sizeFraction is null. */
  equityUsd?: string | Decimal | null;
  /** The wallet's address: a liquidation fill naming another user is this wallet liquidating, not liquidated. */
  wallet?: string;
}

/** DECIMAL(5,4)'s largest value. */
export const SIZE_FRACTION_CAP = new Dec('9.9999');

const signOf = (x: Decimal): -1 | 0 | 1 => (x.isZero() ? 0 : x.isPositive() ? 1 : -1);
const sideOf = (sign: number): Side => (sign > 0 ? 'LONG' : 'SHORT');

/** The event type of a position going from `before` to `after` (both signed; not equal). */
export function positionEventType(before: Decimal, after: Decimal): Exclude<WalletEventType, 'liquidation'> {
  const b = signOf(before);
  const a = signOf(after);
  if (b === 0) return 'open';
  if (a === 0) return 'close';
  if (a !== b) return 'flip';
  return after.abs().gt(before.abs()) ? 'add' : 'reduce';
}

function isLiquidationOf(fill: HyperliquidFill, wallet: string | undefined): boolean {
  if (!fill.liquidation) return false;
  return wallet === undefined || fill.liquidation.liquidatedUser.toLowerCase() === wallet.toLowerCase();
}

export function classifyFill(fill: HyperliquidFill, ctx: FillContext = {}): FillEvent {
  const sz = dec(fill.sz);
  if (!sz.gt(0)) throw new RangeError(`fill ${fill.hash}:${fill.tid}: size must be positive, got ${fill.sz}`);
  const signed = fill.side === 'B' ? sz : sz.neg();
  const before = dec(fill.startPosition);
  const after = before.plus(signed);
  const change = positionEventType(before, after);
  const eventType: WalletEventType = isLiquidationOf(fill, ctx.wallet) ? 'liquidation' : change;
  const exposureSign = change === 'open' || change === 'add' || change === 'flip' ? signOf(after) : signOf(before);
  const notional = sz.times(dec(fill.px)).abs().toDecimalPlaces(2);
  const equity = ctx.equityUsd === undefined || ctx.equityUsd === null ? null : dec(ctx.equityUsd);
  const sizeFraction =
    equity && equity.gt(0) ? Decimal.min(notional.div(equity).toDecimalPlaces(4, Decimal.ROUND_HALF_UP), SIZE_FRACTION_CAP) : null;
  return {
    eventType,
    asset: fill.coin,
    side: sideOf(exposureSign),
    amount: signed.toFixed(),
    notionalUsd: notional.toFixed(2),
    sizeFraction: sizeFraction ? sizeFraction.toFixed(4) : null,
    positionBefore: before.toFixed(),
    positionAfter: after.toFixed(),
    realizedPnl: dec(fill.closedPnl).minus(dec(fill.fee)).toFixed(),
    identity: `${fill.hash}:${fill.tid}`,
    time: new Date(fill.time),
  };
}
