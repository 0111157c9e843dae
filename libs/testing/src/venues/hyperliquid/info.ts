/** POST /info: the queries a perp client makes, answered from the server's state in the recorded shapes. */
import Decimal from 'decimal.js';
import { emptyAccount, SimState } from './state';
import { D, DAY_MS, DeserializeError, HlSimOrder, Level, Market, ScriptedAccount, UserFill, ZERO } from './types';
import { parseAddress, wire } from './wire';

/** Most fills one userFills / userFillsByTime answer holds. */
export const FILLS_CAP = 2000;

/** The answer to an /info body; an unknown type is a DeserializeError (HTTP 422). */
export function infoResponse(state: SimState, body: any): unknown {
  const type = body?.type;
  const user = () => parseAddress(body.user, 'user');
  switch (type) {
    case 'meta':
      return meta(state);
    case 'metaAndAssetCtxs':
      return [meta(state), state.markets.map((m) => assetCtx(state, m))];
    case 'allMids':
      return Object.fromEntries(state.markets.map((m) => [m.name, wire(m.mid)]));
    case 'l2Book':
      return l2Book(state, body.coin);
    case 'clearinghouseState':
      return clearinghouseState(state, user());
    case 'openOrders':
      return state.ordersOf(user(), 'open').map(openOrderView);
    case 'frontendOpenOrders':
      return state.ordersOf(user(), 'open').map(frontendOrderView);
    case 'historicalOrders':
      return state.ordersOf(user()).map(orderStatusView);
    case 'orderStatus':
      return orderStatus(state, user(), body.oid);
    case 'userFills':
      return state.fillsOf(user()).reverse().slice(0, FILLS_CAP);
    case 'userFillsByTime':
      return fillsByTime(state, user(), body);
    case 'userNonFundingLedgerUpdates':
      return inRange(state.accounts.get(user())?.ledger ?? [], body, state.now());
    default:
      throw new DeserializeError(`unknown variant \`${String(type)}\``);
  }
}

function meta(state: SimState) {
  const leverages = [...new Set(state.markets.map((m) => m.maxLeverage))];
  return {
    universe: state.markets.map((m) => ({
      szDecimals: m.szDecimals,
      name: m.name,
      maxLeverage: m.maxLeverage,
      marginTableId: m.maxLeverage,
    })),
    marginTables: leverages.map((lev) => [lev, { description: '', marginTiers: [{ lowerBound: '0.0', maxLeverage: lev }] }]),
    collateralToken: 0,
  };
}

function assetCtx(state: SimState, m: Market) {
  const { notional, base } = dayVolume(state, m.name);
  const openInterest = [...state.accounts.values()].reduce((sum, a) => sum.plus(a.positions.get(m.name)?.szi.abs() ?? ZERO), ZERO);
  return {
    funding: wire(m.funding),
    openInterest: wire(openInterest),
    prevDayPx: wire(m.prevDayPx),
    dayNtlVlm: wire(notional, 6),
    premium: '0.0',
    oraclePx: wire(m.mid),
    markPx: wire(m.mid),
    midPx: wire(m.mid),
    impactPxs: [wire(m.bids[0]?.px ?? m.mid), wire(m.asks[0]?.px ?? m.mid)],
    dayBaseVlm: wire(base),
  };
}

function dayVolume(state: SimState, coin: string) {
  const since = Date.now() - DAY_MS;
  let notional = ZERO;
  let base = ZERO;
  for (const account of state.accounts.values()) {
    for (const f of account.fills) {
      if (f.coin !== coin || f.time < since) continue;
      notional = notional.plus(new D(f.px).mul(f.sz));
      base = base.plus(f.sz);
    }
  }
  return { notional, base };
}

function l2Book(state: SimState, coin: unknown) {
  const market = typeof coin === 'string' ? state.marketByName(coin) : undefined;
  if (!market) return null;
  const level = (l: Level) => ({ px: wire(l.px), sz: wire(l.sz), n: l.n });
  return { coin: market.name, time: Date.now(), levels: [market.bids.map(level), market.asks.map(level)] };
}

function clearinghouseState(state: SimState, user: string) {
  const scripted = state.accounts.get(user)?.scripted;
  if (scripted) return scriptedClearinghouseState(scripted);
  const margin = state.marginState(state.accounts.get(user) ?? emptyAccount());
  const summary = {
    accountValue: wire(margin.accountValue, 6),
    totalNtlPos: wire(margin.totalNtlPos, 6),
    totalRawUsd: wire(margin.totalRawUsd, 6),
    totalMarginUsed: wire(margin.totalMarginUsed, 6),
  };
  return {
    marginSummary: summary,
    crossMarginSummary: { ...summary },
    crossMaintenanceMarginUsed: wire(margin.maintenanceMargin, 6),
    withdrawable: wire(margin.withdrawable, 6),
    assetPositions: margin.positions.map((p) => ({
      type: 'oneWay',
      position: {
        coin: p.coin,
        szi: wire(p.szi),
        leverage: { type: 'cross', value: p.leverage },
        entryPx: wire(p.entryPx, 8),
        positionValue: wire(p.value, 6),
        unrealizedPnl: wire(p.pnl, 6),
        returnOnEquity: wire(p.roe, 8),
        liquidationPx: null,
        marginUsed: wire(p.marginUsed, 6),
        maxLeverage: p.maxLeverage,
        cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
      },
    })),
    time: Date.now(),
  };
}

