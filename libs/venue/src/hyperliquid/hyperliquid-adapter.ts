import Decimal from 'decimal.js';
import { Wallet } from 'ethers';
import { ApiRequestError, ExchangeClient, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { dec, toMoney } from '@conduit/domain';
import {
  AccountState,
  FeeSchedule,
  Fill,
  MarketInfo,
  MarketStats,
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
import { parseLedger, WalletLedgerEntry } from './wallet-parsers';
import {
  executedSize,
  orderFills,
  parseAccountState,
  parseAssetContexts,
  parseBook,
  parseFills,
  parseMids,
  parsePositions,
  parseUniverse,
  PerpListing,
} from './info-parsers';

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
  byName: Map<string, PerpListing>;
  list: MarketInfo[];
  at: number;
}

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
    return parseMids(await this.info.allMids(), (coin) => byName.has(coin));
  }

  async marketStats(): Promise<MarketStats[]> {
    return parseAssetContexts(await this.info.metaAndAssetCtxs());
  }

  async markPrice(symbol: string): Promise<Decimal | null> {
    return (await this.markPrices()).get(symbol) ?? null;
  }

  async orderBook(symbol: string, depth = 20): Promise<OrderBook> {
    return parseBook(symbol, await this.info.l2Book({ coin: symbol }), depth);
  }

  feeSchedule(): FeeSchedule {
    return { takerBps: this.options.takerFeeBps ?? '4.5', makerBps: '1.5' };
  }

  async submitUserSigned(action: Record<string, unknown>, nonce: number, signature: { r: string; s: string; v: number }) {
    const answer = (await this.transport.request('exchange', { action, nonce, signature })) as { status?: string; response?: unknown };
    if (answer?.status === 'ok') return { ok: true as const };
    return { ok: false as const, error: typeof answer?.response === 'string' ? answer.response : JSON.stringify(answer) };
  }

  async userLedger(address: string, startTime: number): Promise<WalletLedgerEntry[]> {
    const updates = await this.transport.request('info', { type: 'userNonFundingLedgerUpdates', user: address, startTime });
    return parseLedger(Array.isArray(updates) ? updates : [], address);
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
    return parseAccountState(await this.info.clearinghouseState({ user: address as `0x${string}` }));
  }

  async openPositions(address: string): Promise<VenuePosition[]> {
    return parsePositions(await this.info.clearinghouseState({ user: address as `0x${string}` }));
  }

  async fills(address: string, sinceMs?: number): Promise<Fill[]> {
    const fills =
      sinceMs != null
        ? await this.info.userFillsByTime({ user: address as `0x${string}`, startTime: sinceMs })
        : await this.info.userFills({ user: address as `0x${string}` });
    return parseFills(fills);
  }

  // ---- trading -----------------------------------------------------------------------------------------

  async setLeverage(account: TradingAccount, symbol: string, leverage: number): Promise<void> {
    const market = await this.market(symbol);
    const action = updateLeverageAction(market, Math.min(leverage, market.maxLeverage), !market.isolatedOnly);
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
    const pending = (why: string) => ({ ...rejected(ref.clientOrderId, why, String(order.oid)), status: 'PENDING' as const });
    if (status === 'open' || status === 'triggered') return pending('order is still open');
    // Filled (or canceled after a partial fill) but its fills not in the feed yet: it did trade, so it is no refusal.
    if (executedSize(order).gt(0)) return pending(`order ${status}; its fills are not visible yet`);
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

  private async settled(address: string, cloid: string, oid: number | string, totalSz: string, avgPx: string): Promise<OrderResult> {
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

  private settledFrom(cloid: string, oid: number | string, fills: { qty: Decimal; notional: Decimal; fee: Decimal }): OrderResult {
    return {
      clientOrderId: cloid,
      status: 'FILLED',
      filledQty: toMoney(fills.qty),
      avgPrice: toMoney(fills.notional.div(fills.qty)),
      fee: toMoney(fills.fee),
      venueOrderId: String(oid),
    };
  }

  private async orderFills(address: string, oid: number | string) {
    return orderFills(await this.info.userFills({ user: address as `0x${string}` }), oid);
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
    this.universe = { ...parseUniverse(await this.info.meta()), at: Date.now() };
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
