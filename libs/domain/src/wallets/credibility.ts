/**
 * A wallet's credibility over a window (seed 003's `wallet_scores.credibility_1h|4h|24h`, DECIMAL(3,1), 0–10).
 *
 *   score = round₁(10 × Σ wᵢ·cᵢ), each component cᵢ ∈ [0, 1], Σ wᵢ = 1:
 *
 *   growth       0.25  g = (E₁ − E₀ − T) / E₀, c = clamp(½ + g / (2·R)), R = RETURN_SCALE[window]
 *   realized     0.15  p = realized PnL (net of fees) / E₀, c = clamp(½ + p / (2·R))
 *   win rate     0.15  c = (wins + α) / (trades + α + β), α = β = 2: a prior of ½ worth 4 trades
 *   drawdown     0.15  c = clamp(1 − dd / DD_SCALE[window]), dd the max drawdown as a positive fraction
 *   leverage     0.10  L = open notional / (E₁ − T), c = clamp(1 − (L − 1) / 20): full at ≤ 1×, zero at ≥ 21×
 *   liquidation  0.10  d = min(distance given, 1 / L), c = clamp(d / 0.5): full when liquidation is ≥ 50 % away
 *   consistency  0.10  c = (profitable sub-periods + 1) / (sub-periods + 2) (Laplace: ½ with none)
 *
 * RETURN_SCALE (the return that earns full marks, its negative zero): 1h 1 %, 4h 2 %, 24h 5 %.
 * DD_SCALE (the drawdown that zeroes the component): 1h 5 %, 4h 10 %, 24h 20 %.
 * E₀ ≤ 0 (a wallet funded inside the window): growth and realized are neutral (½).
 *
 * Deposits never raise the score: E₀ is the equity before the window's transfers, growth subtracts the net
 * transfers T, and leverage uses the trading equity E₁ − T (= E₀ + what trading made), so adding a deposit D to
 * both E₁ and T leaves every component unchanged. A withdrawal is likewise neutral (lenient on leverage: the
 * withdrawn money still counts as margin). The caller must measure drawdown and sub-period returns on the
 * transfer-adjusted equity curve, for the same reason.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';

export const CREDIBILITY_WINDOWS = ['1h', '4h', '24h'] as const;
export type CredibilityWindow = (typeof CREDIBILITY_WINDOWS)[number];

export const CREDIBILITY_WEIGHTS = {
  growth: new Dec('0.25'),
  realized: new Dec('0.15'),
  winRate: new Dec('0.15'),
  drawdown: new Dec('0.15'),
  leverage: new Dec('0.10'),
  liquidation: new Dec('0.10'),
  consistency: new Dec('0.10'),
} as const;
export type CredibilityComponent = keyof typeof CREDIBILITY_WEIGHTS;

export const RETURN_SCALE: Record<CredibilityWindow, Decimal> = { '1h': new Dec('0.01'), '4h': new Dec('0.02'), '24h': new Dec('0.05') };
export const DD_SCALE: Record<CredibilityWindow, Decimal> = { '1h': new Dec('0.05'), '4h': new Dec('0.10'), '24h': new Dec('0.20') };
/** Beta prior on the win rate: α pseudo-wins, β pseudo-losses. */
export const WIN_PRIOR = { alpha: 2, beta: 2 } as const;
/** Leverage at which the component reaches 0 is 1 + LEVERAGE_SPAN. */
export const LEVERAGE_SPAN = new Dec(20);
/** A liquidation at least this far (fraction of the mark) earns full marks. */
export const SAFE_LIQUIDATION_DISTANCE = new Dec('0.5');

