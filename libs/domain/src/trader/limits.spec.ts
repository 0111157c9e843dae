import { traderMarket, traderPosition, traderSnapshot } from './fixtures';
import { holdToLimits, levelFromPct, normalizeTraderCoin } from './limits';
import type { TraderDecision } from './types';

const open = (over: Partial<TraderDecision> = {}): TraderDecision => ({
  action: 'OPEN_LONG',
  coin: 'BTC',
  size_usd: '1000',
  leverage: 2,
  stop_loss_price: '63000',
  take_profit_price: '68000',
  confidence: '0.7',
  reasoning: 'trend',
  ...over,
});

describe('holdToLimits: a decision within the limits', () => {
  it('keeps an OPEN as written, with its mark and nothing to close', () => {
    const held = holdToLimits(open({ size_usd: '1234.5' }), traderSnapshot());
    expect(held).toEqual({
      status: 'success',
      error: null,
      action: 'OPEN_LONG',
      coin: 'BTC',
      sizeUsd: '1234.5',
      leverage: 2,
      stopLoss: '63000',
      takeProfit: '68000',
      confidence: '0.7',
      reasoning: 'trend',
      mark: '65000',
      adjustments: [],
      closes: [],
    });
  });

  it('keeps an OPEN_SHORT whose levels are on a short’s sides', () => {
    const held = holdToLimits(
      open({ action: 'OPEN_SHORT', stop_loss_price: '66000', take_profit_price: '60000' }),
      traderSnapshot({ markets: [traderMarket('BTC')] }),
    );
    expect(held).toMatchObject({ status: 'success', action: 'OPEN_SHORT', stopLoss: '66000', takeProfit: '60000', adjustments: [] });
  });

  it('trades nothing on HOLD: size 0, leverage 1, no levels, whatever the model wrote', () => {
    const held = holdToLimits(open({ action: 'HOLD', coin: 'eth', size_usd: '500', leverage: 7 }), traderSnapshot());
    expect(held).toMatchObject({ status: 'success', action: 'HOLD', coin: 'ETH', sizeUsd: '0', leverage: 1, mark: '3500' });
    expect(held).toMatchObject({ stopLoss: null, takeProfit: null, adjustments: [], closes: [] });
    expect(holdToLimits(open({ action: 'HOLD', coin: '' }), traderSnapshot())).toMatchObject({ status: 'success', coin: '', mark: null });
  });

  it('normalises the coin to the universe’s spelling', () => {
    expect(normalizeTraderCoin(' btc ', ['BTC'])).toBe('BTC');
    expect(normalizeTraderCoin('KPEPE', ['BTC', 'kPEPE'])).toBe('kPEPE');
    expect(normalizeTraderCoin('doge', ['BTC'])).toBe('DOGE');
    const snap = traderSnapshot({ limits: { coins: ['BTC', 'kPEPE'] }, markets: [traderMarket('kPEPE', { mark: '0.0123' })] });
    const held = holdToLimits(open({ coin: 'kpepe', stop_loss_price: null, take_profit_price: null }), snap);
    expect(held).toMatchObject({ status: 'success', coin: 'kPEPE', mark: '0.0123', stopLoss: '0.012054', takeProfit: '0.012792' });
  });
});

