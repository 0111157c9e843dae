import Decimal from 'decimal.js';
import { Wallet } from 'ethers';
import { ApiRequestError, ExchangeClient, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { dec, Dec, toMoney } from '@conduit/domain';
import {
  AccountState,
  FeeSchedule,
  Fill,
  MarketInfo,
  OrderBook,
  OrderRef,
  OrderRequest,
  OrderResult,
  TradingAccount,
  VenueAdapter,
  VenueHealth,
  VenuePosition,
} from '../adapter';
import { marketOrderAction, OrderAction, sdkParams, updateLeverageAction } from './actions';

export interface HyperliquidOptions {
  isTestnet: boolean;
  /** Overrides the network's URL (a local Hyperliquid-compatible server in tests). */
  apiUrl?: string;
  timeoutMs?: number;
  /** Builder fee, off unless given: fee in tenths of a basis point, as Hyperliquid counts it. */
  builder?: { address: string; fee: number } | null;
  /** Taker fee of the base tier, used for routing estimates (fills carry the real fee). */
  takerFeeBps?: string;
  /** How long the market list is cached. */
  metaTtlMs?: number;
}

interface Universe {
  byName: Map<string, { index: number; szDecimals: number; maxLeverage: number; delisted: boolean }>;
  list: MarketInfo[];
  at: number;
}

/** Hyperliquid's minimum order value in USD. */
const MIN_ORDER_USD = '10';

/**
 * Hyperliquid perps through the @nktkas/hyperliquid SDK (signing reproduced against the official vectors).
 * Orders are signed by the deployment's agent wallet; every account query uses the user's master address.
 * A market order is an IOC limit at the reference price ± the slippage bound, formatted to Hyperliquid's
 * tick rules (5 significant figures, 6 − szDecimals decimals) and lot size (szDecimals), carrying the
 * deterministic cloid so a retry can ask for it instead of sending it twice. The actions are built by the pure
 * builders of ./actions.ts (checked against the signing vectors) and handed to the SDK unchanged.
 */
export class HyperliquidAdapter implements VenueAdapter {
  readonly venue = 'HYPERLIQUID' as const;
  readonly mode = 'live' as const;
  private readonly transport: HttpTransport;
  private readonly info: InfoClient;
  private universe: Universe | null = null;

  constructor(private readonly options: HyperliquidOptions) {
    this.transport = new HttpTransport({
      isTestnet: options.isTestnet,
      timeout: options.timeoutMs ?? 10_000,
      ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    });
    this.info = new InfoClient({ transport: this.transport });
  }

  // ---- market data -------------------------------------------------------------------------------------

  async markets(): Promise<MarketInfo[]> {
    return (await this.loadUniverse(true)).list;
  }

  async markPrices(): Promise<Map<string, Decimal>> {
    const { byName } = await this.loadUniverse();
    const mids = await this.info.allMids();
    const out = new Map<string, Decimal>();
    for (const [coin, px] of Object.entries(mids)) if (byName.has(coin)) out.set(coin, dec(px as string));
    return out;
  }

  async markPrice(symbol: string): Promise<Decimal | null> {
    return (await this.markPrices()).get(symbol) ?? null;
  }

  async orderBook(symbol: string, depth = 20): Promise<OrderBook> {
    const book = await this.info.l2Book({ coin: symbol });
    if (!book) return { symbol, bids: [], asks: [], time: Date.now() };
    const side = (levels: readonly { px: string; sz: string }[]) => levels.slice(0, depth).map((l) => ({ price: l.px, size: l.sz }));
    return { symbol, bids: side(book.levels[0]), asks: side(book.levels[1]), time: book.time };
  }

  feeSchedule(): FeeSchedule {
    return { takerBps: this.options.takerFeeBps ?? '4.5', makerBps: '1.5' };
  }

  async submitUserSigned(action: Record<string, unknown>, nonce: number, signature: { r: string; s: string; v: number }) {
    const answer = (await this.transport.request('exchange', { action, nonce, signature })) as { status?: string; response?: unknown };
    if (answer?.status === 'ok') return { ok: true as const };
    return { ok: false as const, error: typeof answer?.response === 'string' ? answer.response : JSON.stringify(answer) };
  }

  async health(): Promise<VenueHealth> {
    const started = Date.now();
    try {
      await this.info.meta();
      return { ok: true, latencyMs: Date.now() - started };
    } catch (err) {
      return { ok: false, latencyMs: Date.now() - started, detail: describe(err) };
    }
  }

  // ---- account -----------------------------------------------------------------------------------------

  async accountState(address: string): Promise<AccountState> {
    const state = await this.info.clearinghouseState({ user: address as `0x${string}` });
    return { equity: toMoney(state.marginSummary.accountValue), freeCollateral: toMoney(state.withdrawable) };
  }

  async openPositions(address: string): Promise<VenuePosition[]> {
    const state = await this.info.clearinghouseState({ user: address as `0x${string}` });
    return state.assetPositions
      .map(({ position: p }) => ({ p, szi: dec(p.szi) }))
      .filter(({ szi }) => !szi.isZero())
      .map(({ p, szi }) => ({
        symbol: p.coin,
        side: szi.isNeg() ? 'SHORT' : 'LONG',
        qty: toMoney(szi.abs()),
        entryPrice: p.entryPx ?? null,
        unrealizedPnl: p.unrealizedPnl ?? null,
        leverage: p.leverage?.value ?? null,
      }));
  }

  async fills(address: string, sinceMs?: number): Promise<Fill[]> {
    const fills =
      sinceMs != null
        ? await this.info.userFillsByTime({ user: address as `0x${string}`, startTime: sinceMs })
        : await this.info.userFills({ user: address as `0x${string}` });
    return fills.map((f) => ({
      symbol: f.coin,
      side: f.side === 'B' ? 'BUY' : 'SELL',
      qty: f.sz,
      price: f.px,
      fee: f.fee,
      closedPnl: f.closedPnl,
      time: f.time,
      clientOrderId: f.cloid ?? null,
      venueOrderId: String(f.oid),
    }));
  }

  // ---- trading -----------------------------------------------------------------------------------------

  async setLeverage(account: TradingAccount, symbol: string, leverage: number): Promise<void> {
    const market = await this.market(symbol);
    const action = updateLeverageAction(market, Math.min(leverage, market.maxLeverage));
    await this.withExchange(account, (x) => x.updateLeverage(sdkParams(action)));
  }

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const market = await this.market(order.symbol).catch(() => null);
    if (!market) return rejected(order.clientOrderId, `${order.symbol} is not listed on Hyperliquid`);
    if (market.delisted) return rejected(order.clientOrderId, `${order.symbol} is delisted on Hyperliquid`);
    const reference = order.referencePrice ? dec(order.referencePrice) : await this.markPrice(order.symbol);
    if (!reference) return rejected(order.clientOrderId, `no mid price for ${order.symbol}`);

    let action: OrderAction;
    try {
      action = marketOrderAction(
        market,
        {
          side: order.side,
          qty: order.qty,
          reference,
          maxSlippageBps: order.maxSlippageBps,
          reduceOnly: order.reduceOnly,
          cloid: order.clientOrderId,
        },
        this.options.builder,
      );
    } catch (err) {
      return rejected(order.clientOrderId, `cannot format the order: ${describe(err)}`);
    }

    try {
      const response = await this.withExchange(order.account, (x) => x.order(sdkParams(action)));
      const status = response.response.data.statuses[0] as {
        filled?: { totalSz: string; avgPx: string; oid: number };
        resting?: { oid: number };
      };
      if (status.filled)
        return this.settled(order.account.address, order.clientOrderId, status.filled.oid, status.filled.totalSz, status.filled.avgPx);
      // An IOC order never rests; if it did, it is not a fill we can account for.
      return rejected(
        order.clientOrderId,
        'order rested instead of filling (IOC expected)',
        status.resting ? String(status.resting.oid) : null,
      );
    } catch (err) {
      if (err instanceof ApiRequestError) return rejected(order.clientOrderId, describe(err));
      throw err; // transport failure: the order may or may not exist; the caller asks orderStatus before retrying
    }
  }

  async orderStatus(account: TradingAccount, ref: OrderRef): Promise<OrderResult | null> {
    const found = await this.info.orderStatus({ user: account.address as `0x${string}`, oid: ref.clientOrderId as `0x${string}` });
    if (found.status !== 'order') return null;
    const { order, status } = found.order;
    const fills = await this.orderFills(account.address, order.oid);
    if (fills.qty.gt(0)) return this.settledFrom(ref.clientOrderId, order.oid, fills);
    if (status === 'open' || status === 'triggered')
      return { ...rejected(ref.clientOrderId, 'order is still open', String(order.oid)), status: 'PENDING' };
    return rejected(ref.clientOrderId, `order ${status}`, String(order.oid));
  }

  async closePosition(account: TradingAccount, symbol: string, clientOrderId: string, maxSlippageBps: string): Promise<OrderResult> {
    const position = (await this.openPositions(account.address)).find((p) => p.symbol === symbol);
    if (!position) return rejected(clientOrderId, `no open ${symbol} position on Hyperliquid`);
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

  // ---- internals ---------------------------------------------------------------------------------------

  /** Signs with the agent key, decrypted only for the duration of the call. */
  private async withExchange<T>(account: TradingAccount, fn: (x: ExchangeClient) => Promise<T>): Promise<T> {
    if (!account.signer) throw new Error('live Hyperliquid orders need the deployment agent wallet');
    return account.signer.use((privateKey) => fn(new ExchangeClient({ transport: this.transport, wallet: new Wallet(privateKey) })));
  }

  private async settled(address: string, cloid: string, oid: number, totalSz: string, avgPx: string): Promise<OrderResult> {
    const fills = await this.orderFills(address, oid);
    // The fills feed may lag the order response by a moment: the response's own figures are authoritative
    // for size and price; the fee comes from the fills when they are there, else from the fee schedule.
    const fee = fills.qty.gt(0) ? fills.fee : dec(totalSz).mul(avgPx).mul(this.feeSchedule().takerBps).div(10_000);
    return {
      clientOrderId: cloid,
      status: 'FILLED',
      filledQty: toMoney(totalSz),
      avgPrice: toMoney(avgPx),
      fee: toMoney(fee),
      venueOrderId: String(oid),
    };
  }

  private settledFrom(cloid: string, oid: number, fills: { qty: Decimal; notional: Decimal; fee: Decimal }): OrderResult {
    return {
      clientOrderId: cloid,
      status: 'FILLED',
      filledQty: toMoney(fills.qty),
      avgPrice: toMoney(fills.notional.div(fills.qty)),
      fee: toMoney(fills.fee),
      venueOrderId: String(oid),
    };
  }

  private async orderFills(address: string, oid: number) {
    const fills = await this.info.userFills({ user: address as `0x${string}` });
    let qty = new Dec(0);
    let notional = new Dec(0);
    let fee = new Dec(0);
    for (const f of fills) {
      if (f.oid !== oid) continue;
      qty = qty.plus(f.sz);
      notional = notional.plus(dec(f.sz).mul(f.px));
      fee = fee.plus(f.fee);
    }
    return { qty, notional, fee };
  }

  private async market(symbol: string) {
    let u = await this.loadUniverse();
    if (!u.byName.has(symbol)) u = await this.loadUniverse(true);
    const m = u.byName.get(symbol);
    if (!m) throw new Error(`${symbol} is not listed on Hyperliquid`);
    return m;
  }

  private async loadUniverse(force = false): Promise<Universe> {
    const ttl = this.options.metaTtlMs ?? 60_000;
    if (!force && this.universe && Date.now() - this.universe.at < ttl) return this.universe;
    const meta = await this.info.meta();
    const byName: Universe['byName'] = new Map();
    const list: MarketInfo[] = [];
    meta.universe.forEach((u, index) => {
      const delisted = Boolean((u as { isDelisted?: boolean }).isDelisted);
      byName.set(u.name, { index, szDecimals: u.szDecimals, maxLeverage: u.maxLeverage, delisted });
      list.push({
        symbol: u.name,
        index,
        pair: `${u.name}-USD`,
        szDecimals: u.szDecimals,
        maxLeverage: u.maxLeverage,
        minSize: new Dec(10).pow(-u.szDecimals).toFixed(),
        minNotionalUsd: MIN_ORDER_USD,
        active: !delisted,
      });
    });
    this.universe = { byName, list, at: Date.now() };
    return this.universe;
  }
}

function rejected(clientOrderId: string, error: string, venueOrderId: string | null = null): OrderResult {
  return { clientOrderId, status: 'REJECTED', filledQty: '0', avgPrice: null, fee: '0', venueOrderId, error };
}

function describe(err: unknown): string {
  if (err instanceof ApiRequestError) {
    const r = err.response as { response?: unknown; status?: string };
    return typeof r?.response === 'string' ? r.response : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