/** A scripted account in the recorded clearinghouseState shape (cross margin; margin used = value / leverage). */
function scriptedClearinghouseState(account: ScriptedAccount) {
  const positions = (account.positions ?? []).map((p) => {
    const leverage = p.leverage ?? 20;
    const value = p.positionValue !== undefined ? new D(p.positionValue) : new D(p.szi).abs().mul(p.entryPx);
    return { ...p, leverage, value, marginUsed: value.div(leverage) };
  });
  const sum = (pick: (p: (typeof positions)[number]) => Decimal) => positions.reduce((t, p) => t.plus(pick(p)), ZERO);
  const accountValue = new D(account.accountValue);
  const summary = {
    accountValue: wire(accountValue, 6),
    totalNtlPos: wire(
      sum((p) => p.value),
      6,
    ),
    totalRawUsd: wire(accountValue, 6),
    totalMarginUsed: wire(
      sum((p) => p.marginUsed),
      6,
    ),
  };
  return {
    marginSummary: summary,
    crossMarginSummary: { ...summary },
    crossMaintenanceMarginUsed: wire(sum((p) => p.marginUsed).div(2), 6),
    withdrawable: wire(D.max(ZERO, accountValue.minus(sum((p) => p.marginUsed))), 6),
    assetPositions: positions.map((p) => ({
      type: 'oneWay',
      position: {
        coin: p.coin,
        szi: p.szi,
        leverage: { type: 'cross', value: p.leverage },
        entryPx: p.entryPx,
        positionValue: wire(p.value, 6),
        unrealizedPnl: p.unrealizedPnl ?? '0.0',
        returnOnEquity: '0.0',
        liquidationPx: p.liquidationPx ?? null,
        marginUsed: wire(p.marginUsed, 6),
        maxLeverage: 50,
        cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
      },
    })),
    time: Date.now(),
  };
}

function orderStatus(state: SimState, user: string, oid: unknown) {
  let order: HlSimOrder | undefined;
  if (typeof oid === 'number') order = state.orders.find((o) => o.master === user && o.oid === oid);
  else if (typeof oid === 'string' && /^0x[0-9a-fA-F]{32}$/.test(oid))
    order = state.orders.find((o) => o.master === user && o.cloid === oid.toLowerCase());
  else throw new DeserializeError('invalid `oid`: expected an order id or a 16-byte hex cloid');
  return order ? orderStatusView(order) : { status: 'unknownOid' };
}

/** The first 2,000 fills at or after startTime (and at or before endTime), oldest first; `reversed` flips the page. */
function fillsByTime(state: SimState, user: string, body: any): UserFill[] {
  const page = inRange(state.fillsOf(user), body).slice(0, FILLS_CAP);
  return body.reversed ? page.reverse() : page;
}

/** Entries (oldest first) with startTime ≤ time ≤ endTime (default: now). */
function inRange<T extends { time: number }>(entries: readonly T[], body: any, now = Date.now()): T[] {
  const start = Number(body.startTime);
  const end = body.endTime == null ? now : Number(body.endTime);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new DeserializeError('invalid `startTime` / `endTime`');
  return entries.filter((e) => e.time >= start && e.time <= end);
}

function frontendOrderView(o: HlSimOrder) {
  const remaining = o.status === 'filled' ? ZERO : new D(o.sz).minus(o.filledSz);
  return {
    coin: o.coin,
    side: o.isBuy ? 'B' : 'A',
    limitPx: wire(new D(o.limitPx)),
    sz: wire(remaining),
    oid: o.oid,
    timestamp: o.timestamp,
    triggerCondition: 'N/A',
    isTrigger: false,
    triggerPx: '0.0',
    children: [],
    isPositionTpsl: false,
    reduceOnly: o.reduceOnly,
    orderType: o.tif === 'FrontendMarket' ? 'Market' : 'Limit',
    origSz: wire(new D(o.sz)),
    tif: o.tif,
    cloid: o.cloid,
  };
}

function openOrderView(o: HlSimOrder) {
  return {
    coin: o.coin,
    side: o.isBuy ? 'B' : 'A',
    limitPx: wire(new D(o.limitPx)),
    sz: wire(new D(o.sz).minus(o.filledSz)),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: wire(new D(o.sz)),
    ...(o.cloid ? { cloid: o.cloid } : {}),
    ...(o.reduceOnly ? { reduceOnly: true } : {}),
  };
}

function orderStatusView(o: HlSimOrder) {
  return { status: 'order', order: { order: frontendOrderView(o), status: o.status, statusTimestamp: o.statusTimestamp } };
}