describe('holdToLimits: size and leverage are clamped, leverage first', () => {
  it.each([
    // [why, account {equity, cash}, limits {pct, maxLev}, market max leverage, request {size, leverage}, size, leverage]
    ['pct of equity', ['10000', '10000'], ['20', 10], null, ['5000', 2], '2000', 2],
    ['cash × leverage', ['10000', '300'], ['20', 10], null, ['5000', 3], '900', 3],
    ['both: the smaller wins', ['10000', '500'], ['20', 10], null, ['5000', 2], '1000', 2],
    ['leverage clamped to max_leverage, then the cash cap', ['10000', '100'], ['50', 5], null, ['5000', 20], '500', 5],
    ['leverage clamped to the market’s max', ['10000', '100'], ['50', 10], 3, ['5000', 20], '300', 3],
    ['leverage 0 raised to 1', ['10000', '100'], ['50', 10], null, ['5000', 0], '100', 1],
    ['a cap below a cent is rounded down to cents', ['10000', '10000'], ['33.33333333333', 10], null, ['5000', 1], '3333.33', 1],
    [
      'a request with fractions of a cent is rounded down to cents',
      ['10000', '10000'],
      ['20', 10],
      null,
      ['1234.567890129', 1],
      '1234.56',
      1,
    ],
  ] as const)('%s', (_, [equity, cash], [maxPositionPct, maxLeverage], marketMax, [size, leverage], wantSize, wantLeverage) => {
    const snap = traderSnapshot({
      account: { ...traderSnapshot().account, equity, cash },
      limits: { maxPositionPct, maxLeverage },
      markets: [traderMarket('BTC', { maxLeverage: marketMax })],
    });
    const held = holdToLimits(open({ size_usd: size, leverage }), snap);
    expect(held).toMatchObject({ status: 'success', action: 'OPEN_LONG', sizeUsd: wantSize, leverage: wantLeverage });
    const sizeAdj = held.adjustments.find((a) => a.field === 'size_usd');
    expect(sizeAdj).toEqual({ field: 'size_usd', from: size, to: wantSize, reason: expect.any(String) });
    const levAdj = held.adjustments.find((a) => a.field === 'leverage');
    expect(levAdj ?? null).toEqual(
      leverage === wantLeverage ? null : expect.objectContaining({ from: `${leverage}`, to: `${wantLeverage}` }),
    );
  });

  it('says which limit bound and why', () => {
    const snap = (cash: string) => traderSnapshot({ account: { ...traderSnapshot().account, cash } });
    const [byEquity] = holdToLimits(open({ size_usd: '5000' }), snap('10000')).adjustments;
    expect(byEquity.reason).toBe('size_usd 5000 above max_position_size 20% of equity 10000 = 2000');
    const [byCash] = holdToLimits(open({ size_usd: '5000', leverage: 3 }), snap('300')).adjustments;
    expect(byCash.reason).toBe('margin of 5000 at 3x above the cash 300: notional capped at cash × leverage = 900');
    const lev = holdToLimits(open({ leverage: 25 }), traderSnapshot()).adjustments;
    expect(lev).toEqual([{ field: 'leverage', from: '25', to: '10', reason: 'leverage 25 above max_leverage 10' }]);
    const market = holdToLimits(open({ leverage: 25 }), traderSnapshot({ markets: [traderMarket('BTC', { maxLeverage: 4 })] }));
    expect(market.adjustments[0].reason).toBe("leverage 25 above the BTC market's max leverage 4");
  });

  it('keeps a size in cents exactly when it fits, and records what rounding to cents took off', () => {
    const exact = holdToLimits(open({ size_usd: '1999.99' }), traderSnapshot());
    expect(exact.sizeUsd).toBe('1999.99');
    expect(exact.adjustments).toEqual([]);
    const precise = holdToLimits(open({ size_usd: '1999.99999999' }), traderSnapshot());
    expect(precise.sizeUsd).toBe('1999.99');
    expect(precise.adjustments).toEqual([
      { field: 'size_usd', from: '1999.99999999', to: '1999.99', reason: 'rounded down to cents (size_usd is recorded in cents)' },
    ]);
  });

  it.each([
    ['no cash', { cash: '0' }, open(), 'no cash available (cash 0)'],
    ['negative cash', { cash: '-5' }, open(), 'no cash available (cash -5)'],
    ['size 0', {}, open({ size_usd: '0' }), 'size_usd 0: nothing to open'],
    ['equity 0', { equity: '0' }, open(), 'the limits leave no size (max notional 0)'],
  ])('turns an OPEN with %s into HOLD', (_, account, decision, reason) => {
    const held = holdToLimits(decision, traderSnapshot({ account: { ...traderSnapshot().account, ...account } }));
    expect(held).toMatchObject({ status: 'success', action: 'HOLD', sizeUsd: '0', leverage: 1, stopLoss: null, closes: [] });
    expect(held.adjustments).toEqual([{ field: 'action', from: 'OPEN_LONG', to: 'HOLD', reason }]);
  });
});

