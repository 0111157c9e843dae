import Decimal from 'decimal.js';
import { hexlify, randomBytes, Wallet } from 'ethers';
import { ApiRequestError, ExchangeClient, HttpRequestError, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { signL1Action } from '@nktkas/hyperliquid/signing';
import { formatPrice } from '@nktkas/hyperliquid/utils';
import { HyperliquidSim, recoverL1Signer, recoverUserSignedSigner, startHyperliquidServer } from './hyperliquid-server';

const ETH = 1; // asset index of ETH in the seeded universe (BTC is 0)
const newWallet = () => new Wallet(Wallet.createRandom().privateKey);
const newCloid = () => hexlify(randomBytes(16)) as `0x${string}`;
const ioc = (a: number, b: boolean, p: string, s: string, extra: { r?: boolean; c?: `0x${string}` } = {}) => ({
  a,
  b,
  p,
  s,
  r: extra.r ?? false,
  t: { limit: { tif: 'Ioc' as const } },
  ...(extra.c ? { c: extra.c } : {}),
});

describe('HyperliquidSim (driven through @nktkas/hyperliquid)', () => {
  let sim: HyperliquidSim;
  let transport: HttpTransport;
  let info: InfoClient;
  const exchange = (wallet: Wallet, extra: { nonceManager?: () => number } = {}) => new ExchangeClient({ transport, wallet, ...extra });

  beforeEach(async () => {
    sim = await startHyperliquidServer({ isTestnet: true });
    transport = new HttpTransport({ apiUrl: sim.url, isTestnet: true });
    info = new InfoClient({ transport });
  });
  afterEach(() => sim.close());

  /** A funded master with an agent approved through the signed approveAgent action. */
  async function masterWithAgent(usdc = '1000') {
    const master = newWallet();
    const agent = newWallet();
    sim.fund(master.address, usdc);
    await exchange(master).approveAgent({ agentAddress: agent.address as `0x${string}` });
    return { master, agent, user: master.address as `0x${string}` };
  }

  describe('market data', () => {
    it('serves the seeded universe, mids and a synthetic book on valid ticks', async () => {
      const meta = await info.meta();
      expect(meta.universe.slice(0, 2)).toEqual([
        { szDecimals: 5, name: 'BTC', maxLeverage: 50, marginTableId: 50 },
        { szDecimals: 4, name: 'ETH', maxLeverage: 50, marginTableId: 50 },
      ]);
      expect(meta.universe).toHaveLength(28);
      expect((await info.allMids()).ETH).toBe('1903.95');

      const book = await info.l2Book({ coin: 'ETH' });
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
      expect(await info.l2Book({ coin: 'NOPE' })).toBeNull();

      // Every seeded coin's book sits on ticks the SDK's own formatter leaves unchanged, strictly around the mid.
      const mids = await info.allMids();
      for (const { name, szDecimals } of meta.universe) {
        const [coinBids, coinAsks] = (await info.l2Book({ coin: name }))!.levels;
        expect(new Decimal(coinBids[0].px).lt(mids[name]) && new Decimal(coinAsks[0].px).gt(mids[name])).toBe(true);
        for (const level of [...coinBids, ...coinAsks]) expect(formatPrice(level.px, szDecimals)).toBe(new Decimal(level.px).toFixed());
      }

      const [, ctxs] = await info.metaAndAssetCtxs();
      expect(ctxs[ETH]).toMatchObject({
        markPx: '1903.95',
        midPx: '1903.95',
        oraclePx: '1903.95',
        impactPxs: ['1903.9', '1904.0'],
        funding: '0.0',
      });
    });

    it('answers an unknown info type with HTTP 422 and a dead server with 503', async () => {
      const res = await fetch(`${sim.url}/info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'nope' }),
      });
      expect(res.status).toBe(422);
      expect(await res.text()).toMatch(/unknown variant `nope`/);

      sim.setDown(true);
      await expect(info.meta()).rejects.toThrow(HttpRequestError);
      await expect(info.meta()).rejects.toThrow(/^503/);
      sim.setDown(false);
      await expect(info.meta()).resolves.toHaveProperty('universe');
    });
  });

  describe('trading through an agent', () => {
    it('fills an IOC order with a cloid, reports it everywhere, and closes it reduce-only with realised PnL', async () => {
      const { master, agent, user } = await masterWithAgent('1000');
      const trader = exchange(agent);
      const cloid = newCloid();

      const opened = await trader.order({ orders: [ioc(ETH, true, '1999', '0.05', { c: cloid })], grouping: 'na' });
      const filled = (opened.response.data.statuses[0] as { filled: { totalSz: string; avgPx: string; oid: number } }).filled;
      expect(filled).toEqual({ totalSz: '0.05', avgPx: '1904.0', oid: expect.any(Number) });

      const status = await info.orderStatus({ user, oid: cloid });
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
      expect(await info.orderStatus({ user, oid: filled.oid })).toEqual(status);
      expect(await info.orderStatus({ user: agent.address as `0x${string}`, oid: cloid })).toEqual({ status: 'unknownOid' });

      // fee = 1904 × 0.05 × 4.5 bp = 0.04284; unrealised = 0.05 × (1903.95 − 1904) = −0.0025
      const state = await info.clearinghouseState({ user });
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
      expect((await info.clearinghouseState({ user: agent.address as `0x${string}` })).assetPositions).toEqual([]);

      const [fill] = await info.userFills({ user });
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
      sim.setMid('ETH', '2000');
      const closeCloid = newCloid();
      const closed = await trader.order({
        orders: [ioc(ETH, false, formatPrice('1900', 4), '0.05', { r: true, c: closeCloid })],
        grouping: 'na',
      });
      expect(closed.response.data.statuses[0]).toEqual({ filled: { totalSz: '0.05', avgPx: '1999.9', oid: filled.oid + 1 } });
      const fills = await info.userFills({ user });
      expect(fills[0]).toMatchObject({
        side: 'A',
        dir: 'Close Long',
        startPosition: '0.05',
        closedPnl: '4.795',
        fee: '0.044998',
        cloid: closeCloid,
      });
      expect(sim.positions(master.address)).toEqual([]);
      const after = await info.clearinghouseState({ user });
      expect(after.assetPositions).toEqual([]);
      expect(after.marginSummary.accountValue).toBe(new Decimal(1000).minus('0.04284').plus('4.795').minus('0.044998').toFixed());
      // 1004.707162

      expect(sim.orders.map((o) => [o.signer, o.master, o.cloid, o.status])).toEqual([
        [agent.address.toLowerCase(), user.toLowerCase(), cloid, 'filled'],
        [agent.address.toLowerCase(), user.toLowerCase(), closeCloid, 'filled'],
      ]);
    });

    it('walks the book up to the limit and cancels the unfilled IOC remainder', async () => {
      const { agent, user } = await masterWithAgent('5000');
      // Level 0 holds 13.1302 ETH at 1904.0 and level 1 holds 26.2575 at 1904.2; a limit of 1904.0 stops at level 0.
      const partial = await exchange(agent).order({ orders: [ioc(ETH, true, '1904', '20')], grouping: 'na' });
      expect(partial.response.data.statuses[0]).toEqual({ filled: { totalSz: '13.1302', avgPx: '1904.0', oid: expect.any(Number) } });
      expect(sim.orders[0]).toMatchObject({ status: 'canceled', filledSz: '13.1302' });

      const swept = await exchange(agent).order({ orders: [ioc(ETH, true, '1904.2', '20')], grouping: 'na' });
      const avgPx = new Decimal('13.1302').mul('1904').plus(new Decimal('6.8698').mul('1904.2')).div(20);
      expect(swept.response.data.statuses[0]).toEqual({
        filled: { totalSz: '20.0', avgPx: avgPx.toDecimalPlaces(8).toFixed(), oid: expect.any(Number) },
      });
      const fills = await info.userFills({ user });
      expect(fills.slice(0, 2).map((f) => [f.px, f.sz])).toEqual([
        ['1904.2', '6.8698'],
        ['1904.0', '13.1302'],
      ]);
      expect(sim.positions(user)).toEqual([{ coin: 'ETH', szi: '33.1302', entryPx: expect.any(String) }]);
    });

    it('rests a Gtc order that does not cross, lists it and cancels it once', async () => {
      const { agent, user } = await masterWithAgent();
      const cloid = newCloid();
      const placed = await exchange(agent).order({
        orders: [{ a: ETH, b: true, p: '1800', s: '0.1', r: false, t: { limit: { tif: 'Gtc' } }, c: cloid }],
        grouping: 'na',
      });
      const { oid } = (placed.response.data.statuses[0] as { resting: { oid: number } }).resting;
      expect(await info.openOrders({ user })).toEqual([
        { coin: 'ETH', side: 'B', limitPx: '1800.0', sz: '0.1', oid, timestamp: expect.any(Number), origSz: '0.1', cloid },
      ]);

      await expect(exchange(agent).cancel({ cancels: [{ a: ETH, o: oid }] })).resolves.toEqual({
        status: 'ok',
        response: { type: 'cancel', data: { statuses: ['success'] } },
      });
      await expect(exchange(agent).cancelByCloid({ cancels: [{ asset: ETH, cloid }] })).rejects.toThrow(
        'Order 0: Order was never placed, already canceled, or filled.',
      );
      expect(await info.openOrders({ user })).toEqual([]);
      expect(await info.orderStatus({ user, oid })).toMatchObject({
        status: 'order',
        order: { status: 'canceled', order: { sz: '0.1', origSz: '0.1' } },
      });
    });
  });

  describe('order validation', () => {
    it('answers each invalid order with its per-order error status', async () => {
      const { agent, user } = await masterWithAgent('1000');
      const trader = exchange(agent);
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
      expect(sim.positions(user)).toEqual([{ coin: 'ETH', szi: '0.01', entryPx: '1904' }]);
      expect(sim.orders.map((o) => o.status)).toEqual([
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
      const { agent, user } = await masterWithAgent();
      await expect(exchange(agent).updateLeverage({ asset: ETH, isCross: true, leverage: 5 })).resolves.toEqual({
        status: 'ok',
        response: { type: 'default' },
      });
      await expect(exchange(agent).updateLeverage({ asset: ETH, isCross: true, leverage: 51 })).rejects.toThrow(
        new ApiRequestError({ status: 'err', response: 'Invalid leverage value' }),
      );
      await exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.1')], grouping: 'na' });
      expect((await info.clearinghouseState({ user })).assetPositions[0].position.leverage).toEqual({ type: 'cross', value: 5 });
    });
  });

  describe('authentication', () => {
    it('rejects an L1 action signed by a wallet that is neither a master nor an approved agent', async () => {
      const stranger = newWallet();
      await expect(exchange(stranger).order({ orders: [ioc(ETH, true, '1999', '0.01')], grouping: 'na' })).rejects.toThrow(
        `User or API Wallet ${stranger.address.toLowerCase()} does not exist.`,
      );
      expect(sim.orders).toEqual([]);
    });

    it('recovers a stranger from a tampered body, and accepts the untampered one', async () => {
      const { agent } = await masterWithAgent();
      const action = { type: 'order', orders: [ioc(ETH, true, '1999', '0.01')], grouping: 'na' };
      const nonce = Date.now();
      const signature = await signL1Action({ wallet: agent, action, nonce, isTestnet: true });
      const post = (body: unknown) =>
        fetch(`${sim.url}/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
          (r) => r.json() as Promise<any>,
        );

      const tampered = await post({ action: { ...action, orders: [ioc(ETH, true, '1999', '0.02')] }, nonce, signature });
      expect(tampered).toEqual({ status: 'err', response: expect.stringMatching(/^User or API Wallet 0x[0-9a-f]{40} does not exist\.$/) });
      expect(tampered.response).not.toContain(agent.address.toLowerCase());
      expect(sim.exchangeRequests[1].signer).not.toBe(agent.address.toLowerCase());

      const genuine = await post({ action, nonce, signature });
      expect(genuine.response.data.statuses[0]).toHaveProperty('filled');
      expect(sim.exchangeRequests[2].signer).toBe(agent.address.toLowerCase());

      const malformed = await post({ action, nonce: nonce + 1, signature: { r: '0x1234', s: 'nope', v: 27 } });
      expect(malformed).toEqual({ status: 'err', response: expect.stringMatching(/^Invalid signature/) });
    });

    it('accepts a nonce once per signer and only inside the (now − 2 days, now + 1 day) window', async () => {
      const { agent } = await masterWithAgent();
      const nonce = Date.now();
      const fixed = exchange(agent, { nonceManager: () => nonce });
      await fixed.updateLeverage({ asset: ETH, isCross: true, leverage: 10 });
      await expect(fixed.updateLeverage({ asset: ETH, isCross: true, leverage: 5 })).rejects.toThrow(
        `Invalid nonce: duplicate nonce ${nonce}`,
      );
      await expect(
        exchange(agent, { nonceManager: () => Date.now() - 3 * 86_400_000 }).updateLeverage({ asset: ETH, isCross: true, leverage: 5 }),
      ).rejects.toThrow(/^Invalid nonce/);
      await expect(
        exchange(agent, { nonceManager: () => Date.now() + 2 * 86_400_000 }).updateLeverage({ asset: ETH, isCross: true, leverage: 5 }),
      ).rejects.toThrow(/^Invalid nonce/);
    });

    it('lets only the master sign usdSend, which moves USDC between accounts', async () => {
      const { master, agent, user } = await masterWithAgent('100');
      const friend = newWallet().address as `0x${string}`;
      await expect(exchange(master).usdSend({ destination: friend, amount: '25.5' })).resolves.toEqual({
        status: 'ok',
        response: { type: 'default' },
      });
      expect((await info.clearinghouseState({ user: friend })).withdrawable).toBe('25.5');
      expect((await info.clearinghouseState({ user })).withdrawable).toBe('74.5');

      await expect(exchange(master).usdSend({ destination: friend, amount: '75' })).rejects.toThrow('Insufficient balance for usdSend.');
      await expect(exchange(agent).usdSend({ destination: friend, amount: '1' })).rejects.toThrow(/only the master account can/);
      await expect(exchange(agent).approveAgent({ agentAddress: newWallet().address as `0x${string}` })).rejects.toThrow(
        /only the master account can/,
      );
    });

    it('refuses an approveAgent signed for the other chain', async () => {
      const master = newWallet();
      sim.fund(master.address, '10');
      const mainnet = new ExchangeClient({ transport: new HttpTransport({ apiUrl: sim.url, isTestnet: false }), wallet: master });
      await expect(mainnet.approveAgent({ agentAddress: newWallet().address as `0x${string}` })).rejects.toThrow(
        /Invalid hyperliquidChain Mainnet/,
      );
    });
  });

  describe('failure injection', () => {
    it('hangUpAfterNextOrder fills the order but drops the answer; orderStatus by cloid then shows it filled', async () => {
      const { agent, user } = await masterWithAgent();
      const cloid = newCloid();
      sim.hangUpAfterNextOrder();
      await expect(exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.01', { c: cloid })], grouping: 'na' })).rejects.toThrow(
        HttpRequestError,
      );

      const status = await info.orderStatus({ user, oid: cloid });
      expect(status).toMatchObject({ status: 'order', order: { status: 'filled', order: { cloid, origSz: '0.01' } } });
      expect(sim.exchangeRequests.at(-1)?.response).toMatchObject({
        status: 'ok',
        response: { data: { statuses: [{ filled: { totalSz: '0.01' } }] } },
      });

      // Only the next order hangs up.
      await expect(exchange(agent).order({ orders: [ioc(ETH, true, '1999', '0.01')], grouping: 'na' })).resolves.toHaveProperty(
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

describe('signer recovery against the reference vectors (../shared/vectors/hyperliquid_signing.json)', () => {
  const order = (a: number, p: string, s: string, c?: string) => ({
    type: 'order',
    orders: [{ a, b: true, p, s, r: false, t: { limit: { tif: 'Gtc' } }, ...(c ? { c } : {}) }],
    grouping: 'na',
  });

  it('pysdk:test_l1_action_signing_order_with_cloid_matches:mainnet (r as in source, leading zero dropped)', () => {
    const signature = {
      r: '0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3',
      s: '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da',
      v: 27,
    };
    const signer = recoverL1Signer(
      { action: order(1, '100', '100', '0x00000000000000000000000000000001'), nonce: 0, signature, vaultAddress: null, expiresAfter: null },
      false,
    );
    expect(signer).toBe('0x14791697260E4c9A71f18484C9f997B308e59325');
  });

  it('nktkas:signL1Action:withBoth:testnet (vault address and expiresAfter)', () => {
    const signature = {
      r: '0x3a0bbbd9fadca54f58a2b7050899cecb97f68b2f693c63e91ca60510427326d7',
      s: '0x60f75f12cae7b9dc18b889406192afcaf13f40d2f8c68cc01f7f83f3fb5deb23',
      v: 27,
    };
    const request = {
      action: order(0, '30000', '0.1'),
      nonce: 1234567890,
      signature,
      vaultAddress: '0x1234567890123456789012345678901234567890',
      expiresAfter: 1234567890,
    };
    expect(recoverL1Signer(request, true)).toBe('0xE5cA49Fb3bD9A581F0D1EF9CB5D7177Da08bf901');
    expect(recoverL1Signer(request, false)).not.toBe('0xE5cA49Fb3bD9A581F0D1EF9CB5D7177Da08bf901'); // the source byte is signed
  });

  it('pysdk:test_sign_usd_transfer_action (user-signed UsdSend on testnet)', () => {
    const action = {
      type: 'usdSend',
      signatureChainId: '0x66eee',
      hyperliquidChain: 'Testnet',
      destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
      amount: '1',
      time: 1687816341423,
    };
    const signature = {
      r: '0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073',
      s: '0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7',
      v: 27,
    };
    expect(recoverUserSignedSigner(action, signature)).toBe('0x14791697260E4c9A71f18484C9f997B308e59325');
  });
});
