import Decimal from 'decimal.js';
import { DomainError } from './errors';
import { dec, Dec, DecimalLike, toMoney } from './money';
import { direction, Side } from './trading';

// Where a venue liquidates an isolated-margin position, pure. Hyperliquid's rules (docs, Trading › Liquidations,
// hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations): a position is liquidated when its equity falls below
// the maintenance margin, "half of the initial margin at max leverage" (1% for a 50x market, 16.7% for a 3x one),
// and the liquidation price is
//   liq_price = price − side × margin_available / position_size / (1 − l × side),  l = 1 / maintenance leverage,
// with, for an isolated position, margin_available = isolated margin − maintenance margin required. freqtrade's
// Hyperliquid exchange computes the maintenance margin the same way (position value / max leverage / 2). Margin tiers
// (a lower maximum leverage for very large positions) are left out: the market's maximum leverage is used.

/** A venue's maintenance margin rate for a market: half the initial margin rate at its maximum leverage. */
export function maintenanceMarginRate(maxLeverage: number | null | undefined): Decimal {
  // A market whose maximum is unknown trades at 1x (clampLeverage), and keeps the maintenance margin of a 1x market.
  const max = Number(maxLeverage ?? 1) || 1;
  if (max < 1) throw new DomainError('BAD_LEVERAGE', `maximum leverage ${max} is below 1`);
  return new Dec(1).div(new Dec(max).mul(2));
}

export interface LiquidationInput {
  side: Side;
  entryPrice: DecimalLike;
  /** The leverage the position was opened with: its isolated margin is entry × qty / leverage. */
  leverage: DecimalLike;
  /** Maintenance margin as a fraction of the notional at the mark (maintenanceMarginRate()). */
  maintenanceMarginRate: DecimalLike;
}

/**
 * The mark at which an isolated position's equity — its initial margin plus its unrealized PnL — equals the
 * maintenance margin (mmr × the notional at that mark). With E the entry, L the leverage and q the size:
 *
 *   long:  E·q/L + (P − E)·q = mmr·P·q   ⇒   P = E × (1 − 1/L) / (1 − mmr)
 *   short: E·q/L + (E − P)·q = mmr·P·q   ⇒   P = E × (1 + 1/L) / (1 + mmr)
 *
 * (Hyperliquid's formula above with margin_available = E·q/L − mmr·E·q gives the same.) The size cancels out. A long
 * at 1x cannot be liquidated above 0: null. Exact to 40 significant digits (the Dec context); a maintenance rate at
 * or above the initial rate 1/L (the position would open liquidatable) is refused.
 */
export function liquidationPrice(p: LiquidationInput): Decimal | null {
  const entry = dec(p.entryPrice);
  const leverage = dec(p.leverage);
  const mmr = dec(p.maintenanceMarginRate);
  if (entry.lte(0)) throw new DomainError('NO_PRICE', 'entry price must be positive');
  if (leverage.lt(1)) throw new DomainError('BAD_LEVERAGE', `leverage ${leverage.toString()} is below 1`);
  if (mmr.lt(0) || mmr.gte(new Dec(1).div(leverage)))
    throw new DomainError('BAD_LEVERAGE', `maintenance margin ${mmr.toString()} leaves no margin at ${leverage.toString()}x`);
  const dir = direction(p.side);
  const price = entry.mul(new Dec(1).minus(new Dec(dir).div(leverage))).div(new Dec(1).minus(mmr.mul(dir)));
  return price.gt(0) ? price : null;
}

/**
 * The liquidation price a position stores (DECIMAL(20,8)): rounded toward the entry (up for a long, down for a short),
 * so the stored level is never past the true one and a mark at it is always liquidatable.
 */
export function liquidationLevel(p: LiquidationInput): string | null {
  const price = liquidationPrice(p);
  if (!price) return null;
  return toMoney(price, p.side === 'LONG' ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR);
}

/**
 * A position's liquidation price at its entry, from the market's maximum leverage (the venue's maintenance margin). The
 * market allowed the leverage the position opened with, so its maximum is taken as at least that (a maximum lowered
 * since the open never makes the position liquidatable at its entry).
 */
export function positionLiquidation(side: Side, entryPrice: DecimalLike, leverage: number, maxLeverage: number | null | undefined) {
  const max = Math.max(Number(maxLeverage ?? 1) || 1, leverage);
  return liquidationLevel({ side, entryPrice, leverage, maintenanceMarginRate: maintenanceMarginRate(max) });
}
