/**
 * From what the database holds about a wallet to the inputs of `credibility()` and `archetype()`, and to one
 * `wallet_scores` row (docs/WALLETS.md, "Scoring inputs"). Pure: the poller loads the rows, this assembles them.
 *
 * Per window W (1h, 4h, 24h) ending at `now`, start s = now − W:
 * - E₀: the equity of the wallet's last earlier score at or before s, measured at its time t₀; without one, the first
 *   score inside the window (t₀ its time); without any, the current equity less the window's transfers (t₀ = s), so a
 *   wallet scored for the first time shows no growth and a deposit it just made is not growth.
 * - T: net transfers (deposits − withdrawals) with t₀ < time ≤ now. E₁ = the current equity.
 * - realized PnL, trades and wins: events with s < time ≤ now; a trade is an event that realizes PnL (reduce, close,
 *   flip, liquidation), a win one whose realized PnL (net of its fee) is positive.
 * - the transfer-adjusted equity curve: each score with t₀ ≤ time < now, then (now, E₁), each point's equity less the
 *   transfers after t₀ up to it. Max drawdown: the largest fall from a running peak, as a fraction of the peak.
 *   Sub-period returns: W in 4 equal sub-periods; each one's return from the curve's last point at or before its
 *   start to its last point at or before its end, counted only when a newer point lies inside it.
 * - open notional: Σ |positionValue| (|szi| × entryPx when the venue gave none); liquidation distance: the nearest
 *   |mark − liquidationPx| / mark over positions with a liquidation price (mark = positionValue / |szi|).
 *
 * The row: equity_usd = E₁ (2 places); trading_volume_24h = Σ notional of the events in the last 24 hours; win_rate =
 * wins / trades over all events given (the poller gives the last 30 days), 2 places, null without trades; archetype
 * from `closedPositions(events)` with each position's leverage its largest notional / E₁.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';
import { archetype, Archetype, HeldPosition } from './archetype';
import { credibility, CREDIBILITY_WINDOWS, CredibilityInput, CredibilityWindow } from './credibility';
import type { WalletEventType } from './fill-events';

export const WINDOW_MS: Record<CredibilityWindow, number> = { '1h': 3_600_000, '4h': 4 * 3_600_000, '24h': 24 * 3_600_000 };
export const SUB_PERIODS = 4;

/** An earlier `wallet_scores` row: when, and the equity then. */
export interface ScorePoint {
  at: number;
  equityUsd: DecimalLike;
}

/** A `wallet_transfers` row: net USDC into (+) or out of (−) the account; null (unknown token) counts 0. */
export interface TransferPoint {
  at: number;
  netUsdc: DecimalLike | null;
}

/** An `events` row as scoring reads it. */
export interface ScoredEvent {
  at: number;
  asset: string;
  eventType: WalletEventType;
  /** Signed size change. */
  amount: DecimalLike;
  notionalUsd: DecimalLike;
  positionBefore: DecimalLike;
  positionAfter: DecimalLike;
  realizedPnl: DecimalLike;
}

/** A position of the account state (clearinghouseState). */
export interface StatePosition {
  szi: DecimalLike;
  entryPx: DecimalLike | null;
  positionValue: DecimalLike | null;
  liquidationPx: DecimalLike | null;
}

export interface WalletScoringData {
  /** ms. */
  now: number;
  /** The account's equity now (clearinghouseState accountValue). */
  equityUsd: DecimalLike;
  positions: readonly StatePosition[];
  /** The wallet's earlier scores (before now): the last one at or before now − 24h and every one after it. */
  scores: readonly ScorePoint[];
  /** The wallet's transfers after the oldest score given (or the last 24 hours without scores). */
  transfers: readonly TransferPoint[];
  /** The wallet's events up to now: at least the last 24 hours (the poller gives 30 days). */
  events: readonly ScoredEvent[];
}

export interface WalletScore {
  credibility: Record<CredibilityWindow, string>;
  equityUsd: string;
  tradingVolume24h: string;
  /** 0–1, 2 places; null without trades. */
  winRate: string | null;
  archetype: Archetype;
}

const ZERO = new Dec(0);
const REALIZING: ReadonlySet<WalletEventType> = new Set(['reduce', 'close', 'flip', 'liquidation']);
const sum = (xs: readonly Decimal[]): Decimal => xs.reduce((a, b) => a.plus(b), ZERO);
const netOf = (t: TransferPoint): Decimal => (t.netUsdc === null ? ZERO : dec(t.netUsdc));

/** Trades and wins among events: an event realizing PnL is a trade, a positive realized PnL a win. */
export function tradeCount(events: readonly ScoredEvent[]): { trades: number; wins: number; realizedPnl: Decimal } {
  const trades = events.filter((e) => REALIZING.has(e.eventType));
  return {
    trades: trades.length,
    wins: trades.filter((e) => dec(e.realizedPnl).gt(0)).length,
    realizedPnl: sum(events.map((e) => dec(e.realizedPnl))),
  };
}

/** Max drawdown of an equity curve (oldest first) as a positive fraction of the running peak; 0 when it never falls. */
export function equityDrawdown(curve: readonly Decimal[]): Decimal {
  let peak: Decimal | null = null;
  let worst = ZERO;
  for (const v of curve) {
    if (peak === null || v.gt(peak)) peak = v;
    if (peak.gt(0)) worst = Decimal.max(worst, peak.minus(v).div(peak));
  }
  return worst;
}

