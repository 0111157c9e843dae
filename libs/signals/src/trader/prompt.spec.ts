// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the trader snapshot fixtures
import { traderMarket, traderPosition, traderSnapshot } from '../../../domain/src/trader/fixtures';
import { holdingTime, TRADER_ANSWER_FORMAT, traderMessages } from './prompt';
import { TRADER_DECISION_JSON_SCHEMA } from './schema';

const snapshot = () =>
  traderSnapshot({
    now: new Date('2026-12-01T12:00:00Z'),
    account: {
      initialBalance: '10000',
      equity: '10250.75',
      cash: '8950.75',
      positionValue: '6500',
      realizedPnl: '250.75',
      unrealizedPnl: '-120.5',
      sharpe: '1.37',
    },
    positions: [
      traderPosition({
        coin: 'BTC',
        side: 'SHORT',
        qty: '0.1',
        entryPrice: '63795',
        mark: '65000',
        unrealizedPnl: '-120.5',
        leverage: 5,
        stopLoss: '66500',
        takeProfit: '61000.5',
        liquidationPrice: '76554.12',
        openedAt: new Date('2026-12-01T09:55:00Z'),
      }),
    ],
    markets: [
      traderMarket('BTC', {
        change1h: '0.0031',
        change4h: '-0.012',
        change24h: '0.0505',
        fundingRate: '0.0000125',
        openInterest: '25000.5',
        maxLeverage: 40,
        indicators: { ret6h: '0.004', volatility24h: '0.0325' },
        series: ['64000', '64500.5', '64999.25', '65000'],
      }),
      traderMarket('ETH', { change1h: null, change4h: null, change24h: null, series: [] }),
      traderMarket('SOL', { listed: false }),
    ],
    limits: { maxPositionPct: '25', maxLeverage: 8, stopLossPct: '2.5', takeProfitPct: '6', coins: ['BTC', 'ETH', 'SOL'] },
  });

describe('traderMessages', () => {
  const [system, user] = traderMessages(snapshot()).map((m) => m.content as string);

  it('is a system and a user message, the same text for the same snapshot', () => {
    expect(traderMessages(snapshot()).map((m) => m.role)).toEqual(['system', 'user']);
    expect(JSON.stringify(traderMessages(snapshot()))).toBe(JSON.stringify(traderMessages(structuredClone(snapshot()))));
  });

  it('states the role, the strategy, every limit and the universe', () => {
    expect(system).toContain('You are Momentum One, an autonomous trading agent');
    expect(system).toContain('Strategy: Follow strong 4h trends, cut losers fast.');
    expect(system).toContain('Coins you may trade: BTC, ETH, SOL.');
    expect(system).toContain('It may not exceed 25% of your equity, and its margin (size_usd / leverage) may not exceed your cash.');
    expect(system).toContain('a whole number from 1 to 8');
    expect(system).toContain('the stop loss is set 2.5% and the take profit 6% from the mark');
    expect(system).toContain('One position per coin and side');
    const noStrategy = traderMessages(traderSnapshot({ strategy: null }))[0].content as string;
    expect(noStrategy).toContain('Strategy: none given');
  });

  it('gives the exact answer schema: every field, with its meaning', () => {
    expect(system).toContain(TRADER_ANSWER_FORMAT);
    for (const field of Object.keys(TRADER_DECISION_JSON_SCHEMA.properties)) {
      expect(TRADER_ANSWER_FORMAT).toContain(`"${field}"`);
      expect(system).toMatch(new RegExp(`^- (.*, )?${field}[,:]`, 'm'));
    }
  });

  it('holds the time and the account', () => {
    expect(user).toContain('Time: 2026-12-01T12:00:00.000Z');
    expect(user).toContain(
      'Account (USD): equity 10250.75 (initial balance 10000 + realized PnL +250.75), cash 8950.75, position value 6500, ' +
        'unrealized PnL -120.5, Sharpe so far 1.37.',
    );
    // 25 % of 10250.75; cash 8950.75 × 8
    expect(user).toContain('Largest new position now: notional 2562.6875 (25% of equity), and at most cash × leverage (71606 at 8x).');
    const fresh = traderMessages(traderSnapshot())[1].content as string;
    expect(fresh).toContain('Sharpe so far n/a (too few closed trades)');
    expect(fresh).toContain('Open positions: none.');
  });

  it('lists each open position with its numbers and holding time', () => {
    expect(user).toContain(
      '- BTC SHORT: qty 0.1, entry 63795, mark 65000, unrealized PnL -120.5, 5x, stop 66500, take profit 61000.5, ' +
        'liquidation 76554.12, held 2h 05m',
    );
  });

  it('lists each market: mark, changes in %, funding, open interest, indicators and the series oldest first', () => {
    expect(user).toContain(
      '- BTC: mark 65000; change 1h +0.31%, 4h -1.20%, 24h +5.05%; max leverage 40x; funding rate 0.0000125; ' +
        'open interest 25000.5; last 6h: return +0.40%, 24h volatility 3.25%; marks, oldest first: 64000 64500.5 64999.25 65000',
    );
    expect(user).toContain('- ETH: mark 3500; change 1h n/a, 4h n/a, 24h n/a; max leverage 50x\n');
    expect(user).toContain('- SOL: not listed by any venue; cannot be traded.');
    expect(user.trimEnd().endsWith('Decide now. Answer with the JSON object only.')).toBe(true);
  });

  it('holdingTime: whole minutes as hours and minutes', () => {
    const t = new Date('2026-12-01T12:00:00Z');
    const ago = (ms: number) => new Date(t.getTime() - ms);
    expect([holdingTime(ago(59_999), t), holdingTime(ago(45 * 60_000), t), holdingTime(ago(26 * 3_600_000 + 60_000), t)]).toEqual([
      '0m',
      '45m',
      '26h 01m',
    ]);
    expect(holdingTime(ago(-60_000), t)).toBe('0m');
  });
});
