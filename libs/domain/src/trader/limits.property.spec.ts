/**
 * Properties of holdToLimits over seeded random snapshots and decisions (no extra libraries: the draws come from the
 * domain's deterministic walkShock, so every run sees the same cases). Each property collects its failing cases.
 */
import Decimal from 'decimal.js';
import { dec, Dec } from '../money';
import { walkShock } from '../random-walk';
import { Side } from '../trading';
import { accountAfterCloses, holdToLimits, sideOfAction } from './limits';
import { HeldDecision, TRADER_ACTIONS, TraderDecision, TraderPosition, TraderSnapshot } from './types';

const CASES = 1500;
const T0 = new Date('2026-12-01T12:00:00Z');

class Draws {
  private n = 0;
  constructor(private readonly seed: string) {}
  unit(): number {
    return walkShock(this.seed, 'draw', this.n++).plus(1).div(2).toNumber();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.unit() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
  /** A positive decimal with up to `places` places, of magnitude 10^lo … 10^hi. */
  decimal(lo: number, hi: number, places = 10): Decimal {
    const digits = this.int(1, 9_999_999);
    return new Dec(digits)
      .mul(new Dec(10).pow(this.int(lo, hi)))
      .div(1_000_000)
      .toDecimalPlaces(places, Decimal.ROUND_DOWN);
  }
}

function randomCase(g: Draws): { snapshot: TraderSnapshot; decision: TraderDecision } {
  const coins = ['BTC', 'ETH', 'kPEPE'];
  const equity = g.unit() < 0.05 ? new Dec(0) : g.decimal(1, 5, 8);
  const cash = g.unit() < 0.1 ? new Dec(-g.int(0, 50)) : g.pick([equity, equity.mul(g.unit()).toDecimalPlaces(8)]);
  const markets = coins.map((coin) => {
    const mark = g.unit() < 0.05 ? null : g.pick([g.decimal(-6, 5, 8), g.decimal(-2, 5, 8)]);
    return {
      coin,
      listed: g.unit() < 0.95,
      mark: mark && mark.gt(0) ? mark.toFixed() : null,
      maxLeverage: g.pick([null, g.int(1, 50)]),
      change1h: null,
      change4h: null,
      change24h: null,
      series: [],
      fundingRate: null,
      openInterest: null,
      indicators: null,
    };
  });
  const positions: TraderPosition[] = coins.flatMap((coin) =>
    g.unit() < 0.3
      ? [
          {
            coin,
            side: g.pick(['LONG', 'SHORT'] as const),
            qty: g.decimal(-3, 2, 6).toFixed(),
            entryPrice: g.decimal(-2, 4, 8).toFixed(),
            mark: g.decimal(-2, 4, 8).toFixed(),
            unrealizedPnl: g
              .decimal(-1, 3, 8)
              .mul(g.pick([1, -1]))
              .toFixed(),
            leverage: g.int(1, 20),
            stopLoss: null,
            takeProfit: null,
            liquidationPrice: null,
            openedAt: T0,
          },
        ]
      : [],
  );
  const snapshot: TraderSnapshot = {
    now: T0,
    agentName: 'prop',
    strategy: null,
    account: {
      initialBalance: equity.toFixed(),
      equity: equity.toFixed(),
      cash: cash.toFixed(),
      positionValue: '0',
      realizedPnl: '0',
      unrealizedPnl: '0',
      sharpe: null,
    },
    positions,
    markets,
    limits: {
      maxPositionPct: g.pick(['5', '20', '33.3333333333', '100']),
      maxLeverage: g.int(1, 50),
      stopLossPct: g.pick(['0', '0.5', '2', '12.5', '150']),
      takeProfitPct: g.pick(['0', '1', '4', '200']),
      coins,
    },
  };
  const market = g.pick(markets);
  const mark = market.mark ? dec(market.mark) : dec(100);
  const level = () =>
    g.pick([
      null,
      '0',
      '-1',
      mark
        .mul(g.unit() * 2)
        .toDecimalPlaces(g.int(0, 12))
        .toFixed(),
      mark.toFixed(),
    ]);
  const decision: TraderDecision = {
    action: g.pick([...TRADER_ACTIONS, 'OPEN_LONG', 'OPEN_SHORT']),
    coin: g.unit() < 0.1 ? g.pick(['DOGE', '']) : g.pick([market.coin, market.coin.toLowerCase()]),
    size_usd: g.unit() < 0.1 ? g.pick(['0', '0.000000001']) : g.pick([g.decimal(-1, 6, 12).toFixed(), '1e12']),
    leverage: g.int(-2, 80),
    stop_loss_price: level(),
    take_profit_price: level(),
    confidence: g.pick(['0.5', '1.2', '-0.1', '0.123456789']),
    reasoning: 'r',
  };
  return { snapshot, decision };
}

const g = new Draws('trader-limits');
const cases = Array.from({ length: CASES }, () => {
  const c = randomCase(g);
  return { ...c, held: holdToLimits(c.decision, c.snapshot) };
});
const opens = cases.filter((c) => c.held.status === 'success' && sideOfAction(c.held.action));
const places = (s: string) => dec(s).decimalPlaces();
const show = (x: unknown) => JSON.stringify(x);

function openProblems({ snapshot, decision, held }: { snapshot: TraderSnapshot; decision: TraderDecision; held: HeldDecision }): string[] {
  const side = sideOfAction(held.action) as Side;
  const market = snapshot.markets.find((m) => m.coin === held.coin)!;
  const mark = dec(held.mark!);
  const { equity, cash } = accountAfterCloses(snapshot.account, held.closes);
  const size = dec(held.sizeUsd);
  const maxLev = Math.min(snapshot.limits.maxLeverage, market.maxLeverage ?? Infinity);
  const problems: string[] = [];
  if (!size.gt(0) || size.gt(dec(decision.size_usd)) || places(held.sizeUsd) > 8) problems.push('size not in (0, requested], 8 places');
  if (size.gt(equity.mul(snapshot.limits.maxPositionPct).div(100))) problems.push('size above pct of equity');
  if (size.div(held.leverage).gt(cash)) problems.push('margin above cash');
  if (held.leverage < 1 || held.leverage > maxLev || !Number.isInteger(held.leverage)) problems.push('leverage outside [1, max]');
  if (held.leverage !== Math.min(maxLev, Math.max(1, decision.leverage))) problems.push('leverage not the clamped request');
  const below = (kind: 'stop' | 'tp') => (side === 'LONG') === (kind === 'stop');
  for (const [kind, level] of [
    ['stop', held.stopLoss],
    ['tp', held.takeProfit],
  ] as const) {
    if (level === null) continue;
    const l = dec(level);
    if (!l.gt(0) || places(level) > 8 || (below(kind) ? !l.lt(mark) : !l.gt(mark))) problems.push(`${kind} ${level} on the wrong side`);
  }
  if (snapshot.positions.some((p) => p.coin === held.coin && p.side === side)) problems.push('second position in a coin and side');
  const opposite = snapshot.positions.filter((p) => p.coin === held.coin && p.side !== side);
  if (show(held.closes) !== show(opposite)) problems.push('closes is not the opposite side');
  return problems;
}

describe('holdToLimits over random snapshots and decisions', () => {
  it('reaches every outcome (the properties are not vacuous)', () => {
    const count = (f: (h: HeldDecision) => boolean) => cases.filter((c) => f(c.held)).length;
    expect(opens.length).toBeGreaterThan(150);
    expect(count((h) => h.status === 'failed')).toBeGreaterThan(100);
    expect(count((h) => h.action === 'HOLD' && h.adjustments.some((a) => a.field === 'action'))).toBeGreaterThan(50);
    expect(count((h) => h.action === 'CLOSE_POSITION')).toBeGreaterThan(20);
    expect(opens.filter((c) => c.held.closes.length > 0).length).toBeGreaterThan(10);
    for (const field of ['size_usd', 'leverage', 'stop_loss_price', 'take_profit_price'])
      expect(opens.filter((c) => c.held.adjustments.some((a) => a.field === field)).length).toBeGreaterThan(20);
    expect(opens.filter((c) => c.held.stopLoss === null).length).toBeGreaterThan(5);
  });

  it('an OPEN that trades respects every limit, exactly', () => {
    const failures = opens.flatMap((c) => {
      const problems = openProblems(c);
      return problems.length ? [show({ problems, decision: c.decision, held: c.held, snapshot: c.snapshot })] : [];
    });
    expect(failures).toEqual([]);
  });

  it('every value that differs from the decision is recorded, with from, to and a reason', () => {
    const failures = opens.flatMap(({ decision, held }) => {
      const pairs = [
        ['size_usd', decision.size_usd, held.sizeUsd],
        ['leverage', String(decision.leverage), String(held.leverage)],
        ['stop_loss_price', decision.stop_loss_price, held.stopLoss],
        ['take_profit_price', decision.take_profit_price, held.takeProfit],
        ['confidence', decision.confidence, held.confidence],
      ] as const;
      const bad = pairs.filter(([field, from, to]) => {
        const adj = held.adjustments.filter((a) => a.field === field);
        return from === to ? adj.length !== 0 : adj.length !== 1 || adj[0].from !== from || adj[0].to !== to || !adj[0].reason;
      });
      return bad.length ? [show({ bad, held })] : [];
    });
    expect(failures).toEqual([]);
  });

  it('holding a held OPEN again changes nothing', () => {
    const failures = opens.flatMap(({ snapshot, held }) => {
      const again = holdToLimits(
        {
          action: held.action,
          coin: held.coin,
          size_usd: held.sizeUsd,
          leverage: held.leverage,
          stop_loss_price: held.stopLoss,
          take_profit_price: held.takeProfit,
          confidence: held.confidence,
          reasoning: held.reasoning,
        },
        snapshot,
      );
      return show(again) === show({ ...held, adjustments: [] }) ? [] : [show({ held, again })];
    });
    expect(failures).toEqual([]);
  });

  it('nothing trades unless the decision succeeded; HOLD and failures carry no size, leverage or levels', () => {
    const failures = cases.filter(({ held }) => {
      const trades = held.status === 'success' && held.action !== 'HOLD';
      const empty = held.sizeUsd === '0' && held.leverage === 1 && held.stopLoss === null && held.takeProfit === null;
      if (held.status === 'failed') return !held.error || !empty || held.closes.length > 0;
      return trades ? held.error !== null : !empty || held.closes.length > 0;
    });
    expect(failures.map(show)).toEqual([]);
  });
});
