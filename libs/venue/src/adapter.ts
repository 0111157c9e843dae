import type Decimal from 'decimal.js';
import type { Venue } from '@conduit/domain';

export type OrderSide = 'BUY' | 'SELL';

/**
 * A market order is sent as an IOC limit at mark ± maxSlippageBps: it fills at or better than that bound,
 * or not at all. clientOrderId is deterministic, so asking for it after a crash tells whether it was placed.
 */
export interface OrderRequest {
  clientOrderId: string;
  /** The account the order trades for (the user's master address on live venues). */
  account: string;
  symbol: string;
  side: OrderSide;
  qty: string;
  reduceOnly: boolean;
  maxSlippageBps: string;
}

export interface OrderResult {
  clientOrderId: string;
  status: 'FILLED' | 'REJECTED';
  filledQty: string;
  avgPrice: string | null;
  fee: string;
  venueOrderId: string | null;
  error?: string;
}

export interface FeeSchedule {
  takerBps: string;
  makerBps: string;
}

/** One interface every venue implements; the router and the executor see venues only through it. */
export interface VenueAdapter {
  readonly venue: Venue;
  /** Current mark of the symbol, or null if the venue has none. */
  markPrice(symbol: string): Promise<Decimal | null>;
  placeOrder(order: OrderRequest): Promise<OrderResult>;
  /** The order placed under this client order id, or null if the venue never saw it. */
  orderStatus(account: string, clientOrderId: string): Promise<OrderResult | null>;
  feeSchedule(): FeeSchedule;
}
