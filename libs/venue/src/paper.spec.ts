import Decimal from 'decimal.js';
import { dec } from '@conduit/domain';
import { MarketInfo } from './adapter';
import { PaperVenue } from './paper';

/** The paper venue implements the whole adapter interface over a table of marks (here an in-memory one). */
describe('PaperVenue', () => {
  const marks = new Map<string, Decimal>([['ETH', dec('2000')]]);
  const markets: MarketInfo[] = [
    { symbol: 'ETH', index: 1, pair: 'ETH-USD', szDecimals: 4, maxLeverage: 50, minSize: '0.0001', minNotionalUsd: '10', active: true },
    { symbol: 'XYZ', index: 2, pair: 'XYZ-USD', szDecimals: 0, maxLeverage: 3, minSize: '1', minNotionalUsd: '10', active: true },
  ];
  const venue = (name: 'HYPERLIQUID' | 'SPOT' = 'HYPERLIQUID') =>
    new PaperVenue(
      name,
      { mark: async (_v, s) => marks.get(s) ?? null, markets: async () => markets },
      { takerFeeBps: '4.5', slippageBps: '5', startingEquityUsd: '10000' },
    );
  const account = { address: '0xABC' };

  it(
    'fills at the mark moved by the slippage (never beyond the order bound), charges the taker fee, once per client order ' + 'id',
    async () => {
      const v = venue();
      const order = {
        clientOrderId: '0x01',
        account,
        symbol: 'ETH',
        side: 'BUY' as const,
        qty: '1.5',
        reduceOnly: false,
        maxSlippageBps: '2',
      };
      const fill = await v.placeOrder(order);
      expect(fill).toMatchObject({ status: 'FILLED', filledQty: '1.50000000', avgPrice: '2000.40000000', fee: '1.35027000' });
      expect(await v.placeOrder(order)).toEqual(fill);
      expect(await v.orderStatus({ address: '0xabc' }, { clientOrderId: '0x01', symbol: 'ETH' })).toEqual(fill);
      expect(await v.orderStatus(account, { clientOrderId: '0x02', symbol: 'ETH' })).toBeNull();
    },
  );

  it('keeps positions and fills per account and closes the whole position reduce-only', async () => {
    const v = venue();
    await v.placeOrder({ clientOrderId: '0x01', account, symbol: 'ETH', side: 'SELL', qty: '2', reduceOnly: false, maxSlippageBps: '50' });
    expect(await v.openPositions('0xabc')).toEqual([expect.objectContaining({ symbol: 'ETH', side: 'SHORT', qty: '2.00000000' })]);
    const closed = await v.closePosition(account, 'ETH', '0x02', '50');
    expect(closed).toMatchObject({ status: 'FILLED', filledQty: '2.00000000', avgPrice: '2001.00000000' });
    expect(await v.openPositions('0xabc')).toEqual([]);
    expect((await v.fills('0xabc')).map((f) => [f.side, f.clientOrderId])).toEqual([
      ['SELL', '0x01'],
      ['BUY', '0x02'],
    ]);
    expect(await v.closePosition(account, 'ETH', '0x03', '50')).toMatchObject({
      status: 'REJECTED',
      error: 'no open ETH position on paper HYPERLIQUID',
    });
  });

  it('liquidates a position at the liquidation price whatever the mark, charging the taker fee, once per client order id', async () => {
    const v = venue();
    await v.placeOrder({ clientOrderId: '0x01', account, symbol: 'ETH', side: 'BUY', qty: '1', reduceOnly: false, maxSlippageBps: '50' });
    // the mark (2000) gapped below the liquidation price: the fill is still at 1800; fee 1800 × 0.00045 = 0.81
    const order = {
      clientOrderId: '0x02',
      account,
      symbol: 'ETH',
      side: 'SELL' as const,
      qty: '1',
      reduceOnly: true,
      maxSlippageBps: '50',
    };
    const liquidated = await v.liquidate(order, '1800');
    expect(liquidated).toMatchObject({ status: 'FILLED', filledQty: '1.00000000', avgPrice: '1800.00000000', fee: '0.81000000' });
    expect(await v.liquidate(order, '1700')).toEqual(liquidated);
    expect(await v.orderStatus(account, { clientOrderId: '0x02', symbol: 'ETH' })).toEqual(liquidated);
    expect(await v.openPositions('0xabc')).toEqual([]);
    expect((await v.fills('0xabc')).map((f) => f.liquidation)).toEqual([
      null,
      { liquidatedUser: '0xabc', markPrice: '2000.00000000', method: 'market' },
    ]);
  });

  it('refuses what it cannot fill, and lists markets, marks, a synthetic book and its account', async () => {
    const v = venue();
    expect(
      await v.placeOrder({ clientOrderId: '0x09', account, symbol: 'XYZ', side: 'BUY', qty: '1', reduceOnly: false, maxSlippageBps: '50' }),
    ).toMatchObject({
      status: 'REJECTED',
      error: 'no mark price for XYZ on HYPERLIQUID',
    });
    expect(
      await v.placeOrder({ clientOrderId: '0x0a', account, symbol: 'ETH', side: 'BUY', qty: '0', reduceOnly: false, maxSlippageBps: '50' }),
    ).toMatchObject({ status: 'REJECTED' });
    expect((await v.markets()).map((m) => m.symbol)).toEqual(['ETH', 'XYZ']);
    expect([...(await v.markPrices()).keys()]).toEqual(['ETH']);
    const book = await v.orderBook('ETH', 3);
    expect(book.asks.map((l) => l.price)).toEqual(['2001.00000000', '2001.20000000', '2001.40000000']);
    expect(book.bids[0].price).toBe('1999.00000000');
    expect(dec(book.asks[0].size).mul(book.asks[0].price).toDecimalPlaces(0).toString()).toBe('50000');
    expect(await v.accountState()).toEqual({ equity: '10000.00000000', freeCollateral: '10000.00000000' });
    expect(v.feeSchedule()).toEqual({ takerBps: '4.5', makerBps: '0' });
  });

  it('paper SPOT buys and sells back what it bought, and refuses a short or leverage', async () => {
    const v = venue('SPOT');
    const order = { account, symbol: 'ETH', qty: '1', maxSlippageBps: '50' };
    expect(await v.placeOrder({ ...order, clientOrderId: '0x01', side: 'SELL', reduceOnly: false })).toMatchObject({
      status: 'REJECTED',
      error: 'SPOT trades LONG only: no short on a spot swap',
    });
    expect(await v.placeOrder({ ...order, clientOrderId: '0x02', side: 'BUY', reduceOnly: false, leverage: 2 })).toMatchObject({
      status: 'REJECTED',
      error: 'SPOT trades without leverage: 2x asked, 1x the most',
    });
    expect(await v.openPositions('0xabc')).toEqual([]);
    expect(await v.placeOrder({ ...order, clientOrderId: '0x03', side: 'BUY', reduceOnly: false, leverage: 1 })).toMatchObject({
      status: 'FILLED',
      filledQty: '1.00000000',
    });
    expect(await v.closePosition(account, 'ETH', '0x04', '50')).toMatchObject({ status: 'FILLED', filledQty: '1.00000000' });
    expect(await v.openPositions('0xabc')).toEqual([]);
  });
});
