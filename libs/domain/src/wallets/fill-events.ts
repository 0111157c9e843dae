/**
 * One Hyperliquid fill (info API `userFills` / `userFillsByTime`, as the wallet reader parses it) → one wallet event
 * (seed 003's `events` row).
 *
 * The event type comes from the position before and after the fill, never from `dir`: the venue writes
 * "Open Long" for a buy that grows an existing long too. Signed size: BUY (wire `B`) = +sz, SELL (`A`) = −sz;
 * `after = startPosition + signed`. From 0 → open; same sign, larger → add; same sign, smaller but not 0 → reduce;
 * exactly 0 → close; sign crossing → flip; a `liquidation` object naming this wallet (or any, without `wallet`) →
 * liquidation.
 *
 * Identity: seed 003 keys `events` on a unique `tx_hash`, but one Hyperliquid transaction (`hash`) can carry
 * several fills (one order sweeping several levels, or a liquidation filled in parts), each with its own trade id
 * `tid`. So an event's identity is `${hash}:${tid}`, stored as (tx_hash, fill_id) under `uq_events_identity`. Old
 * recordings have no tid: their fill id is derived from the reader's composite key (see `fillIdOf`). Perp fills
 * only (`isPerpFill`): spot fills (`@107`, `PURR/USDC`) move balances, not positions.
 */
import { createHash } from 'crypto';
import Decimal from 'decimal.js';
import { dec, Dec } from '../money';
import type { Side } from '../trading';

/**
 * One fill as @conduit/venue's wallet reader parses it (its `WalletFill` satisfies this structurally; the domain does
 * not import the venue library, which depends on it). Decimals are the venue's strings.
 */
export interface WalletFillInput {
  coin: string;
  side: 'BUY' | 'SELL';
  px: string;
  sz: string;
  time: number;
  /** Signed position before the fill. */
  startPosition: string;
  closedPnl: string;
  fee: string;
  hash: string;
  /** Trade id; null in old recordings. */
  tid: string | null;
  /** Set on fills the liquidation engine made; liquidatedUser lower case, null when the venue did not say. */
  liquidation: { liquidatedUser: string | null; markPx: string; method: string } | null;
  /** `hash:tid` (or the reader's composite key without a tid): the same fill read twice has the same key. */
  key: string;
}

export const WALLET_EVENT_TYPES = ['open', 'add', 'reduce', 'close', 'flip', 'liquidation'] as const;
export type WalletEventType = (typeof WALLET_EVENT_TYPES)[number];

export interface FillEvent {
  eventType: WalletEventType;
  asset: string;
  /** The exposure the event concerns: the position after it for open/add/flip, the one before it otherwise. */
  side: Side;
  /** Signed base size change (BUY = +sz, SELL = −sz). */
  amount: string;
  /** |sz × px| in USD, 2 places. */
  notionalUsd: string;
  /** notional / equity, 4 places, capped at 9.9999 (DECIMAL(5,4)); null without a positive equity. */
  sizeFraction: string | null;
  positionBefore: string;
  positionAfter: string;
  /** closedPnl − fee (USD, as the venue reports them). */
  realizedPnl: string;
  /** `${hash}:${tid}` (the fill's key) — see the header. */
  identity: string;
  /** The transaction hash (`events.tx_hash`). */
  txHash: string;
  /** The trade id, or without one a digest of the key (`events.fill_id`, at most 40 characters). */
  fillId: string;
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

/** A perp fill (spot coins are `@<index>` or `BASE/QUOTE`; HIP-3 perps `dex:COIN` are perps). */
export function isPerpFill(fill: Pick<WalletFillInput, 'coin'>): boolean {
  return !fill.coin.startsWith('@') && !fill.coin.includes('/');
}

/** `events.fill_id`: the trade id, or `k` + 39 hex of sha256(key) for a fill recorded without one. */
export function fillIdOf(fill: Pick<WalletFillInput, 'tid' | 'key'>): string {
  if (fill.tid !== null && fill.tid.length <= 40) return fill.tid;
  return 'k' + createHash('sha256').update(fill.key).digest('hex').slice(0, 39);
}

/** A liquidation of this wallet: the fill names it, or names nobody, or no wallet was given. */
function isLiquidationOf(fill: WalletFillInput, wallet: string | undefined): boolean {
  if (!fill.liquidation) return false;
  const user = fill.liquidation.liquidatedUser;
  return wallet === undefined || user === null || user.toLowerCase() === wallet.toLowerCase();
}

export function classifyFill(fill: WalletFillInput, ctx: FillContext = {}): FillEvent {
  const sz = dec(fill.sz);
  if (!sz.gt(0)) throw new RangeError(`fill ${fill.key}: size must be positive, got ${fill.sz}`);
  const signed = fill.side === 'BUY' ? sz : sz.neg();
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
    identity: fill.key,
    txHash: fill.hash,
    fillId: fillIdOf(fill),
    time: new Date(fill.time),
  };
}
