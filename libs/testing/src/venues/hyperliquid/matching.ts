/**
 * The `order` action: per-order checks, then the matching engine (tick rule, reduce-only, $10 minimum, IOC / Gtc / Alo
 * against the synthetic book, cross margin) and the fills it books on the account.
 */
import Decimal from 'decimal.js';
import { id as keccakUtf8 } from 'ethers';
import { isValidPrice, sweep } from './book';
import { positionChange, setStatus, SimState } from './state';
import { Account, D, DeserializeError, HlSimOrder, Level, Market, UserFill, ZERO } from './types';
import { asArray, parseDecimal, wire } from './wire';

const MIN_ORDER_USD = new D(10);
const MAX_PRICE_DEVIATION = new D('0.8');
const LIMIT_TIFS = new Set(['Gtc', 'Ioc', 'Alo', 'FrontendMarket']);

type OrderStatusEntry = { filled: { totalSz: string; avgPx: string; oid: number } } | { resting: { oid: number } } | { error: string };

interface ParsedOrder {
  asset: number;
  market: Market;
  isBuy: boolean;
  px: Decimal;
  sz: Decimal;
  reduceOnly: boolean;
  tif: string;
  cloid: string | null;
}

interface Fees {
  takerRate: Decimal;
  builderRate: Decimal;
}

/** Runs every order of an `order` action for the master; each gets its own status. */
export function placeOrders(state: SimState, action: Record<string, any>, master: string, signer: string) {
  const fees = { takerRate: state.takerRate, builderRate: builderFeeRate(action.builder) };
  const statuses = asArray(action.orders, 'orders').map((wireOrder) => placeOrder(state, wireOrder, master, signer, fees));
  return { status: 'ok', response: { type: 'order', data: { statuses } } };
}

function placeOrder(state: SimState, wireOrder: any, master: string, signer: string, fees: Fees): OrderStatusEntry {
  const parsed = parseOrder(state, wireOrder, master);
  if ('error' in parsed) return parsed; // refused before an oid is assigned
  const order: HlSimOrder = {
    master,
    signer,
    oid: state.oid(),
    cloid: parsed.cloid,
    coin: parsed.market.name,
    isBuy: parsed.isBuy,
    sz: String(wireOrder.s),
    limitPx: String(wireOrder.p),
    reduceOnly: parsed.reduceOnly,
    tif: parsed.tif,
    status: 'open',
    filledSz: '0',
    timestamp: Date.now(),
    statusTimestamp: Date.now(),
  };
  state.orders.push(order);
  return execute(state, order, parsed, fees);
}

/** Checks that refuse an order outright (no oid): asset, order type, size, cloid, price band. */
function parseOrder(state: SimState, w: any, master: string): ParsedOrder | { error: string } {
  const market = Number.isInteger(w?.a) ? state.markets[w.a] : undefined;
  if (!market) return { error: `Invalid asset ${String(w?.a)}.` };
  if (w.t?.trigger) return { error: 'Trigger orders are not supported by the Hyperliquid simulator.' };
  const tif = w.t?.limit?.tif;
  if (!LIMIT_TIFS.has(tif)) throw new DeserializeError(`unknown variant \`${String(tif)}\` for field \`tif\``);
  const sz = parseDecimal(w.s);
  if (!sz || sz.decimalPlaces() > market.szDecimals) return { error: 'Order has invalid size.' };
  if (sz.isZero()) return { error: 'Order has zero size.' };
  const px = parseDecimal(w.p);
  if (!px || px.isZero()) return { error: 'Order has invalid price.' };
  if (px.minus(market.mid).abs().gt(market.mid.mul(MAX_PRICE_DEVIATION)))
    return { error: `Order price cannot be more than 80% away from the reference price. asset=${w.a}` };
  const cloid = w.c == null ? null : String(w.c).toLowerCase();
  if (cloid !== null && !/^0x[0-9a-f]{32}$/.test(cloid)) return { error: 'Invalid cloid: expected 0x followed by 32 hex digits.' };
  if (cloid !== null && state.orders.some((o) => o.master === master && o.cloid === cloid))
    return { error: `Duplicate cloid ${cloid}. asset=${w.a}` };
  return { asset: w.a, market, isBuy: w.b === true, px, sz, reduceOnly: w.r === true, tif, cloid };
}

