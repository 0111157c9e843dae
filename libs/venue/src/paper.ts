import Decimal from 'decimal.js';
import { dec, Dec, spotRefusal, takerFee, toMoney, Venue } from '@conduit/domain';
import {
  AccountState,
  BookLevel,
  FeeSchedule,
  Fill,
  FillLiquidation,
  MarketInfo,
  OrderBook,
  OrderRef,
  OrderRequest,
  OrderResult,
  TradingAccount,
  VenueAdapter,
  VenueHealth,
  VenuePosition,
} from './adapter';
import { MarketSource, PriceSource } from './price-source';

export interface PaperVenueOptions {
  takerFeeBps: string;
  slippageBps: string;
  startingEquityUsd?: string;
}

/** Synthetic book of the paper venue: levels every basis point, each this deep in USD. */
const PAPER_BOOK_LEVELS = 20;
const PAPER_LEVEL_USD = '50000';

/**
 * The paper venue: fills every order in full at the mark moved against the taker by the configured
 * slippage (never beyond the order's own slippage bound), charging the taker fee. Orders are remembered
 * by client order id, so asking again returns the same fill instead of a second one. Positions and fills
 * are kept in memory per account (the ledger of record for paper trading is positions_v3). Paper SPOT, like the
 * live one, refuses a SHORT (an opening sell) and leverage above 1.
 */
export class PaperVenue implements VenueAdapter {
  readonly mode = 'paper' as const;
  private readonly orders = new Map<string, OrderResult>();
  private readonly fillLog = new Map<string, Fill[]>();
  private readonly books = new Map<string, Map<string, Decimal>>(); // account → symbol → signed qty

  constructor(
    readonly venue: Venue,
    private readonly prices: PriceSource & Partial<MarketSource>,
    private readonly options: PaperVenueOptions,
  ) {}

  async markets(): Promise<MarketInfo[]> {
    return this.prices.markets ? this.prices.markets(this.venue) : [];
  }

  markPrice(symbol: string): Promise<Decimal | null> {
    return this.prices.mark(this.venue, symbol);
  }

  async markPrices(): Promise<Map<string, Decimal>> {
    const out = new Map<string, Decimal>();
    for (const m of await this.markets()) {
      const px = await this.markPrice(m.symbol);
      if (px) out.set(m.symbol, px);
    }
    return out;
  }

  async orderBook(symbol: string, depth = PAPER_BOOK_LEVELS): Promise<OrderBook> {
    const mark = await this.markPrice(symbol);
    if (!mark) return { symbol, bids: [], asks: [], time: Date.now() };
    const level = (i: number, sign: 1 | -1): BookLevel => {
      const price = mark.mul(new Dec(1).plus(dec(this.options.slippageBps).plus(i).div(10_000).mul(sign)));
      return { price: toMoney(price), size: toMoney(dec(PAPER_LEVEL_USD).div(price)) };
    };
    const n = Math.min(depth, PAPER_BOOK_LEVELS);
    return {
      symbol,
      bids: Array.from({ length: n }, (_, i) => level(i, -1)),
      asks: Array.from({ length: n }, (_, i) => level(i, 1)),
      time: Date.now(),
    };
  }

  feeSchedule(): FeeSchedule {
    return { takerBps: this.options.takerFeeBps, makerBps: '0' };
  }

  async health(): Promise<VenueHealth> {
    return { ok: true, latencyMs: 0 };
  }

  async accountState(): Promise<AccountState> {
    const equity = toMoney(this.options.startingEquityUsd ?? '10000');
    return { equity, freeCollateral: equity };
  }

  async setLeverage(): Promise<void> {
    // Paper positions carry no margin.
  }

  async openPositions(address: string): Promise<VenuePosition[]> {
    const book = this.books.get(address.toLowerCase()) ?? new Map<string, Decimal>();
    return [...book.entries()]
      .filter(([, q]) => !q.isZero())
      .map(([symbol, q]) => ({
        symbol,
        side: q.isNeg() ? 'SHORT' : 'LONG',
        qty: toMoney(q.abs()),
        entryPrice: null,
        unrealizedPnl: null,
        leverage: null,
      }));
  }

