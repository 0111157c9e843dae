// Snapshots of an llm_trader's cycle for tests: a plausible account, markets and limits, each part overridable.
// Test-only (not in the domain barrel); @conduit/testing re-exports it.
import type { CoinMarket, TraderLimits, TraderPosition, TraderSnapshot } from './types';

export const TRADER_T0 = new Date('2026-12-01T12:00:00Z');

/** A listed market with a mark, 24 hourly marks ending at it and the usual fields known. */
export function traderMarket(coin: string, over: Partial<CoinMarket> = {}): CoinMarket {
  const mark = over.mark === undefined ? (({ BTC: '65000', ETH: '3500', SOL: '150' } as Record<string, string>)[coin] ?? '1') : over.mark;
  return {
    coin,
    listed: true,
    mark,
    maxLeverage: 50,
    change1h: '0',
    change4h: '0',
    change24h: '0',
    series: mark === null ? [] : [mark],
    fundingRate: null,
    openInterest: null,
    indicators: null,
    ...over,
  };
}

export function traderPosition(over: Partial<TraderPosition> & Pick<TraderPosition, 'coin' | 'side'>): TraderPosition {
  return {
    qty: '0.1',
    entryPrice: '60000',
    mark: '65000',
    unrealizedPnl: over.side === 'LONG' ? '500' : '-500',
    leverage: 5,
    stopLoss: null,
    takeProfit: null,
    liquidationPrice: null,
    openedAt: new Date(TRADER_T0.getTime() - 90 * 60_000),
    ...over,
  };
}

export const TRADER_LIMITS: TraderLimits = {
  maxPositionPct: '20',
  maxLeverage: 10,
  stopLossPct: '2',
  takeProfitPct: '4',
  coins: ['BTC', 'ETH', 'SOL'],
};

/** A snapshot of an agent with 10 000 USD equity, all of it cash, no positions, and BTC, ETH and SOL listed. */
export function traderSnapshot(over: Partial<Omit<TraderSnapshot, 'limits'>> & { limits?: Partial<TraderLimits> } = {}): TraderSnapshot {
  const { limits, ...rest } = over;
  return {
    now: TRADER_T0,
    agentName: 'Momentum One',
    strategy: 'Follow strong 4h trends, cut losers fast.',
    account: {
      initialBalance: '10000',
      equity: '10000',
      cash: '10000',
      positionValue: '0',
      realizedPnl: '0',
      unrealizedPnl: '0',
      sharpe: null,
    },
    positions: [],
    markets: ['BTC', 'ETH', 'SOL'].map((c) => traderMarket(c)),
    ...rest,
    limits: { ...TRADER_LIMITS, ...limits },
  };
}
