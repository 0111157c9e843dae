import Decimal from 'decimal.js';
import { dec, Dec, takerFee, toMoney, Venue } from '@conduit/domain';
import { FeeSchedule, OrderRequest, OrderResult, VenueAdapter } from './adapter';
import { PriceSource } from './price-source';

export interface PaperVenueOptions {
  takerFeeBps: string;
  slippageBps: string;
}

/**
 * The paper venue: fills every order in full at the mark moved against the taker by the configured
 * slippage (never beyond the order's own slippage bound), charging the taker fee. Orders are remembered
 * by client order id, so asking again returns the same fill instead of a second one.
 */
export class PaperVenue implements VenueAdapter {
  private readonly orders = new Map<string, OrderResult>();

  constructor(
    readonly venue: Venue,
    private readonly prices: PriceSource,
    private readonly options: PaperVenueOptions,
  ) {}

  markPrice(symbol: string): Promise<Decimal | null> {
    return this.prices.mark(this.venue, symbol);
  }

  feeSchedule(): FeeSchedule {
    return { takerBps: this.options.takerFeeBps, makerBps: '0' };
  }

  async orderStatus(account: string, clientOrderId: string): Promise<OrderResult | null> {
    return this.orders.get(`${account}|${clientOrderId}`) ?? null;
  }

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const key = `${order.account}|${order.clientOrderId}`;
    const known = this.orders.get(key);
    if (known) return known;
    const result = await this.fill(order);
    this.orders.set(key, result);
    if (this.orders.size > 100_000) this.orders.delete(this.orders.keys().next().value!);
    return result;
  }

  private async fill(order: OrderRequest): Promise<OrderResult> {
    const reject = (error: string): OrderResult => ({
      clientOrderId: order.clientOrderId,
      status: 'REJECTED',
      filledQty: '0',
      avgPrice: null,
      fee: '0',
      venueOrderId: null,
      error,
    });
    const qty = dec(order.qty);
    if (qty.lte(0)) return reject('order size must be positive');
    const mark = await this.markPrice(order.symbol);
    if (!mark) return reject(`no mark price for ${order.symbol} on ${this.venue}`);
    const slip = Decimal.min(dec(this.options.slippageBps), dec(order.maxSlippageBps));
    const factor = new Dec(1).plus(slip.div(10000).mul(order.side === 'BUY' ? 1 : -1));
    const price = mark.mul(factor).toDecimalPlaces(8);
    return {
      clientOrderId: order.clientOrderId,
      status: 'FILLED',
      filledQty: toMoney(qty),
      avgPrice: toMoney(price),
      fee: toMoney(takerFee(qty, price, this.options.takerFeeBps)),
      venueOrderId: `paper-${order.clientOrderId.slice(2, 18)}`,
    };
  }
}
