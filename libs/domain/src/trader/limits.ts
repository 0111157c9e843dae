/**
 * An llm_trader's limits applied to its model's decision (seed 004). Pure: the decision and the cycle's snapshot in,
 * the decision that may trade out, with every change recorded as an Adjustment and the reason in words.
 *
 * Sizes are notionals: max_position_size caps the notional at pct % of equity, and the margin (notional / leverage)
 * may not exceed the cash, i.e. notional ≤ cash × leverage. Leverage is clamped first, then the size. Sizes and levels
 * are rounded so the record holds what trades: a size down to cents (size_usd), a level to 8 places away from the mark.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike, MONEY_SCALE } from '../money';

/** Sizes are kept in cents, as agent_decisions.size_usd (DECIMAL(20,2)) records them: what trades is what is recorded. */
const SIZE_SCALE = 2;
import { Side } from '../trading';
import type {
  Adjustment,
  HeldDecision,
  TraderAccount,
  TraderAction,
  TraderDecision,
  TraderLimits,
  TraderPosition,
  TraderSnapshot,
} from './types';

/** The side an OPEN action opens; null for CLOSE_POSITION and HOLD. */
export function sideOfAction(action: TraderAction): Side | null {
  return action === 'OPEN_LONG' ? 'LONG' : action === 'OPEN_SHORT' ? 'SHORT' : null;
}

/** A coin as the universe spells it (matched case-insensitively, so kPEPE stays kPEPE), else trimmed and upper-cased. */
export function normalizeTraderCoin(coin: string, universe: readonly string[]): string {
  const upper = coin.trim().toUpperCase();
  return universe.find((c) => c.toUpperCase() === upper) ?? upper;
}

