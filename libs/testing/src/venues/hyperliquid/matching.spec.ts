import Decimal from 'decimal.js';
import { ApiRequestError } from '@nktkas/hyperliquid';
import { formatPrice } from '@nktkas/hyperliquid/utils';
import { ETH, ioc, newCloid, useSim } from './sim-fixture';

describe('HyperliquidSim orders (driven through @nktkas/hyperliquid)', () => {
  const f = useSim();

  describe('trading through an agent', () => {
    it('fills an IOC order with a cloid, reports it everywhere, and closes it reduce-only with realised PnL', async () => {
      const { master, agent, user } = await f.masterWithAgent('1000');
      const trader = f.exchange(agent);
      const cloid = newCloid();

      const opened = await trader.order({ orders: [ioc(ETH, true, '1999', '0.05', { c: cloid })], grouping: 'na' });
      const filled = (opened.response.data.statuses[0] as { filled: { totalSz: string; avgPx: string; oid: number } }).filled;
      expect(filled).toEqual({ totalSz: '0.05', avgPx: '1904.0', oid: expect.any(Number) });

      const status = await f.info.orderStatus({ user, oid: cloid });
      expect(status).toEqual({
        status: 'order',
        order: {
          order: {
            coin: 'ETH',
            side: 'B',
            limitPx: '1999.0',
            sz: '0.0',
            oid: filled.oid,
            timestamp: expect.any(Number),
            triggerCondition: 'N/A',
            isTrigger: false,
            triggerPx: '0.0',
            children: [],
            isPositionTpsl: false,
            reduceOnly: false,
            orderType: 'Limit',
            origSz: '0.05',
            tif: 'Ioc',
            cloid,
          },
          status: 'filled',
          statusTimestamp: expect.any(Number),
        },
      });
      expect(await f.info.orderStatus({ user, oid: filled.oid })).toEqual(status);
      expect(await f.info.orderStatus({ user: agent.address as `0x${string}`, oid: cloid })).toEqual({ status: 'unknownOid' });

      // fee = 1904 × 0.05 × 4.5 bp = 0.04284; unrealised = 0.05 × (1903.95 − 1904) = −0.0025
      const state = await f.info.clearinghouseState({ user });
      expect(state.assetPositions).toEqual([
        {
          type: 'oneWay',
          position: {
            coin: 'ETH',
            szi: '0.05',
            leverage: { type: 'cross', value: 20 },
            entryPx: '1904.0',
            positionValue: '95.1975',
            unrealizedPnl: '-0.0025',
            returnOnEquity: '-0.00052521',
            liquidationPx: null,
            marginUsed: '4.759875',
            maxLeverage: 50,
            cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
          },
        },
      ]);
      expect(state.marginSummary).toEqual({
        accountValue: '999.95466',
        totalNtlPos: '95.1975',
        totalRawUsd: '904.75716',
        totalMarginUsed: '4.759875',
      });
      expect(state.withdrawable).toBe('995.194785');
      expect((await f.info.clearinghouseState({ user: agent.address as `0x${string}` })).assetPositions).toEqual([]);

      const [fill] = await f.info.userFills({ user });
      expect(fill).toEqual({
        coin: 'ETH',
        px: '1904.0',
        sz: '0.05',
        side: 'B',
        time: expect.any(Number),
        startPosition: '0.0',
        dir: 'Open Long',
        closedPnl: '0.0',
        hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        oid: filled.oid,
        crossed: true,
        fee: '0.04284',
        tid: expect.any(Number),
        cloid,
        feeToken: 'USDC',
        twapId: null,
      });

      // The mid moves to 2000: the best bid becomes 1999.9; closing realises 0.05 × (1999.9 − 1904) = 4.795.
      f.sim.setMid('ETH', '2000');
      const closeCloid = newCloid();
      const closed = await trader.order({
        orders: [ioc(ETH, false, formatPrice('1900', 4), '0.05', { r: true, c: closeCloid })],
        grouping: 'na',
      });
      expect(closed.response.data.statuses[0]).toEqual({ filled: { totalSz: '0.05', avgPx: '1999.9', oid: filled.oid + 1 } });
      const fills = await f.info.userFills({ user });
      expect(fills[0]).toMatchObject({
        side: 'A',
        dir: 'Close Long',
        startPosition: '0.05',
        closedPnl: '4.795',
        fee: '0.044998',
        cloid: closeCloid,
      });
      expect(f.sim.positions(master.address)).toEqual([]);
      const after = await f.info.clearinghouseState({ user });
      expect(after.assetPositions).toEqual([]);
      expect(after.marginSummary.accountValue).toBe(new Decimal(1000).minus('0.04284').plus('4.795').minus('0.044998').toFixed());
      // 1004.707162

      expect(f.sim.orders.map((o) => [o.signer, o.master, o.cloid, o.status])).toEqual([
        [agent.address.toLowerCase(), user.toLowerCase(), cloid, 'filled'],
        [agent.address.toLowerCase(), user.toLowerCase(), closeCloid, 'filled'],
      ]);
    });

    it('walks the book up to the limit and cancels the unfilled IOC remainder', async () => {
      const { agent, user } = await f.masterWithAgent('5000');
      // Level 0 holds 13.1302 ETH at 1904.0 and level 1 holds 26.2575 at 1904.2; a limit of 1904.0 stops at level 0.
      const partial = await f.exchange(agent).order({ orders: [ioc(ETH, true, '1904', '20')], grouping: 'na' });
      expect(partial.response.data.statuses[0]).toEqual({ filled: { totalSz: '13.1302', avgPx: '1904.0', oid: expect.any(Number) } });
      expect(f.sim.orders[0]).toMatchObject({ status: 'canceled', filledSz: '13.1302' });

      const swept = await f.exchange(agent).order({ orders: [ioc(ETH, true, '1904.2', '20')], grouping: 'na' });
      const avgPx = new Decimal('13.1302').mul('1904').plus(new Decimal('6.8698').mul('1904.2')).div(20);
      expect(swept.response.data.statuses[0]).toEqual({
        filled: { totalSz: '20.0', avgPx: avgPx.toDecimalPlaces(8).toFixed(), oid: expect.any(Number) },
      });
      const fills = await f.info.userFills({ user });
      expect(fills.slice(0, 2).map((f) => [f.px, f.sz])).toEqual([
        ['1904.2', '6.8698'],
        ['1904.0', '13.1302'],
      ]);
      expect(f.sim.positions(user)).toEqual([{ coin: 'ETH', szi: '33.1302', entryPx: expect.any(String) }]);
    });

    it('rests a Gtc order that does not cross, lists it and cancels it once', async () => {
      const { agent, user } = await f.masterWithAgent();
      const cloid = newCloid();
      const placed = await f.exchange(agent).order({
        orders: [{ a: ETH, b: true, p: '1800', s: '0.1', r: false, t: { limit: { tif: 'Gtc' } }, c: cloid }],
        grouping: 'na',
      });
      const { oid } = (placed.response.data.statuses[0] as { resting: { oid: number } }).resting;
      expect(await f.info.openOrders({ user })).toEqual([
        { coin: 'ETH', side: 'B', limitPx: '1800.0', sz: '0.1', oid, timestamp: expect.any(Number), origSz: '0.1', cloid },
      ]);

      await expect(f.exchange(agent).cancel({ cancels: [{ a: ETH, o: oid }] })).resolves.toEqual({
        status: 'ok',
        response: { type: 'cancel', data: { statuses: ['success'] } },
      });
      await expect(f.exchange(agent).cancelByCloid({ cancels: [{ asset: ETH, cloid }] })).rejects.toThrow(
        'Order 0: Order was never placed, already canceled, or filled.',
      );
      expect(await f.info.openOrders({ user })).toEqual([]);
      expect(await f.info.orderStatus({ user, oid })).toMatchObject({
        status: 'order',
        order: { status: 'canceled', order: { sz: '0.1', origSz: '0.1' } },
      });
    });
  });

  describe('order validation', () => {
    it('answers each invalid order with its per-order error status', async () => {
      const { agent, user } = await f.masterWithAgent('1000');
      const trader = f.exchange(agent);
      const cloid = newCloid();
      await trader.order({ orders: [ioc(ETH, true, '1999', '0.01', { c: cloid })], grouping: 'na' });

      const cases: Array<[ReturnType<typeof ioc>, string]> = [
        [ioc(ETH, true, '1904.05', '0.01'), 'Order has invalid price.'], // 6 significant figures
        [ioc(ETH, true, '1999', '0.00001'), 'Order has invalid size.'], // 5 decimals > szDecimals 4
        [ioc(ETH, true, '1999', '0.001'), 'Order must have minimum value of $10.'],
        [ioc(ETH, true, '1800', '0.01'), 'Order could not immediately match against any resting orders. asset=1'],
        [
          ioc(ETH, false, '2000', '0.02', { r: true }), // reduce-only, clipped, no bid that high
          'Order could not immediately match against any resting orders. asset=1',
        ],
        [ioc(ETH, true, '1999', '0.01', { r: true }), 'Reduce only order would increase position. asset=1'],
        [ioc(ETH, true, '1999', '11'), 'Insufficient margin to place order. asset=1'], // ~$20.9k at 20x needs ~$1047
        [ioc(ETH, true, '1999', '0.01', { c: cloid }), `Duplicate cloid ${cloid}. asset=1`],
        [ioc(99, true, '1999', '0.01'), 'Invalid asset 99.'],
      ];
      for (const [order, error] of cases) {
        const failure = await trader.order({ orders: [order], grouping: 'na' }).catch((err: unknown) => err);
        expect(failure).toBeInstanceOf(ApiRequestError);
        expect((failure as ApiRequestError).message).toBe(`Order 0: ${error}`);
        expect((failure as ApiRequestError).response).toEqual({
          status: 'ok',
          response: { type: 'order', data: { statuses: [{ error }] } },
        });
      }
      expect(f.sim.positions(user)).toEqual([{ coin: 'ETH', szi: '0.01', entryPx: '1904' }]);
      expect(f.sim.orders.map((o) => o.status)).toEqual([
        'filled',
        'tickRejected',
        'minTradeNtlRejected',
        'iocCancelRejected',
        'iocCancelRejected',
        'reduceOnlyRejected',
        'perpMarginRejected',
      ]);

      // One action, several orders: each gets its own status; the SDK throws if any of them is an error.
      const mixed = await trader
        .order({ orders: [ioc(ETH, true, '1999', '0.01'), ioc(ETH, true, '1999', '0.001')], grouping: 'na' })
        .catch((err: ApiRequestError) => err);
      expect((mixed as ApiRequestError).response).toMatchObject({
        response: { data: { statuses: [{ filled: { totalSz: '0.01' } }, { error: 'Order must have minimum value of $10.' }] } },
      });
    });

    it('changes leverage within the coin maximum and refuses more', async () => {
      const { agent, user } = await f.masterWithAgent();
      await expect(f.exchange(agent).updateLeverage({ asset: ETH, isCross: true, leverage: 5 })).resolves.toEqual({
        status: 'ok',
        response: { type: 'default' },
      });
      await expect(f.exchange(agent).updateLeverage({ asset: ETH, isCross: true, leverage: 51 })).rejects.toThrow(
        new ApiRequestError({ status: 'err', response: 'Invalid leverage value' }),
      );
      await f.exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.1')], grouping: 'na' });
      expect((await f.info.clearinghouseState({ user })).assetPositions[0].position.leverage).toEqual({ type: 'cross', value: 5 });
    });
  });
});