describe('holdToLimits: stop loss and take profit', () => {
  const levels = (action: 'OPEN_LONG' | 'OPEN_SHORT', stop: string | null, tp: string | null, mark = '65000') =>
    holdToLimits(
      open({ action, stop_loss_price: stop, take_profit_price: tp }),
      traderSnapshot({ markets: [traderMarket('BTC', { mark })] }),
    );

  it.each([
    // action, given stop, given tp, held stop, held tp (fallback: stop 2 %, take profit 4 % from the mark 65000)
    ['OPEN_LONG', null, null, '63700', '67600'],
    ['OPEN_LONG', '0', '0', '63700', '67600'],
    ['OPEN_LONG', '66000', '64000', '63700', '67600'],
    ['OPEN_LONG', '65000', '65000', '63700', '67600'],
    ['OPEN_LONG', '-1', 'abc', '63700', '67600'],
    ['OPEN_LONG', '64000', null, '64000', '67600'],
    ['OPEN_SHORT', null, null, '66300', '62400'],
    ['OPEN_SHORT', '64000', '66000', '66300', '62400'],
    ['OPEN_SHORT', '65500', '60000', '65500', '60000'],
  ] as const)('%s with stop %s and take profit %s holds stop %s and take profit %s', (action, stop, tp, wantStop, wantTp) => {
    const held = levels(action, stop, tp);
    expect(held).toMatchObject({ status: 'success', stopLoss: wantStop, takeProfit: wantTp });
    for (const [field, given, want] of [
      ['stop_loss_price', stop, wantStop],
      ['take_profit_price', tp, wantTp],
    ] as const) {
      const adj = held.adjustments.find((a) => a.field === field);
      expect(adj ?? null).toEqual(given === want ? null : { field, from: given, to: want, reason: expect.any(String) });
    }
  });

  it('explains each fallback', () => {
    const reasons = (stop: string | null, tp: string | null) => levels('OPEN_LONG', stop, tp).adjustments.map((a) => a.reason);
    expect(reasons(null, '64000')).toEqual([
      'no stop loss given: 2% below the mark 65000 (stop_loss_pct)',
      'take profit 64000 is not above the mark 65000 for a LONG: 4% above the mark 65000 (take_profit_pct)',
    ]);
    expect(reasons('-3', 'x')).toEqual([
      'stop loss -3 is not a positive price: 2% below the mark 65000 (stop_loss_pct)',
      'take profit "x" is not a number: 4% above the mark 65000 (take_profit_pct)',
    ]);
  });

  it('rounds to 8 places away from the mark, never onto it', () => {
    expect(levels('OPEN_LONG', null, null, '0.123456789')).toMatchObject({ stopLoss: '0.12098765', takeProfit: '0.12839507' });
    expect(levels('OPEN_SHORT', null, null, '0.123456789')).toMatchObject({ stopLoss: '0.12592593', takeProfit: '0.11851851' });
    // 2 % of 0.0000001 is below the 8th place: the fallback still lies strictly below and above the mark
    expect(levels('OPEN_LONG', null, null, '0.0000001')).toMatchObject({ stopLoss: '0.00000009', takeProfit: '0.00000011' });
    const given = levels('OPEN_LONG', '64999.999999999', '65000.000000001');
    expect(given).toMatchObject({ stopLoss: '64999.99999999', takeProfit: '65000.00000001' });
    expect(given.adjustments.map((a) => a.reason)).toEqual([
      'stop loss rounded to 8 decimal places, away from the mark',
      'take profit rounded to 8 decimal places, away from the mark',
    ]);
  });

  it('has no fallback when the pct is 0', () => {
    const snap = traderSnapshot({ limits: { stopLossPct: '0', takeProfitPct: '0' } });
    expect(holdToLimits(open({ stop_loss_price: null, take_profit_price: null }), snap)).toMatchObject({ stopLoss: null, adjustments: [] });
    const wrong = holdToLimits(open({ stop_loss_price: '70000', take_profit_price: '68000' }), snap);
    expect(wrong).toMatchObject({ stopLoss: null, takeProfit: '68000' });
    expect(wrong.adjustments).toEqual([
      {
        field: 'stop_loss_price',
        from: '70000',
        to: null,
        reason: 'stop loss 70000 is not below the mark 65000 for a LONG: no stop loss (stop_loss_pct is 0)',
      },
    ]);
  });

  it('levelFromPct: mark × (1 ∓ pct/100), null without a positive level', () => {
    expect(levelFromPct('LONG', 'stop', '100', '2.5')!.toFixed()).toBe('97.5');
    expect(levelFromPct('SHORT', 'take_profit', '100', '2.5')!.toFixed()).toBe('97.5');
    expect(levelFromPct('SHORT', 'stop', '100', '2.5')!.toFixed()).toBe('102.5');
    expect(levelFromPct('LONG', 'stop', '100', '100')).toBeNull();
    expect(levelFromPct('LONG', 'take_profit', '100', '0')).toBeNull();
  });
});