/** A finite decimal, or null for null, blanks and text that is not a number. */
function decimalOrNull(value: string | null | undefined): Decimal | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  try {
    const d = dec(value.trim());
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** Plain decimal text (no exponent, no trailing zeros). */
const text = (d: Decimal) => d.toFixed();

/** Whether a stop (or take profit) of this side lies below the mark: a long's stop and a short's take profit. */
const levelBelowMark = (side: Side, kind: 'stop' | 'take_profit') => (side === 'LONG') === (kind === 'stop');

/** A level rounded to 8 places away from the mark (down below it, up above it): rounding never moves it onto the mark. */
function roundLevel(level: Decimal, below: boolean): Decimal {
  return level.toDecimalPlaces(MONEY_SCALE, below ? Decimal.ROUND_FLOOR : Decimal.ROUND_CEIL);
}

/**
 * The fallback stop or take profit: mark × (1 ∓ pct/100), below the mark for a long's stop and a short's take profit,
 * above it otherwise; 8 places, rounded away from the mark. Null when pct ≤ 0 (no fallback) or the level is not positive.
 */
export function levelFromPct(side: Side, kind: 'stop' | 'take_profit', mark: DecimalLike, pct: DecimalLike): Decimal | null {
  const p = dec(pct);
  if (p.lte(0)) return null;
  const below = levelBelowMark(side, kind);
  const level = roundLevel(dec(mark).mul(new Dec(1).plus(p.div(100).mul(below ? -1 : 1))), below);
  return level.gt(0) ? level : null;
}

/** The notional caps of one position: pct % of equity, and cash × leverage (its margin may not exceed the cash). */
export function notionalCaps(equity: DecimalLike, cash: DecimalLike, maxPositionPct: DecimalLike, leverage: number) {
  return { byEquity: Decimal.max(0, dec(equity).mul(dec(maxPositionPct)).div(100)), byCash: Decimal.max(0, dec(cash).mul(leverage)) };
}

/** The margin a position holds: its entry notional over its leverage. */
export function positionMargin(p: Pick<TraderPosition, 'qty' | 'entryPrice' | 'leverage'>): Decimal {
  return dec(p.qty).mul(dec(p.entryPrice)).div(Math.max(1, p.leverage));
}

/**
 * Equity and cash once `closes` are closed at their marks: their unrealized PnL is realized (equity) and their margin
 * comes back (cash). Fees and slippage of the closes are not known here; the ledger has the last word.
 */
export function accountAfterCloses(account: TraderAccount, closes: readonly TraderPosition[]) {
  let equity = dec(account.equity);
  let cash = dec(account.cash);
  for (const p of closes) {
    equity = equity.plus(dec(p.unrealizedPnl));
    cash = cash.plus(positionMargin(p)).plus(dec(p.unrealizedPnl));
  }
  return { equity, cash };
}

function clampConfidence(value: string, adjustments: Adjustment[]): string {
  const c = decimalOrNull(value);
  const to = c === null ? new Dec(0) : Decimal.min(1, Decimal.max(0, c));
  if (c === null || !to.eq(c)) {
    const reason = c === null ? `confidence ${JSON.stringify(value)} is not a number: 0` : `confidence ${value} outside 0–1: clamped`;
    adjustments.push({ field: 'confidence', from: value, to: text(to), reason });
  }
  return c !== null && to.eq(c) ? value.trim() : text(to);
}

function clampLeverage(requested: number, coin: string, limits: TraderLimits, marketMax: number | null, adjustments: Adjustment[]) {
  const agentMax = Math.max(1, Math.floor(limits.maxLeverage));
  const max = marketMax !== null && marketMax >= 1 ? Math.min(agentMax, Math.floor(marketMax)) : agentMax;
  const wanted = Number.isFinite(requested) ? Math.floor(requested) : 1;
  const leverage = Math.min(max, Math.max(1, wanted));
  if (leverage !== requested) {
    let reason: string;
    if (!Number.isFinite(requested)) reason = `leverage ${requested} is not a number`;
    else if (wanted < 1) reason = `leverage ${requested} below 1`;
    else if (wanted > max)
      reason =
        max < agentMax
          ? `leverage ${requested} above the ${coin} market's max leverage ${max}`
          : `leverage ${requested} above max_leverage ${max}`;
    else reason = `leverage ${requested} is not a whole number`;
    adjustments.push({ field: 'leverage', from: String(requested), to: String(leverage), reason });
  }
  return leverage;
}

function holdLevel(
  kind: 'stop' | 'take_profit',
  given: string | null,
  side: Side,
  mark: Decimal,
  pct: string,
  adjustments: Adjustment[],
): string | null {
  const field = kind === 'stop' ? 'stop_loss_price' : 'take_profit_price';
  const name = kind === 'stop' ? 'stop loss' : 'take profit';
  const pctName = kind === 'stop' ? 'stop_loss_pct' : 'take_profit_pct';
  const below = levelBelowMark(side, kind);
  const where = below ? 'below' : 'above';
  const value = decimalOrNull(given);
  const onSide = value !== null && (below ? value.lt(mark) : value.gt(mark)) && roundLevel(value, below).gt(0);
  if (onSide) {
    const rounded = roundLevel(value, below);
    if (!rounded.eq(value))
      adjustments.push({ field, from: given, to: text(rounded), reason: `${name} rounded to 8 decimal places, away from the mark` });
    return rounded.eq(value) ? given!.trim() : text(rounded);
  }
  const fallback = levelFromPct(side, kind, mark, pct);
  let why: string;
  if (given === null || given.trim() === '' || value?.isZero()) why = `no ${name} given`;
  else if (value === null) why = `${name} ${JSON.stringify(given)} is not a number`;
  else if (value.lt(0)) why = `${name} ${given} is not a positive price`;
  else if (below ? value.lt(mark) : value.gt(mark)) why = `${name} ${given} rounds to 0 at 8 decimal places`;
  else why = `${name} ${given} is not ${where} the mark ${text(mark)} for a ${side}`;
  const then = fallback ? `${pct}% ${where} the mark ${text(mark)} (${pctName})` : `no ${name} (${pctName} is ${pct})`;
  const to = fallback ? text(fallback) : null;
  if (to !== given) adjustments.push({ field, from: given, to, reason: `${why}: ${then}` });
  return to;
}

/**
 * Holds a decision to the agent's limits (seed 004):
 * - HOLD trades nothing: size 0, leverage 1, no levels.
 * - A coin outside the universe, or listed by no venue (no mark), fails: nothing trades and `error` says why.
 * - CLOSE_POSITION closes the agent's positions in the coin (even one that left the universe: a close only lowers
 *   risk); with none it becomes HOLD ("nothing to close").
 * - OPEN in a coin and side already held becomes HOLD (one position per coin and side); OPEN against a held opposite
 *   side closes that side first (`closes`), and its margin and PnL count toward the open's equity and cash.
 * - Leverage is clamped to [1, min(max_leverage, the market's max leverage)], then the notional to pct % of equity and
 *   to cash × leverage; an OPEN with no cash or no size left becomes HOLD.
 * - A stop or take profit missing or on the wrong side of the mark falls back to stop_loss_pct / take_profit_pct.
 * - Confidence is clamped to [0, 1].
 */
export function holdToLimits(decision: TraderDecision, snapshot: TraderSnapshot): HeldDecision {
  const { limits } = snapshot;
  const coin = normalizeTraderCoin(decision.coin, limits.coins);
  const inUniverse = limits.coins.includes(coin);
  const market = snapshot.markets.find((m) => m.coin.toUpperCase() === coin.toUpperCase()) ?? null;
  const held = snapshot.positions.filter((p) => p.coin.toUpperCase() === coin.toUpperCase());
  const adjustments: Adjustment[] = [];
  const base: HeldDecision = {
    status: 'success',
    error: null,
    action: decision.action,
    coin,
    sizeUsd: '0',
    leverage: 1,
    stopLoss: null,
    takeProfit: null,
    confidence: clampConfidence(decision.confidence, adjustments),
    reasoning: decision.reasoning,
    mark: market?.mark ?? null,
    adjustments,
    closes: [],
  };
  const hold = (reason: string): HeldDecision => {
    adjustments.push({ field: 'action', from: decision.action, to: 'HOLD', reason });
    return { ...base, action: 'HOLD' };
  };
  const fail = (error: string): HeldDecision => ({ ...base, status: 'failed', error });
  const outsideUniverse = () => fail(`coin ${JSON.stringify(coin)} is not in the agent's universe (${limits.coins.join(', ')})`);

  if (decision.action === 'HOLD') return base;
  if (decision.action === 'CLOSE_POSITION') {
    if (held.length) return { ...base, mark: base.mark ?? held[0].mark, closes: held };
    if (!inUniverse) return outsideUniverse();
    return hold(`nothing to close: no open ${coin} position`);
  }

  const side = sideOfAction(decision.action)!;
  if (!inUniverse) return outsideUniverse();
  const mark = decimalOrNull(market?.mark);
  if (!market?.listed || mark === null || mark.lte(0)) {
    return fail(`no venue lists ${coin}${market?.listed ? ' with a mark price' : ''}: it cannot be traded now`);
  }
  const same = held.find((p) => p.side === side);
  if (same) return hold(`already holds a ${side} ${coin} position (qty ${same.qty}): one position per coin and side`);
  const closes = held.filter((p) => p.side !== side);
  const { equity, cash } = accountAfterCloses(snapshot.account, closes);
  const afterCloses = closes.length ? ' after closing the opposite side' : '';
  if (cash.lte(0)) return hold(`no cash available${afterCloses} (cash ${text(cash)})`);
  const requested = decimalOrNull(decision.size_usd);
  if (requested === null || requested.lte(0)) return hold(`size_usd ${decision.size_usd}: nothing to open`);

  const leverage = clampLeverage(decision.leverage, coin, limits, market.maxLeverage, adjustments);
  const caps = notionalCaps(equity, cash, limits.maxPositionPct, leverage);
  const cap = Decimal.min(caps.byEquity, caps.byCash);
  let size = requested;
  let reason = 'rounded down to cents (size_usd is recorded in cents)';
  if (requested.gt(cap)) {
    size = cap;
    reason = caps.byEquity.lte(caps.byCash)
      ? `size_usd ${decision.size_usd} above max_position_size ${limits.maxPositionPct}% of equity ` +
        `${text(equity)}${afterCloses} = ${text(cap)}`
      : `margin of ${decision.size_usd} at ${leverage}x above the cash ${text(cash)}${afterCloses}: ` +
        `notional capped at cash × leverage = ${text(cap)}`;
  }
  size = size.toDecimalPlaces(SIZE_SCALE, Decimal.ROUND_DOWN);
  if (size.lte(0)) return hold(`the limits leave no size (max notional ${text(cap)})`);
  const sizeUsd = size.eq(requested) ? decision.size_usd.trim() : text(size);
  if (!size.eq(requested)) adjustments.push({ field: 'size_usd', from: decision.size_usd, to: sizeUsd, reason });

  return {
    ...base,
    sizeUsd,
    leverage,
    stopLoss: holdLevel('stop', decision.stop_loss_price, side, mark, limits.stopLossPct, adjustments),
    takeProfit: holdLevel('take_profit', decision.take_profit_price, side, mark, limits.takeProfitPct, adjustments),
    closes,
  };
}