export interface CredibilityInput {
  /** Equity (USD) at the window's start, before its transfers. */
  equityStart: DecimalLike;
  /** Equity (USD) at the window's end, after its transfers. */
  equityEnd: DecimalLike;
  /** Deposits − withdrawals (USD) inside the window. */
  netTransfers: DecimalLike;
  /** Realized PnL (USD, net of fees) of the fills in the window. */
  realizedPnl: DecimalLike;
  /** Closed trades and the profitable ones: the window's and, if the caller wants, before it. */
  trades: number;
  wins: number;
  /** Max drawdown of the transfer-adjusted equity in the window, a positive fraction (0.1 = 10 %). */
  maxDrawdown: DecimalLike;
  /** Open notional (USD, all positions) at the window's end. */
  openNotionalUsd: DecimalLike;
  /** Distance to the nearest liquidation price as a fraction of the mark; null/absent when the venue gave none. */
  liquidationDistance?: DecimalLike | null;
  /** Returns of the window's sub-periods (e.g. 4 × 15 min for 1h), transfer-adjusted. */
  subPeriodReturns: readonly DecimalLike[];
}

export interface Credibility {
  /** 0–10, one decimal (DECIMAL(3,1)). */
  score: string;
  /** Each component in [0, 1], 4 places. */
  components: Record<CredibilityComponent, string>;
}

const ZERO = new Dec(0);
const ONE = new Dec(1);
const HALF = new Dec('0.5');
const clamp01 = (x: Decimal): Decimal => Decimal.max(ZERO, Decimal.min(ONE, x));

/** Growth, realized: ½ at 0, 1 at +scale, 0 at −scale. */
function centred(ratio: Decimal | null, scale: Decimal): Decimal {
  return ratio === null ? HALF : clamp01(HALF.plus(ratio.div(scale.times(2))));
}

/** (wins + α) / (trades + α + β): the win rate shrunk toward ½ when trades are few. */
export function shrunkWinRate(wins: number, trades: number, prior: { alpha: number; beta: number } = WIN_PRIOR): Decimal {
  if (!Number.isInteger(trades) || !Number.isInteger(wins) || trades < 0 || wins < 0 || wins > trades) {
    throw new RangeError(`wins ${wins} of ${trades} trades`);
  }
  return new Dec(wins + prior.alpha).div(trades + prior.alpha + prior.beta);
}

export function credibility(window: CredibilityWindow, input: CredibilityInput): Credibility {
  const e0 = dec(input.equityStart);
  const transfers = dec(input.netTransfers);
  const tradingEquity = dec(input.equityEnd).minus(transfers);
  const base = e0.gt(0) ? e0 : null;
  const growth = base ? tradingEquity.minus(e0).div(base) : null;
  const realized = base ? dec(input.realizedPnl).div(base) : null;

  const notional = dec(input.openNotionalUsd).abs();
  let leverage: Decimal;
  let liquidation: Decimal;
  if (notional.isZero()) {
    leverage = ONE;
    liquidation = ONE;
  } else if (!tradingEquity.gt(0)) {
    leverage = ZERO;
    liquidation = ZERO;
  } else {
    const lev = notional.div(tradingEquity);
    leverage = clamp01(ONE.minus(lev.minus(1).div(LEVERAGE_SPAN)));
    const given = input.liquidationDistance === undefined || input.liquidationDistance === null ? null : dec(input.liquidationDistance);
    const distance = given ? Decimal.min(given, ONE.div(lev)) : ONE.div(lev);
    liquidation = clamp01(distance.div(SAFE_LIQUIDATION_DISTANCE));
  }
  const periods = input.subPeriodReturns.map(dec);
  const profitable = periods.filter((r) => r.gt(0)).length;

  const components: Record<CredibilityComponent, Decimal> = {
    growth: centred(growth, RETURN_SCALE[window]),
    realized: centred(realized, RETURN_SCALE[window]),
    winRate: shrunkWinRate(input.wins, input.trades),
    drawdown: clamp01(ONE.minus(dec(input.maxDrawdown).abs().div(DD_SCALE[window]))),
    leverage,
    liquidation,
    consistency: new Dec(profitable + 1).div(periods.length + 2),
  };
  const names = Object.keys(CREDIBILITY_WEIGHTS) as CredibilityComponent[];
  const sum = names.reduce((acc, k) => acc.plus(CREDIBILITY_WEIGHTS[k].times(components[k])), ZERO);
  return {
    score: sum.times(10).toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1),
    components: Object.fromEntries(names.map((k) => [k, components[k].toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4)])) as Record<
      CredibilityComponent,
      string
    >,
  };
}