/** The matching engine's checks (rejections keep their oid and a …Rejected status), then the fills. */
function execute(state: SimState, order: HlSimOrder, p: ParsedOrder, fees: Fees): OrderStatusEntry {
  const account = state.account(order.master);
  const position = account.positions.get(p.market.name);
  const suffix = `asset=${p.asset}`;
  if (!isValidPrice(p.px, p.market.szDecimals)) return reject(order, 'tickRejected', 'Order has invalid price.');
  let size = p.sz;
  if (p.reduceOnly) {
    if (!position || position.szi.isZero() || position.szi.isPos() === p.isBuy)
      return reject(order, 'reduceOnlyRejected', `Reduce only order would increase position. ${suffix}`);
    size = D.min(size, position.szi.abs());
  } else if (p.px.mul(size).lt(MIN_ORDER_USD)) {
    return reject(order, 'minTradeNtlRejected', 'Order must have minimum value of $10.');
  }
  const crossing = sweep(p.isBuy ? p.market.asks : p.market.bids, p.isBuy, p.px, size);
  const isIoc = p.tif === 'Ioc' || p.tif === 'FrontendMarket';
  if (p.tif === 'Alo' && crossing.length > 0)
    return reject(order, 'badAloPxRejected', `Post only order would have immediately matched, bbo was ${bbo(p.market)}. ${suffix}`);
  if (isIoc && crossing.length === 0)
    return reject(order, 'iocCancelRejected', `Order could not immediately match against any resting orders. ${suffix}`);
  const filled = crossing.reduce((sum, f) => sum.plus(f.sz), ZERO);
  const resting = isIoc ? ZERO : size.minus(filled);
  if (!p.reduceOnly && !hasMargin(state, account, p, crossing, resting, fees))
    return reject(order, 'perpMarginRejected', `Insufficient margin to place order. ${suffix}`);
  const avgPx = fill(state, account, order, crossing, fees);
  order.filledSz = filled.toFixed();
  if (resting.gt(0)) {
    setStatus(order, 'open');
    return { resting: { oid: order.oid } };
  }
  setStatus(order, filled.eq(size) ? 'filled' : 'canceled'); // an IOC's unfilled remainder is canceled
  return { filled: { totalSz: wire(filled), avgPx: wire(avgPx, 8), oid: order.oid } };
}

/** Cross margin: the exposure the order adds, at the coin's leverage, plus fees, must fit in free collateral. */
function hasMargin(state: SimState, account: Account, p: ParsedOrder, crossing: Level[], resting: Decimal, fees: Fees): boolean {
  const leverage = state.leverageOf(account, p.market);
  const szi = account.positions.get(p.market.name)?.szi ?? ZERO;
  const filled = crossing.reduce((sum, f) => sum.plus(f.sz), ZERO);
  const filledNotional = crossing.reduce((sum, f) => sum.plus(f.px.mul(f.sz)), ZERO);
  const avgPx = filled.isZero() ? ZERO : filledNotional.div(filled);
  const after = szi.plus(p.isBuy ? filled : filled.neg());
  const added = D.max(ZERO, after.abs().minus(szi.abs())).mul(avgPx).plus(resting.mul(p.px));
  const fee = filledNotional.mul(fees.takerRate.plus(fees.builderRate));
  return added.div(leverage).plus(fee).lte(state.marginState(account).withdrawable);
}

/** Applies each swept level as one fill (one userFill each, sharing the order's hash); returns the average price. */
function fill(state: SimState, account: Account, order: HlSimOrder, crossing: Level[], fees: Fees): Decimal {
  const time = Date.now();
  const hash = keccakUtf8(`hyperliquid-sim:${order.master}:${order.oid}`);
  let notional = ZERO;
  let size = ZERO;
  for (const level of crossing) {
    account.fills.push(applyFill(state, account, order, level, fees, time, hash));
    notional = notional.plus(level.px.mul(level.sz));
    size = size.plus(level.sz);
  }
  return size.isZero() ? ZERO : notional.div(size);
}

function applyFill(
  state: SimState,
  account: Account,
  order: HlSimOrder,
  { px, sz }: Level,
  fees: Fees,
  time: number,
  hash: string,
): UserFill {
  const before = account.positions.get(order.coin) ?? { szi: ZERO, entryPx: ZERO };
  const change = positionChange(before, order.isBuy ? sz : sz.neg(), px);
  const notional = px.mul(sz);
  const builderFee = notional.mul(fees.builderRate).toDecimalPlaces(6);
  const fee = notional.mul(fees.takerRate).toDecimalPlaces(6).plus(builderFee);
  account.positions.set(order.coin, change.after);
  account.usdc = account.usdc.plus(change.closedPnl).minus(fee);
  return {
    coin: order.coin,
    px: wire(px),
    sz: wire(sz),
    side: order.isBuy ? 'B' : 'A',
    time,
    startPosition: wire(before.szi),
    dir: change.dir,
    closedPnl: wire(change.closedPnl),
    hash,
    oid: order.oid,
    crossed: true,
    fee: wire(fee),
    ...(builderFee.gt(0) ? { builderFee: wire(builderFee) } : {}),
    tid: state.tid(),
    ...(order.cloid ? { cloid: order.cloid } : {}),
    feeToken: 'USDC',
    twapId: null,
  };
}

function bbo(market: Market): string {
  return `${wire(market.bids[0]?.px ?? ZERO)}@${wire(market.asks[0]?.px ?? ZERO)}`;
}

/** Builder fee rate: f is in tenths of a basis point. */
function builderFeeRate(builder: unknown): Decimal {
  const f = (builder as { f?: unknown } | undefined)?.f;
  return Number.isInteger(f) ? new D(f as number).div(100_000) : ZERO;
}

function reject(order: HlSimOrder, status: string, error: string): { error: string } {
  setStatus(order, status);
  return { error };
}
