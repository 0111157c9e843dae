/** What the local server remembers: markets, accounts (USDC, positions, leverage, fills), orders, agents and nonces. */
import Decimal from 'decimal.js';
import { defaultMarkets, newMarket, rebuildBook } from './book';
import { Account, D, HlSimOptions, HlSimOrder, Market, Position, UserFill, ZERO } from './types';

const DEFAULT_LEVERAGE = 20;
const OID_BASE = 300_000_000_000;
const TID_BASE = 800_000_000_000_000;

export class SimState {
  readonly isTestnet: boolean;
  readonly takerRate: Decimal;
  readonly depth: number;
  readonly markets: Market[];
  /** Every order that received an oid, in placement order. */
  readonly orders: HlSimOrder[] = [];
  readonly accounts = new Map<string, Account>();
  /** agent → master */
  readonly agents = new Map<string, string>();
  /** `${master}|${agentName}` → agent, so approving a new agent under a name replaces the previous one. */
  readonly agentsByName = new Map<string, string>();
  readonly usedNonces = new Map<string, Set<number>>();
  private nextOid = OID_BASE;
  private nextTid = TID_BASE;

  /** The exchange's clock (ms): the nonce window and ledger times. */
  readonly now: () => number;

  constructor(opts: HlSimOptions) {
    this.now = opts.now ?? Date.now;
    this.isTestnet = opts.isTestnet ?? false;
    this.takerRate = new D(opts.takerFeeBps ?? '4.5').div(10_000);
    this.depth = opts.bookDepthLevels ?? 10;
    this.markets = (opts.markets ?? defaultMarkets()).map((m) => newMarket(m, this.depth));
  }

  oid(): number {
    return this.nextOid++;
  }

  tid(): number {
    return this.nextTid++;
  }

  marketByName(coin: string): Market | undefined {
    return this.markets.find((m) => m.name === coin);
  }

  setMid(market: Market, px: string): void {
    market.mid = new D(px);
    rebuildBook(market, this.depth);
  }

  /** The account at this (lowercase) address, created empty if there is none. */
  account(address: string): Account {
    let account = this.accounts.get(address);
    if (!account) {
      account = emptyAccount();
      this.accounts.set(address, account);
    }
    return account;
  }

  leverageOf(account: Account, market: Market): number {
    return account.leverage.get(market.name) ?? Math.min(DEFAULT_LEVERAGE, market.maxLeverage);
  }

  /** Newest first. */
  ordersOf(user: string, status?: string): HlSimOrder[] {
    return this.orders.filter((o) => o.master === user && (!status || o.status === status)).reverse();
  }

  /** A copy, oldest first. */
  fillsOf(user: string): UserFill[] {
    return [...(this.accounts.get(user)?.fills ?? [])];
  }

  /** Cross-margin figures at the current mids, named as in clearinghouseState. */
  marginState(account: Account) {
    const positions = [...account.positions]
      .filter(([, p]) => !p.szi.isZero())
      .map(([coin, p]) => {
        const market = this.marketByName(coin) as Market;
        const leverage = this.leverageOf(account, market);
        const value = p.szi.abs().mul(market.mid);
        const pnl = p.szi.mul(market.mid.minus(p.entryPx));
        const entryMargin = p.szi.abs().mul(p.entryPx).div(leverage);
        return {
          coin,
          szi: p.szi,
          entryPx: p.entryPx,
          mark: market.mid,
          leverage,
          maxLeverage: market.maxLeverage,
          value,
          pnl,
          marginUsed: value.div(leverage),
          roe: pnl.div(entryMargin),
        };
      });
    const sum = (pick: (p: (typeof positions)[number]) => Decimal) => positions.reduce((total, p) => total.plus(pick(p)), ZERO);
    const accountValue = account.usdc.plus(sum((p) => p.pnl));
    const totalMarginUsed = sum((p) => p.marginUsed);
    return {
      positions,
      accountValue,
      totalNtlPos: sum((p) => p.value),
      totalRawUsd: accountValue.minus(sum((p) => p.szi.mul(p.mark))),
      totalMarginUsed,
      maintenanceMargin: positions.reduce((total, p) => total.plus(p.value.div(2 * p.maxLeverage)), ZERO),
      withdrawable: D.max(ZERO, accountValue.minus(totalMarginUsed)),
    };
  }
}

export function emptyAccount(): Account {
  return { usdc: ZERO, positions: new Map(), leverage: new Map(), fills: [], ledger: [] };
}

/** A signed trade of `delta` at `px` against a one-way position: new position, realised PnL, fill direction. */
export function positionChange(before: Position, delta: Decimal, px: Decimal): { after: Position; closedPnl: Decimal; dir: string } {
  const { szi, entryPx } = before;
  const reducing = !szi.isZero() && szi.isPos() !== delta.isPos();
  const closed = reducing ? D.min(delta.abs(), szi.abs()) : ZERO;
  const opened = delta.abs().minus(closed);
  const closedPnl = closed
    .mul(px.minus(entryPx))
    .mul(szi.isPos() ? 1 : -1)
    .toDecimalPlaces(6);
  const sziAfter = szi.plus(delta);
  let entryAfter = entryPx;
  if (sziAfter.isZero()) entryAfter = ZERO;
  else if (reducing && opened.gt(0))
    entryAfter = px; // flipped: the remainder opens at the fill price
  else if (!reducing) entryAfter = szi.abs().mul(entryPx).plus(opened.mul(px)).div(sziAfter.abs());
  return { after: { szi: sziAfter, entryPx: entryAfter }, closedPnl, dir: direction(szi, sziAfter, reducing) };
}

function direction(before: Decimal, after: Decimal, reducing: boolean): string {
  if (!reducing) return after.isPos() ? 'Open Long' : 'Open Short';
  if (!after.isZero() && after.isPos() !== before.isPos()) return before.isPos() ? 'Long > Short' : 'Short > Long';
  return before.isPos() ? 'Close Long' : 'Close Short';
}

export function setStatus(order: HlSimOrder, status: string): void {
  order.status = status;
  order.statusTimestamp = Date.now();
}
