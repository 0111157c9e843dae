import Decimal from 'decimal.js';
import { MAX_GAIN_P } from './constants';
import type { DecimalInput } from './encoding';
import { exact, Exact, out, trunc18, trunc2, trunc6 } from './fixed-point';

/**
 * Ostium's money math the venue's way, as pure decimal functions in human units (USDC, prices, leverage ×,
 * percentages as percent: 25 is 25 %). Each one follows the contract that computes the figure
 * (0xOstium/smart-contracts-public v1.2.4: TradingCallbacksLib, OstiumPairInfos, OstiumTrading), with its integer
 * truncation toward zero at PRECISION_6 (USDC, percent) and PRECISION_18 (prices, accumulators); the Ostium Python
 * SDK (formulae.py, scscript/pairinfos.py) computes the same figures and its test tables in ostium.json are
 * reproduced exactly (test/ostium-formulas.spec.ts). Where the two differ in rounding, the note says which is kept.
 */

export interface ProfitInput {
  openPrice: DecimalInput;
  currentPrice: DecimalInput;
  long: boolean;
  leverage: DecimalInput;
  /** The trade's highest leverage so far (TradeInfo.initialLeverage); defaults to leverage. */
  initialLeverage?: DecimalInput;
}

/**
 * Percent profit of a trade at `currentPrice` (TradingCallbacksLib._currentPercentProfit, SDK CurrentTradeProfitP):
 * (price move / openPrice) × leverage × 100, truncated to 6 places, capped at +900 % × leverage / initialLeverage.
 * There is no floor: a loss beyond −100 % is what liquidation (tradeValue) takes care of.
 */
export function currentTradeProfitP(t: ProfitInput): Decimal {
  const open = exact(t.openPrice);
  const move = t.long ? exact(t.currentPrice).minus(open) : open.minus(exact(t.currentPrice));
  const leverage = exact(t.leverage);
  const highest = Exact.max(leverage, exact(t.initialLeverage ?? t.leverage));
  const maxPnlP = trunc6(exact(MAX_GAIN_P).mul(leverage).div(highest));
  return out(Exact.min(trunc6(move.mul(leverage).mul(100).div(open)), maxPnlP));
}

/** USDC made by `collateral` at `profitP` percent (OstiumPairInfos.getTradeValuePure's profit part), 6 places. */
export function tradeProfit(collateral: DecimalInput, profitP: DecimalInput): Decimal {
  return out(trunc6(exact(collateral).mul(exact(profitP)).div(100)));
}

/** Gross profit of a trade in USDC, before rollover and funding (SDK CurrentTradeProfitRaw). */
export function currentTradeProfit(t: ProfitInput & { collateral: DecimalInput }): Decimal {
  return tradeProfit(t.collateral, currentTradeProfitP(t));
}

/** Net profit in USDC: gross profit less the rollover and funding fees (SDK CurrentTotalProfitRaw). */
export function currentTotalProfit(
  t: ProfitInput & { collateral: DecimalInput; rolloverFee: DecimalInput; fundingFee: DecimalInput },
): Decimal {
  return out(exact(currentTradeProfit(t)).minus(exact(t.rolloverFee)).minus(exact(t.fundingFee)));
}

/** Net profit as a percent of collateral, 6 places, never below −100 % (SDK CurrentTotalProfitP). */
export function currentTotalProfitP(totalProfit: DecimalInput, collateral: DecimalInput): Decimal {
  return out(Exact.max(-100, trunc6(exact(totalProfit).mul(100).div(exact(collateral)))));
}

export interface MarginInput {
  collateral: DecimalInput;
  leverage: DecimalInput;
  /** The pair's maximum leverage (PairsStorage.pairMaxLeverage). */
  maxLeverage: DecimalInput;
  /** OstiumPairInfos.liqMarginThresholdP, percent (25 is 25 %). */
  liqMarginThresholdP: DecimalInput;
}

/**
 * Collateral a trade must keep (OstiumPairInfos.getTradeLiquidationMargin): the threshold scaled by
 * leverage / maxLeverage (6 places of percent), times collateral, 6 places.
 */
export function liquidationMargin(m: MarginInput): Decimal {
  const adjustedP = trunc6(exact(m.liqMarginThresholdP).mul(exact(m.leverage)).div(exact(m.maxLeverage)));
  return out(trunc6(exact(m.collateral).mul(adjustedP).div(100)));
}

/**
 * USDC sent back to the trader on a close (OstiumPairInfos.getTradeValue): collateral + profit − rollover − funding,
 * and nothing at all once that is at or below the liquidation margin.
 */