/** Open notional and the nearest liquidation distance of the account's positions. */
export function exposure(positions: readonly StatePosition[]): { openNotionalUsd: Decimal; liquidationDistance: Decimal | null } {
  let notional = ZERO;
  let nearest: Decimal | null = null;
  for (const p of positions) {
    const size = dec(p.szi).abs();
    if (size.isZero()) continue;
    const value = p.positionValue !== null ? dec(p.positionValue).abs() : p.entryPx !== null ? size.times(dec(p.entryPx)) : ZERO;
    notional = notional.plus(value);
    if (p.liquidationPx === null || value.isZero()) continue;
    const mark = value.div(size);
    const distance = mark.minus(dec(p.liquidationPx)).abs().div(mark);
    nearest = nearest === null ? distance : Decimal.min(nearest, distance);
  }
  return { openNotionalUsd: notional, liquidationDistance: nearest };
}

/** credibility()'s input for one window (see the header). */
export function credibilityInputs(window: CredibilityWindow, data: WalletScoringData): CredibilityInput {
  const { now } = data;
  const start = now - WINDOW_MS[window];
  const scores = [...data.scores].filter((s) => s.at < now).sort((a, b) => a.at - b.at);
  const before = scores.filter((s) => s.at <= start);
  const anchor = before.length ? before[before.length - 1] : scores.find((s) => s.at > start);
  const t0 = anchor ? anchor.at : start;
  const transfers = data.transfers.filter((t) => t.at > t0 && t.at <= now);
  const netTransfers = sum(transfers.map(netOf));
  const equityEnd = dec(data.equityUsd);
  const equityStart = anchor ? dec(anchor.equityUsd) : equityEnd.minus(netTransfers);

  // the transfer-adjusted curve from t0 to now
  const adjusted = (at: number, equity: Decimal) => equity.minus(sum(transfers.filter((t) => t.at <= at).map(netOf)));
  const curve = [
    ...(anchor ? [] : [{ at: t0, value: equityStart }]),
    ...scores.filter((s) => s.at >= t0).map((s) => ({ at: s.at, value: adjusted(s.at, dec(s.equityUsd)) })),
    { at: now, value: adjusted(now, equityEnd) },
  ];
  const lastAtOrBefore = (at: number) => [...curve].reverse().find((p) => p.at <= at);
  const subPeriodReturns: Decimal[] = [];
  const step = WINDOW_MS[window] / SUB_PERIODS;
  for (let k = 1; k <= SUB_PERIODS; k++) {
    const from = lastAtOrBefore(start + (k - 1) * step);
    const to = lastAtOrBefore(start + k * step);
    if (!from || !to || to.at <= from.at || !from.value.gt(0)) continue;
    subPeriodReturns.push(to.value.minus(from.value).div(from.value));
  }

  const inWindow = data.events.filter((e) => e.at > start && e.at <= now);
  const { trades, wins, realizedPnl } = tradeCount(inWindow);
  const { openNotionalUsd, liquidationDistance } = exposure(data.positions);
  return {
    equityStart,
    equityEnd,
    netTransfers,
    realizedPnl,
    trades,
    wins,
    maxDrawdown: equityDrawdown(curve.map((p) => p.value)),
    openNotionalUsd,
    liquidationDistance,
    subPeriodReturns,
  };
}

/**
 * Closed positions rebuilt from events, per asset in time order: a position opens with an `open` (or the new side of
 * a `flip`) and ends with a `close`, a `liquidation` leaving 0, or a `flip`. Its notional is the largest
 * |position after| × price (price = notional / |amount|) while it was open. A position already open before the first
 * event given has no known start and is skipped; one still open is not closed.
 */
export function closedPositions(events: readonly ScoredEvent[]): Array<{ asset: string; holdingMs: number; notionalUsd: Decimal }> {
  const open = new Map<string, { since: number; notional: Decimal }>();
  const out: Array<{ asset: string; holdingMs: number; notionalUsd: Decimal }> = [];
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const amount = dec(e.amount).abs();
    const px = amount.isZero() ? ZERO : dec(e.notionalUsd).div(amount);
    const before = dec(e.positionBefore);
    const after = dec(e.positionAfter);
    const current = open.get(e.asset);
    if (current) current.notional = Decimal.max(current.notional, before.abs().times(px));
    const crosses = !before.isZero() && !after.isZero() && before.isPositive() !== after.isPositive();
    if (current && (after.isZero() || crosses)) {
      out.push({ asset: e.asset, holdingMs: e.at - current.since, notionalUsd: current.notional });
      open.delete(e.asset);
    }
    if (after.isZero()) open.delete(e.asset);
    else if (before.isZero() || crosses) open.set(e.asset, { since: e.at, notional: after.abs().times(px) });
    else if (current) current.notional = Decimal.max(current.notional, after.abs().times(px));
  }
  return out;
}

/** One `wallet_scores` row's values (see the header). */
export function walletScore(data: WalletScoringData): WalletScore {
  const equity = dec(data.equityUsd);
  const day = data.events.filter((e) => e.at > data.now - WINDOW_MS['24h'] && e.at <= data.now);
  const all = tradeCount(data.events.filter((e) => e.at <= data.now));
  const held: HeldPosition[] = closedPositions(data.events).map((p) => ({
    holdingMs: p.holdingMs,
    notionalUsd: p.notionalUsd,
    leverage: equity.gt(0) ? p.notionalUsd.div(equity) : ZERO,
  }));
  return {
    credibility: Object.fromEntries(CREDIBILITY_WINDOWS.map((w) => [w, credibility(w, credibilityInputs(w, data)).score])) as Record<
      CredibilityWindow,
      string
    >,
    equityUsd: equity.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    tradingVolume24h: sum(day.map((e) => dec(e.notionalUsd).abs())).toFixed(2),
    winRate: all.trades ? new Dec(all.wins).div(all.trades).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2) : null,
    archetype: archetype({ equityUsd: equity, positions: held }),
  };
}
