import { Inject, Injectable } from '@nestjs/common';
import { Env } from '@conduit/config';
import { ENV } from '@conduit/runtime';
import { telemetry } from '@conduit/domain';
import { TradingAccount, VenueAdapter } from '@conduit/venue';
import { OrderLedger, OrderToStore, StoredOrder, VenueAnswer } from './order-ledger';

/** One order on its way to a venue: what is stored, and what the venue needs on top. */
export interface OrderLeg extends OrderToStore {
  adapter: VenueAdapter;
  account: TradingAccount;
  leverage?: number;
  takeProfit?: string | null;
  stopLoss?: string | null;
  /** Closing an Ostium trade: its slot. */
  closeSlot?: number | null;
  /** A liquidation where Conduit is the venue's liquidation engine (paper): the forced fill's price. */
  liquidationPrice?: string | null;
}

/**
 * Sends a stored order, at most once: the venue is asked for the client order id (or the venue's id stored before
 * broadcast) first, and only an order it has never seen is placed. An order submitted moments ago that the venue
 * does not show yet is asked again later (a retry) rather than sent twice; one the venue still does not know after
 * a minute was lost in transit and may be sent again.
 */
@Injectable()
export class OrderSender {
  constructor(
    private readonly ledger: OrderLedger,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async send(leg: OrderLeg, stored: StoredOrder | undefined): Promise<VenueAnswer> {
    const ref = { clientOrderId: leg.clientOrderId, venueOrderId: stored?.venue_order_id ?? null, symbol: leg.symbol };
    const known = await leg.adapter.orderStatus(leg.account, ref);
    if (known) return known;
    if (ref.venueOrderId && leg.adapter.mode === 'live' && !stored?.stale) {
      throw new Error(`order ${leg.clientOrderId} was submitted as ${ref.venueOrderId} and is not visible yet`);
    }
    // Counted once per order placed (conduit_orders_total): its answer, or error when the venue call threw.
    try {
      const answer = await this.place(leg);
      telemetry.order(leg.venue, answer.status.toLowerCase());
      return answer;
    } catch (e) {
      telemetry.order(leg.venue, 'error');
      throw e;
    }
  }

  private async place(leg: OrderLeg): Promise<VenueAnswer> {
    if (leg.liquidationPrice != null) {
      if (!leg.adapter.liquidate) throw new Error(`${leg.adapter.mode} ${leg.venue} liquidates positions itself`);
      const order = { clientOrderId: leg.clientOrderId, account: leg.account, symbol: leg.symbol, side: leg.side, qty: leg.qty };
      return leg.adapter.liquidate({ ...order, reduceOnly: true, maxSlippageBps: this.env.ORDER_MAX_SLIPPAGE_BPS }, leg.liquidationPrice);
    }
    if (leg.closeSlot != null) {
      return leg.adapter.closePosition(leg.account, leg.symbol, leg.clientOrderId, this.env.ORDER_MAX_SLIPPAGE_BPS, leg.closeSlot);
    }
    return leg.adapter.placeOrder({
      clientOrderId: leg.clientOrderId,
      account: leg.account,
      symbol: leg.symbol,
      side: leg.side,
      qty: leg.qty,
      reduceOnly: leg.reduceOnly,
      maxSlippageBps: this.env.ORDER_MAX_SLIPPAGE_BPS,
      referencePrice: leg.referencePrice ?? undefined,
      leverage: leg.leverage,
      takeProfit: leg.takeProfit,
      stopLoss: leg.stopLoss,
      onSubmitting: (venueOrderId: string) => this.ledger.recordVenueOrderId(leg.venue, leg.clientOrderId, venueOrderId),
    });
  }

  /** Stores one order and sends it; the answer is recorded unless it is a fill the caller records with its position. */
  async storeAndSend(leg: OrderLeg, recordFill: boolean): Promise<VenueAnswer> {
    const stored = (await this.ledger.store([leg])).get(`${leg.venue}|${leg.clientOrderId}`);
    const answer = await this.send(leg, stored);
    if (answer.status !== 'FILLED' || recordFill)
      await this.ledger.record([{ venue: leg.venue, clientOrderId: leg.clientOrderId, answer }]);
    return answer;
  }
}