describe('holdToLimits: coins, positions and confidence', () => {
  it('fails a coin outside the universe, naming it and the universe; nothing trades', () => {
    const held = holdToLimits(open({ coin: 'doge', size_usd: '500' }), traderSnapshot());
    expect(held).toMatchObject({ status: 'failed', coin: 'DOGE', sizeUsd: '0', leverage: 1, stopLoss: null, closes: [] });
    expect(held.error).toBe('coin "DOGE" is not in the agent\'s universe (BTC, ETH, SOL)');
  });

  it.each([
    ['not listed', traderMarket('SOL', { listed: false }), 'no venue lists SOL: it cannot be traded now'],
    ['listed without a mark', traderMarket('SOL', { mark: null }), 'no venue lists SOL with a mark price: it cannot be traded now'],
    ['absent from the markets', traderMarket('BTC'), 'no venue lists SOL: it cannot be traded now'],
  ])('fails a universe coin %s', (_, market, error) => {
    const held = holdToLimits(open({ coin: 'SOL' }), traderSnapshot({ markets: [market] }));
    expect(held).toMatchObject({ status: 'failed', error, sizeUsd: '0', closes: [] });
  });

  it('holds instead of a second position in the same coin and side', () => {
    const snap = traderSnapshot({ positions: [traderPosition({ coin: 'BTC', side: 'LONG' })] });
    const held = holdToLimits(open(), snap);
    expect(held).toMatchObject({ status: 'success', action: 'HOLD', sizeUsd: '0', closes: [] });
    expect(held.adjustments).toEqual([
      {
        field: 'action',
        from: 'OPEN_LONG',
        to: 'HOLD',
        reason: 'already holds a LONG BTC position (qty 0.1): one position per coin and side',
      },
    ]);
  });

  it('closes the opposite side first, counting its margin and PnL toward the open', () => {
    // SHORT 0.1 BTC from 60000 at 5x: margin 1200, unrealized −500 → cash 0 + 1200 − 500 = 700, equity 10000 − 500 = 9500
    const short = traderPosition({ coin: 'BTC', side: 'SHORT' });
    const account = { ...traderSnapshot().account, cash: '0' };
    const snap = traderSnapshot({
      account,
      positions: [short, traderPosition({ coin: 'ETH', side: 'SHORT' })],
      limits: { maxPositionPct: '50' },
    });
    const held = holdToLimits(open({ size_usd: '5000', leverage: 2 }), snap);
    expect(held).toMatchObject({ status: 'success', action: 'OPEN_LONG', sizeUsd: '1400', leverage: 2, closes: [short] });
    expect(held.adjustments[0].reason).toBe(
      'margin of 5000 at 2x above the cash 700 after closing the opposite side: notional capped at cash × leverage = 1400',
    );
    const capped = holdToLimits(open({ size_usd: '9000', leverage: 10 }), snap);
    expect(capped).toMatchObject({ sizeUsd: '4750', leverage: 10, closes: [short] });
  });

  it('closes the positions in the coin on CLOSE_POSITION, and holds when there is none', () => {
    const long = traderPosition({ coin: 'ETH', side: 'LONG', mark: '3500' });
    const snap = traderSnapshot({ positions: [long, traderPosition({ coin: 'BTC', side: 'SHORT' })] });
    const close = holdToLimits(open({ action: 'CLOSE_POSITION', coin: 'eth' }), snap);
    expect(close).toMatchObject({ status: 'success', action: 'CLOSE_POSITION', coin: 'ETH', sizeUsd: '0', mark: '3500', closes: [long] });
    const none = holdToLimits(open({ action: 'CLOSE_POSITION', coin: 'SOL' }), snap);
    expect(none).toMatchObject({ status: 'success', action: 'HOLD', closes: [] });
    expect(none.adjustments).toEqual([
      { field: 'action', from: 'CLOSE_POSITION', to: 'HOLD', reason: 'nothing to close: no open SOL position' },
    ]);
    expect(holdToLimits(open({ action: 'CLOSE_POSITION', coin: 'PEPE' }), snap)).toMatchObject({ status: 'failed', closes: [] });
  });

  it('closes a held position even when its coin left the universe or lost its listing', () => {
    const doge = traderPosition({ coin: 'DOGE', side: 'LONG', mark: '0.2' });
    const snap = traderSnapshot({ positions: [doge], markets: [traderMarket('DOGE', { listed: false, mark: null })] });
    expect(holdToLimits(open({ action: 'CLOSE_POSITION', coin: 'doge' }), snap)).toMatchObject({
      status: 'success',
      action: 'CLOSE_POSITION',
      mark: '0.2',
      closes: [doge],
    });
  });

  it.each([
    ['1.5', '1'],
    ['-0.2', '0'],
    ['high', '0'],
  ])('clamps confidence %s to %s and records it', (given, want) => {
    const held = holdToLimits(open({ confidence: given }), traderSnapshot());
    expect(held.confidence).toBe(want);
    expect(held.adjustments).toEqual([{ field: 'confidence', from: given, to: want, reason: expect.stringContaining('confidence') }]);
  });
});
