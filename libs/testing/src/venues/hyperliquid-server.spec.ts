import Decimal from 'decimal.js';
import { ExchangeClient, HttpRequestError, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { formatPrice } from '@nktkas/hyperliquid/utils';
import { startHyperliquidServer } from './hyperliquid-server';
import { readVectors } from '../vectors';
import { ETH, ioc, newCloid, newWallet, useSim } from './hyperliquid/sim-fixture';

describe('HyperliquidSim (driven through @nktkas/hyperliquid)', () => {
  const f = useSim();

  describe('market data', () => {
    it('serves the seeded universe, mids and a synthetic book on valid ticks', async () => {
      const meta = await f.info.meta();
      expect(meta.universe.slice(0, 2)).toEqual([
        { szDecimals: 5, name: 'BTC', maxLeverage: 50, marginTableId: 50 },
        { szDecimals: 4, name: 'ETH', maxLeverage: 50, marginTableId: 50 },
      ]);
      expect(meta.universe).toHaveLength(28);
      expect((await f.info.allMids()).ETH).toBe('1903.95');

      const book = await f.info.l2Book({ coin: 'ETH' });
      const [bids, asks] = book!.levels;
      expect(bids).toHaveLength(10);
      expect(asks).toHaveLength(10);
      expect(bids[0]).toEqual({ px: '1903.9', sz: '13.1309', n: 1 });
      expect(asks[0]).toEqual({ px: '1904.0', sz: '13.1302', n: 1 });
      for (const [side, levels] of [
        ['bid', bids],
        ['ask', asks],
      ] as const) {
        for (let i = 0; i < levels.length; i++) {
          const px = new Decimal(levels[i].px);
          expect(formatPrice(levels[i].px, 4)).toBe(px.toFixed()); // already on a valid tick
          if (i > 0) {
            expect(side === 'bid' ? px.lt(levels[i - 1].px) : px.gt(levels[i - 1].px)).toBe(true);
            expect(new Decimal(levels[i].sz).gt(levels[i - 1].sz)).toBe(true);
          }
        }
      }
      expect(await f.info.l2Book({ coin: 'NOPE' })).toBeNull();

      // Every seeded coin's book sits on ticks the SDK's own formatter leaves unchanged, strictly around the mid.
      const mids = await f.info.allMids();
      for (const { name, szDecimals } of meta.universe) {
        const [coinBids, coinAsks] = (await f.info.l2Book({ coin: name }))!.levels;
        expect(new Decimal(coinBids[0].px).lt(mids[name]) && new Decimal(coinAsks[0].px).gt(mids[name])).toBe(true);
        for (const level of [...coinBids, ...coinAsks]) expect(formatPrice(level.px, szDecimals)).toBe(new Decimal(level.px).toFixed());
      }

      const [, ctxs] = await f.info.metaAndAssetCtxs();
      expect(ctxs[ETH]).toMatchObject({
        markPx: '1903.95',
        midPx: '1903.95',
        oraclePx: '1903.95',
        impactPxs: ['1903.9', '1904.0'],
        funding: '0.0',
      });
      // The funding rate a test sets is reported in the wire's style (signed, plain decimal).
      f.sim.setFunding('ETH', '-0.0000125');
      expect((await f.info.metaAndAssetCtxs())[1][ETH].funding).toBe('-0.0000125');
      f.sim.setFunding('ETH', '0');
    });

    it('answers an unknown info type with HTTP 422 and a dead server with 503', async () => {
      const res = await fetch(`${f.sim.url}/info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'nope' }),
      });
      expect(res.status).toBe(422);
      expect(await res.text()).toMatch(/unknown variant `nope`/);

      f.sim.setDown(true);
      await expect(f.info.meta()).rejects.toThrow(HttpRequestError);
      await expect(f.info.meta()).rejects.toThrow(/^503/);
      f.sim.setDown(false);
      await expect(f.info.meta()).resolves.toHaveProperty('universe');
    });
  });

  describe('liquidation (a test control)', () => {
    it('closes the whole position and records a liquidation fill in the recorded wire format', async () => {
      const { agent, user } = await f.masterWithAgent('1000');
      await f.exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.5')], grouping: 'na' });
      const [{ entryPx }] = f.sim.positions(user);
      const before = (await f.info.clearinghouseState({ user })).marginSummary.accountValue;
      const fill = f.sim.liquidate(user, 'ETH', { px: '1850.5', markPx: '1851' });
      expect(f.sim.positions(user)).toEqual([]);
      const [latest] = await f.info.userFills({ user });
      expect(latest).toEqual(fill);
      // the keys of CCXT's recorded liquidation fill (hyperliquid_api/ccxt_static_responses.json), in its order
      const recorded = readVectors('hyperliquid_api/ccxt_static_responses.json')
        .entries.flatMap((e: any) => (Array.isArray(e.httpResponse) ? e.httpResponse : []))
        .find((r: any) => r.liquidation && r.coin === 'HYPE');
      expect(Object.keys(latest)).toEqual(Object.keys(recorded));
      expect(Object.keys(latest.liquidation!)).toEqual(Object.keys(recorded.liquidation));
      // sold 0.5 at 1850.5: the closed PnL against the entry, the taker fee (4.5 bps), no cloid
      const closedPnl = new Decimal('1850.5').minus(entryPx).mul('0.5');
      const fee = new Decimal('1850.5').mul('0.5').mul('0.00045').toDecimalPlaces(6);
      expect(latest).toMatchObject({
        coin: 'ETH',
        px: '1850.5',
        sz: '0.5',
        side: 'A',
        dir: 'Close Long',
        startPosition: '0.5',
        closedPnl: closedPnl.toFixed(),
        fee: fee.toFixed(),
        crossed: true,
        liquidation: { liquidatedUser: user.toLowerCase(), markPx: '1851.0', method: 'market' },
      });
      expect('cloid' in latest).toBe(false);
      // the account had the position's PnL at the mid (1903.95); it keeps the PnL at the liquidation less the fee
      const unrealized = new Decimal('1903.95').minus(entryPx).mul('0.5');
      const after = (await f.info.clearinghouseState({ user })).marginSummary.accountValue;
      expect(after).toEqualDecimal(new Decimal(before).minus(unrealized).plus(closedPnl).minus(fee));
      expect(() => f.sim.liquidate(user, 'ETH')).toThrow(/holds no ETH position/);
    });
  });

  describe('failure injection', () => {
    it('hangUpAfterNextOrder fills the order but drops the answer; orderStatus by cloid then shows it filled', async () => {
      const { agent, user } = await f.masterWithAgent();
      const cloid = newCloid();
      f.sim.hangUpAfterNextOrder();
      await expect(f.exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.01', { c: cloid })], grouping: 'na' })).rejects.toThrow(
        HttpRequestError,
      );

      const status = await f.info.orderStatus({ user, oid: cloid });
      expect(status).toMatchObject({ status: 'order', order: { status: 'filled', order: { cloid, origSz: '0.01' } } });
      expect(f.sim.exchangeRequests.at(-1)?.response).toMatchObject({
        status: 'ok',
        response: { data: { statuses: [{ filled: { totalSz: '0.01' } }] } },
      });

      // Only the next order hangs up.
      await expect(f.exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.01')], grouping: 'na' })).resolves.toHaveProperty(
        'status',
        'ok',
      );
    });
  });
});

describe('HyperliquidSim options (mainnet, custom universe, no fee)', () => {
  it('trades a custom market through an agent approved by the shortcut, with leverage capped by maxLeverage', async () => {
    const sim = await startHyperliquidServer({
      markets: [{ name: 'TEST', szDecimals: 2, maxLeverage: 10, mid: '100' }],
      takerFeeBps: '0',
      bookDepthLevels: 3,
    });
    try {
      const transport = new HttpTransport({ apiUrl: sim.url }); // mainnet, like the server
      const info = new InfoClient({ transport });
      const master = newWallet();
      const agent = newWallet();
      sim.fund(master.address, '50');
      sim.approveAgentDirectly(master.address, agent.address);

      expect((await info.meta()).universe).toEqual([{ szDecimals: 2, name: 'TEST', maxLeverage: 10, marginTableId: 10 }]);
      const book = await info.l2Book({ coin: 'TEST' });
      expect(book!.levels.map((side) => side.map((l) => l.px))).toEqual([
        ['99.99', '99.98', '99.97'],
        ['100.01', '100.02', '100.03'],
      ]);
      expect(sim.assetIndex('TEST')).toBe(0);

      const placed = await new ExchangeClient({ transport, wallet: agent }).order({ orders: [ioc(0, false, '99', '2')], grouping: 'na' });
      expect(placed.response.data.statuses[0]).toMatchObject({ filled: { totalSz: '2.0', avgPx: '99.99' } });
      const state = await info.clearinghouseState({ user: master.address as `0x${string}` });
      expect(state.assetPositions[0].position).toMatchObject({
        szi: '-2.0',
        entryPx: '99.99',
        leverage: { type: 'cross', value: 10 },
        marginUsed: '20.0',
      });
      expect((await info.userFills({ user: master.address as `0x${string}` }))[0]).toMatchObject({
        side: 'A',
        dir: 'Open Short',
        fee: '0.0',
      });
      expect(sim.positions(master.address)).toEqual([{ coin: 'TEST', szi: '-2', entryPx: '99.99' }]);
    } finally {
      await sim.close();
    }
  });
});