  async fills(address: string, sinceMs = 0): Promise<Fill[]> {
    return (this.fillLog.get(address.toLowerCase()) ?? []).filter((f) => f.time >= sinceMs);
  }

  async orderStatus(account: TradingAccount, ref: OrderRef): Promise<OrderResult | null> {
    return this.orders.get(this.key(account.address, ref.clientOrderId)) ?? null;
  }

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const key = this.key(order.account.address, order.clientOrderId);
    const known = this.orders.get(key);
    if (known) return known;
    const result = await this.fill(order);
    this.orders.set(key, result);
    if (this.orders.size > 100_000) this.orders.delete(this.orders.keys().next().value!);
    if (result.status === 'FILLED') this.record(order, result);
    return result;
  }

  /** The paper venue's liquidation: the forced fill at the liquidation price (VenueAdapter.liquidate). */
  async liquidate(order: OrderRequest, price: string): Promise<OrderResult> {
    const key = this.key(order.account.address, order.clientOrderId);
    const known = this.orders.get(key);
    if (known) return known;
    const qty = dec(order.qty);
    const px = dec(price);
    if (qty.lte(0) || px.lte(0)) return rejected(order.clientOrderId, 'a liquidation needs a positive size and price');
    const result: OrderResult = {
      clientOrderId: order.clientOrderId,
      status: 'FILLED',
      filledQty: toMoney(qty),
      avgPrice: toMoney(px),
      fee: toMoney(takerFee(qty, px, this.options.takerFeeBps)),
      venueOrderId: `paper-liq-${order.clientOrderId.slice(2, 14)}`,
    };
    this.orders.set(key, result);
    const mark = await this.markPrice(order.symbol);
    const liquidation = { liquidatedUser: order.account.address.toLowerCase(), markPrice: toMoney(mark ?? px), method: 'market' };
    this.record(order, result, liquidation);
    return result;
  }

  async closePosition(account: TradingAccount, symbol: string, clientOrderId: string, maxSlippageBps: string): Promise<OrderResult> {
    const position = (await this.openPositions(account.address)).find((p) => p.symbol === symbol);
    if (!position) return rejected(clientOrderId, `no open ${symbol} position on paper ${this.venue}`);
    return this.placeOrder({
      clientOrderId,
      account,
      symbol,
      side: position.side === 'LONG' ? 'SELL' : 'BUY',
      qty: position.qty,
      reduceOnly: true,
      maxSlippageBps,
    });
  }

  private key(address: string, cloid: string) {
    return `${address.toLowerCase()}|${cloid}`;
  }

  private record(order: OrderRequest, result: OrderResult, liquidation: FillLiquidation | null = null) {
    const address = order.account.address.toLowerCase();
    const book = this.books.get(address) ?? new Map<string, Decimal>();
    const signed = dec(result.filledQty).mul(order.side === 'BUY' ? 1 : -1);
    book.set(order.symbol, (book.get(order.symbol) ?? new Dec(0)).plus(signed));
    this.books.set(address, book);
    const log = this.fillLog.get(address) ?? [];
    log.push({
      symbol: order.symbol,
      side: order.side,
      qty: result.filledQty,
      price: result.avgPrice!,
      fee: result.fee,
      closedPnl: '0',
      time: Date.now(),
      clientOrderId: order.clientOrderId,
      venueOrderId: result.venueOrderId,
      liquidation,
    });
    if (log.length > 10_000) log.shift();
    this.fillLog.set(address, log);
  }

  private async fill(order: OrderRequest): Promise<OrderResult> {
    const qty = dec(order.qty);
    if (qty.lte(0)) return rejected(order.clientOrderId, 'order size must be positive');
    const refusal = spotRefusal(this.venue, order);
    if (refusal) return rejected(order.clientOrderId, refusal);
    const mark = await this.markPrice(order.symbol);
    if (!mark) return rejected(order.clientOrderId, `no mark price for ${order.symbol} on ${this.venue}`);
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

function rejected(clientOrderId: string, error: string): OrderResult {
  return { clientOrderId, status: 'REJECTED', filledQty: '0', avgPrice: null, fee: '0', venueOrderId: null, error };
}
