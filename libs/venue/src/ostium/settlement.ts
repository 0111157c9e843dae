import Decimal from 'decimal.js';
import { toMoney } from '@conduit/domain';
import { OrderSide, VenuePosition } from '../adapter';
import { OstiumMarketDef } from './constants';
import { CLOSE_ALL_PERCENTAGE, fromLeverage2, fromPercent6, fromPrice18, fromUsdc6, RawTrade } from './encoding';
import { Outcome } from './events';
import { baseQty, pairPrice, sideOf, symbolPrice } from './market-units';
import { currentTradeProfit, tradeProfit } from './pricing';

/** Ostium trades and settled orders in Conduit's terms: positions and fills of the symbol, in USD. */

/** A filled market order: the symbol's side, base quantity and USD price. */
export interface Settled {
  status: 'FILLED';
  market: OstiumMarketDef;
  side: OrderSide;
  filledQty: string;
  avgPrice: string;
  fee: string;
  /** PnL realized by the fill, before fees (the venue's figure); zero for an open. */
  closedPnl: string;
  slot: number;
  blockNumber: number;
}

/** An executed open: the trade as stored (collateral after the opening fee) at its fill price. */
export function settledOpen(market: OstiumMarketDef, o: Extract<Outcome, { kind: 'opened' }>): Settled {
  const price = fromPrice18(o.trade.openPrice);
  const notional = fromUsdc6(o.trade.collateral).mul(fromLeverage2(o.trade.leverage));
  return {
    status: 'FILLED',
    market,
    side: sideOf(market, o.trade.buy) === 'LONG' ? 'BUY' : 'SELL',
    filledQty: toMoney(baseQty(market, notional, price)),
    avgPrice: toMoney(symbolPrice(market, price)),
    fee: toMoney(o.fee),
    closedPnl: '0',
    slot: o.trade.index,
    blockNumber: o.blockNumber,
  };
}

/**
 * An executed close of `trade` (the trade as it was before the close): the closed part, its price, fees (rollover and
 * funding) and PnL, the venue's: the closed collateral × the event's percentProfit, in whole USDC units.
 */
export function settledClose(market: OstiumMarketDef, o: Extract<Outcome, { kind: 'closed' }>, trade: RawTrade): Settled {
  // collateralToClose, in whole USDC units as the contract divides it
  const collateral = fromUsdc6(trade.collateral).mul(o.percentageClosed).div(CLOSE_ALL_PERCENTAGE).toDecimalPlaces(6, Decimal.ROUND_DOWN);
  return {
    status: 'FILLED',
    market,
    side: sideOf(market, trade.buy) === 'LONG' ? 'SELL' : 'BUY',
    filledQty: toMoney(baseQty(market, collateral.mul(fromLeverage2(trade.leverage)), fromPrice18(trade.openPrice))),
    avgPrice: toMoney(symbolPrice(market, fromPrice18(o.price))),
    fee: toMoney(o.fees),
    closedPnl: toMoney(tradeProfit(collateral, fromPercent6(o.percentProfit))),
    slot: trade.index,
    blockNumber: o.blockNumber,
  };
}

/**
 * An open trade as a position, with its PnL at `mark` (USD per symbol) when there is one: the venue's gross profit
 * (before rollover and funding), as a close at that price would realize it.
 */
export function positionOf(market: OstiumMarketDef, trade: RawTrade, mark: Decimal | null): VenuePosition {
  const openPrice = fromPrice18(trade.openPrice);
  const notional = fromUsdc6(trade.collateral).mul(fromLeverage2(trade.leverage));
  const pnl =
    mark && mark.gt(0)
      ? toMoney(
          currentTradeProfit({
            collateral: fromUsdc6(trade.collateral),
            openPrice,
            // the pair price as the oracle reports it (PRECISION_18)
            currentPrice: pairPrice(market, mark).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN),
            long: trade.buy,
            leverage: fromLeverage2(trade.leverage),
          }),
        )
      : null;
  return {
    symbol: market.symbol,
    side: sideOf(market, trade.buy),
    qty: toMoney(baseQty(market, notional, openPrice)),
    entryPrice: toMoney(symbolPrice(market, openPrice)),
    unrealizedPnl: pnl,
    leverage: fromLeverage2(trade.leverage).toNumber(),
    slot: trade.index,
  };
}
