import Decimal from 'decimal.js';
import { bps, dec, DecimalLike, Dec, floorTo } from './money';
import { DomainError } from './errors';

export const SIDES = ['LONG', 'SHORT'] as const;
export type Side = (typeof SIDES)[number];
export const direction = (side: Side): 1 | -1 => (side === 'LONG' ? 1 : -1);

export const SIZE_MODEL_TYPES = ['percentage', 'fixed-usd'] as const;
export type SizeModelType = (typeof SIZE_MODEL_TYPES)[number];
/** How much to trade: a percentage of the deployment's equity, or a fixed USD notional. */
export interface SizeModel {
  type: SizeModelType;
  value: number | string;
  leverage?: number;
  /** Margin cap as a percentage of equity (set by a policy's max_position_pct on fixed-USD sizes). */
  max_pct?: number | string;
}

export const RISK_MODEL_TYPES = ['fixed', 'trailing-stop', 'none'] as const;
export type RiskModelType = (typeof RISK_MODEL_TYPES)[number];
/** Exit rules as fractions of the entry price (0.03 = 3%). */
export interface RiskModel {
  type: RiskModelType;
  stop?: number | string;
  take_profit?: number | string;
  /** Trailing stop arms after this favourable move (fraction); absent = armed at once. */
  activation?: number | string;
  /** A fixed model's levels as prices (an LLM trader's decision); each replaces its fraction. */
  stop_price?: number | string;
  take_profit_price?: number | string;
}

export interface SizeInput {
  equity: DecimalLike;
  sizeModel: SizeModel;
  price: DecimalLike;
  /** Size decimals of the market (Hyperliquid szDecimals); quantities are floored to it. */
  sizeDecimals: number;
  minNotional?: DecimalLike | null;
}

export interface SizeResult {
  notional: Decimal;
  qty: Decimal;
  leverage: number;
}

/** Position size from the size model; the quantity is floored to the market's size decimals. */
export function sizePosition(input: SizeInput): SizeResult {
  const equity = dec(input.equity);
  const price = dec(input.price);
  if (price.lte(0)) throw new DomainError('NO_PRICE', 'mark price must be positive');
  const value = dec(input.sizeModel.value);
  if (value.lte(0)) throw new DomainError('BAD_SIZE_MODEL', 'size_model.value must be positive');
  const leverage = input.sizeModel.leverage ?? 1;
  let margin: Decimal;
  switch (input.sizeModel.type) {
    case 'percentage':
      if (value.gt(100)) throw new DomainError('BAD_SIZE_MODEL', 'size_model.value above 100%');
      margin = equity.mul(value).div(100);
      break;
    case 'fixed-usd':
      margin = value;
      break;
    default:
      throw new DomainError('BAD_SIZE_MODEL', `unknown size_model.type ${String(input.sizeModel.type)}`);
  }
  if (input.sizeModel.max_pct != null) margin = Decimal.min(margin, equity.mul(dec(input.sizeModel.max_pct)).div(100));
  if (margin.gt(equity)) throw new DomainError('INSUFFICIENT_EQUITY', `needs ${margin.toFixed(2)} USD, equity is ${equity.toFixed(2)}`);
  const intended = margin.mul(leverage);
  const qty = floorTo(intended.div(price), input.sizeDecimals);
  if (qty.lte(0)) throw new DomainError('SIZE_TOO_SMALL', `size rounds to zero at ${input.sizeDecimals} size decimals`);
  const notional = qty.mul(price);
  if (input.minNotional != null && notional.lt(dec(input.minNotional))) {
    throw new DomainError('SIZE_TOO_SMALL', `notional ${notional.toFixed(2)} below the venue minimum ${dec(input.minNotional).toFixed(2)}`);
  }
  return { notional, qty, leverage };
}

export interface RiskLevels {
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
  trailingParams: Record<string, string | number | null> | null;
}

/** Stop loss, take profit and trailing parameters for a fill at entryPrice. */
export function riskLevels(side: Side, entryPrice: DecimalLike, risk: RiskModel): RiskLevels {
  const entry = dec(entryPrice);
  const dir = direction(side);
  const stop = risk.stop != null ? dec(risk.stop) : null;
  const tp = risk.take_profit != null ? dec(risk.take_profit) : null;
  if (stop && (stop.lte(0) || stop.gte(1))) throw new DomainError('BAD_RISK_MODEL', 'risk_model.stop must be in (0, 1)');
  if (tp && tp.lte(0)) throw new DomainError('BAD_RISK_MODEL', 'risk_model.take_profit must be positive');
  if (tp && side === 'SHORT' && tp.gte(1)) throw new DomainError('BAD_RISK_MODEL', 'risk_model.take_profit must be below 1 for a SHORT');
  if (risk.type === 'none') return { stopLoss: null, takeProfit: null, trailingParams: null };
  const stopLoss = risk.stop_price != null ? dec(risk.stop_price) : stop ? entry.mul(new Dec(1).minus(stop.mul(dir))) : null;
  const takeProfit = risk.take_profit_price != null ? dec(risk.take_profit_price) : tp ? entry.mul(new Dec(1).plus(tp.mul(dir))) : null;
  const trailingParams =
    risk.type === 'trailing-stop' && stop
      ? {
          type: 'trailing',
          trail_pct: stop.toString(),
          activation_pct: risk.activation != null ? dec(risk.activation).toString() : null,
          high_water: entry.toString(),
        }
      : null;
  return { stopLoss, takeProfit, trailingParams };
}

/** Price a market order fills at: the mark moved against the taker by the slippage. */
export function fillPrice(side: Side, mark: DecimalLike, slippageBps: DecimalLike, closing = false): Decimal {
  const buying = (side === 'LONG') !== closing;
  const slip = bps(slippageBps);
  return dec(mark).mul(buying ? new Dec(1).plus(slip) : new Dec(1).minus(slip));
}

export function takerFee(qty: DecimalLike, price: DecimalLike, feeBps: DecimalLike): Decimal {
  return dec(qty).mul(dec(price)).mul(bps(feeBps));
}

export interface PnlInput {
  side: Side;
  qty: DecimalLike;
  entryPrice: DecimalLike;
  exitPrice: DecimalLike;
  fees?: DecimalLike;
}

/** Realized PnL of a closed position net of fees. */
export function realizedPnl(p: PnlInput): Decimal {
  const gross = dec(p.exitPrice).minus(dec(p.entryPrice)).mul(dec(p.qty)).mul(direction(p.side));
  return gross.minus(dec(p.fees ?? 0));
}

export function unrealizedPnl(side: Side, qty: DecimalLike, entryPrice: DecimalLike, mark: DecimalLike): Decimal {
  return realizedPnl({ side, qty, entryPrice, exitPrice: mark });
}

/** The creator's share of a profit; zero for a loss or break-even. Rounded down to 8 places. */
export function profitShare(pnl: DecimalLike, sharePct: DecimalLike): Decimal {
  const p = dec(pnl);
  const pct = dec(sharePct);
  if (pct.lt(0) || pct.gt(100)) throw new DomainError('BAD_SHARE', 'profit share must be within [0, 100]%');
  if (p.lte(0)) return new Dec(0);
  return p.mul(pct).div(100).toDecimalPlaces(8, Decimal.ROUND_DOWN);
}