export function tradeValue(t: MarginInput & { profitP: DecimalInput; rolloverFee: DecimalInput; fundingFee: DecimalInput }): {
  value: Decimal;
  liqMarginValue: Decimal;
} {
  const liqMarginValue = liquidationMargin(t);
  const value = exact(t.collateral).plus(tradeProfit(t.collateral, t.profitP)).minus(exact(t.rolloverFee)).minus(exact(t.fundingFee));
  return { value: out(value.lte(liqMarginValue) ? new Exact(0) : value), liqMarginValue };
}

/**
 * Price at which the trade's value falls to its liquidation margin (OstiumPairInfos.getTradeLiquidationPricePure,
 * SDK getTradeLiquidationPrice): openPrice ∓ openPrice × (collateral − margin − rollover − funding) / collateral /
 * leverage, never below zero. The distance is truncated to 6 places as the SDK does (its tables carry that rounding);
 * the contract keeps 18, so its price may differ by less than 0.000001.
 */
export function liquidationPrice(
  t: MarginInput & { openPrice: DecimalInput; long: boolean; rolloverFee: DecimalInput; fundingFee: DecimalInput },
): Decimal {
  const collateral = exact(t.collateral);
  const open = exact(t.openPrice);
  const target = collateral.minus(liquidationMargin(t)).minus(exact(t.rolloverFee)).minus(exact(t.fundingFee));
  const distance = trunc6(open.mul(target).div(collateral.mul(exact(t.leverage))));
  return out(Exact.max(0, t.long ? open.minus(distance) : open.plus(distance)));
}

/** Position size in USDC: collateral × leverage rounded up to 6 places (the contracts' mulDiv(..., Ceil)). */
export function positionSize(collateral: DecimalInput, leverage: DecimalInput): Decimal {
  return out(size(collateral, leverage));
}

function size(collateral: DecimalInput, leverage: DecimalInput): Decimal {
  return exact(collateral).mul(exact(leverage)).toDecimalPlaces(6, Decimal.ROUND_UP);
}

export interface OpeningFeeInput {
  /** Position size in USDC, positive for a long and negative for a short. */
  tradeSize: DecimalInput;
  leverage: DecimalInput;
  /** Open interest long − short of the pair, in USDC at the latest price. */
  oiDelta: DecimalInput;
  /** Above this leverage an order is never a maker. */
  makerMaxLeverage: DecimalInput;
  /** Fees in percent of the amount (0.05 is 0.05 %). */
  makerFeeP: DecimalInput;
  takerFeeP: DecimalInput;
}

/**
 * Opening fee in USDC (OstiumPairInfos._getBaseOpeningFee, SDK getOpeningFee): the part of the order that reduces
 * the open-interest imbalance pays the maker rate (only up to makerMaxLeverage), the rest the taker rate; 6 places.
 * The contract truncates once, the SDK truncates each product first: their tables cannot tell them apart, the
 * contract's single truncation is kept.
 */
export function openingFee(f: OpeningFeeInput): Decimal {
  const size = exact(f.tradeSize);
  const oiDelta = exact(f.oiDelta);
  let maker = new Exact(0);
  let taker = new Exact(0);
  if (oiDelta.mul(size).lt(0) && exact(f.leverage).lte(exact(f.makerMaxLeverage))) {
    if (oiDelta.mul(oiDelta.plus(size)).gte(0)) maker = size.abs();
    else {
      maker = oiDelta.abs();
      taker = oiDelta.plus(size).abs();
    }
  } else taker = size.abs();
  return out(trunc6(exact(f.makerFeeP).mul(maker).plus(exact(f.takerFeeP).mul(taker)).div(100)));
}

/** The vault's share of an opening fee (pairOpeningFees.vaultFeePercent, whole percent) and the rest, the dev fee. */
export function splitOpeningFee(fee: DecimalInput, vaultFeePercent: DecimalInput): { devFee: Decimal; vaultFee: Decimal } {
  const vaultFee = trunc6(exact(fee).mul(exact(vaultFeePercent)).div(100));
  return { devFee: out(exact(fee).minus(vaultFee)), vaultFee: out(vaultFee) };
}

/** A pair's rollover accumulator at `blockNumber` (OstiumPairInfos.getPendingAccRolloverFees, SDK GetCurrentRolloverFee). */
export function pendingAccRollover(r: {
  accPerOi: DecimalInput;
  lastUpdateBlock: number;
  rolloverFeePerBlock: DecimalInput;
  blockNumber: number;
}): Decimal {
  return out(exact(r.accPerOi).plus(exact(r.blockNumber - r.lastUpdateBlock).mul(exact(r.rolloverFeePerBlock))));
}

export interface AccruedFeeInput {
  /** The pair's accumulator when the trade opened (tradeInitialAccFees). */
  initial: DecimalInput;
  /** The accumulator now. */
  current: DecimalInput;
  collateral: DecimalInput;
  leverage: DecimalInput;
}

const ONE_UNIT = new Exact('0.000001');

/**
 * Rollover fee of a trade (OstiumPairInfos.getTradeRolloverFeePure, SDK GetTradeRolloverFee): accumulator change ×
 * collateral × leverage, 6 places; the contract charges at least one unit (0.000001 USDC), the SDK does not.
 */
export function tradeRolloverFee(f: AccruedFeeInput): Decimal {
  const fee = trunc6(exact(f.current).minus(exact(f.initial)).mul(exact(f.collateral)).mul(exact(f.leverage)));
  return out(fee.gt(0) ? fee : ONE_UNIT);
}

/**
 * Funding fee of a trade, negative when it is paid to the trader (OstiumPairInfos.getTradeFundingFeePure, SDK
 * GetTradeFundingFee): accumulator change × collateral × leverage, 6 places toward zero; one unit when that truncates
 * a positive change to zero.
 */
export function tradeFundingFee(f: AccruedFeeInput): Decimal {
  const delta = exact(f.current).minus(exact(f.initial));
  const fee = trunc6(delta.mul(exact(f.collateral)).mul(exact(f.leverage)));
  return out(!fee.isZero() ? fee : delta.gt(0) ? ONE_UNIT : new Exact(0));
}

/** open ± openPrice × percent / (leverage × 100), as the contracts truncate it, never below zero. */
function priceAtPercent(openPrice: DecimalInput, percent: DecimalInput, leverage: DecimalInput, up: boolean): Decimal {
  const open = exact(openPrice);
  const diff = trunc18(trunc18(open.mul(exact(percent))).div(exact(leverage).mul(100)));
  return out(Exact.max(0, up ? open.plus(diff) : open.minus(diff)));
}

/** Take-profit price for `profitP` percent (TradingCallbacksLib.correctTp, SDK GetTakeProfitPrice). */
export function takeProfitPrice(openPrice: DecimalInput, profitP: DecimalInput, leverage: DecimalInput, long: boolean): Decimal {
  return priceAtPercent(openPrice, profitP, leverage, long);
}

/** Stop-loss price for a loss of `lossP` percent (TradingCallbacksLib.correctSl, SDK GetStopLossPrice). */
export function stopLossPrice(openPrice: DecimalInput, lossP: DecimalInput, leverage: DecimalInput, long: boolean): Decimal {
  return priceAtPercent(openPrice, lossP, leverage, !long);
}

/**
 * Execution price and its impact (TradingCallbacksLib.getTradePriceImpact, SDK GetPriceImpact): opening a long or
 * closing a short takes the ask, the other two the bid; impact = |price − used| / price × 100 (18 places of the
 * ratio). No price, no impact.
 */
export function priceImpact(p: { price: DecimalInput; bid: DecimalInput; ask: DecimalInput; isOpen: boolean; isLong: boolean }): {
  priceImpactP: Decimal;
  priceAfterImpact: Decimal;
} {
  const price = exact(p.price);
  if (price.isZero()) return { priceImpactP: out(new Exact(0)), priceAfterImpact: out(new Exact(0)) };
  const used = exact(p.isOpen === p.isLong ? p.ask : p.bid);
  return { priceImpactP: out(trunc18(price.minus(used).abs().div(price)).mul(100)), priceAfterImpact: out(used) };
}

// ---- collateral changes (OstiumTrading.topUpCollateral / removeCollateral) -------------------------------------
// The position size stays collateral × leverage (rounded up); leverage is kept in hundredths, so the contract
// rounds it (down for a removal, up for a top-up) and then adjusts the amount to the collateral that leverage gives.

/** Leverage after adding `added` USDC of collateral: size / new collateral, rounded up to hundredths. */
export function leverageAfterTopUp(leverage: DecimalInput, collateral: DecimalInput, added: DecimalInput): Decimal {
  const ratio = size(collateral, leverage).div(exact(collateral).plus(exact(added)));
  return out(ratio.toDecimalPlaces(2, Decimal.ROUND_UP));
}

/** USDC to add to bring the trade to `desiredLeverage` (the collateral that leverage gives, less the current). */
export function collateralToTopUp(leverage: DecimalInput, desiredLeverage: DecimalInput, collateral: DecimalInput): Decimal {
  return out(trunc6(size(collateral, leverage).div(exact(desiredLeverage))).minus(exact(collateral)));
}

/** Leverage after removing `removed` USDC of collateral: size / new collateral, truncated to hundredths. */
export function leverageAfterRemoval(leverage: DecimalInput, collateral: DecimalInput, removed: DecimalInput): Decimal {
  return out(trunc2(size(collateral, leverage).div(exact(collateral).minus(exact(removed)))));
}

/** USDC to remove to bring the trade to `desiredLeverage` (the current collateral less the one that leverage gives). */
export function collateralToRemove(leverage: DecimalInput, desiredLeverage: DecimalInput, collateral: DecimalInput): Decimal {
  return out(exact(collateral).minus(trunc6(size(collateral, leverage).div(exact(desiredLeverage)))));
}
