import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { dec } from '@conduit/domain';
import { ManualClock, OstiumChain } from '@conduit/testing';
import { OstiumAdapter, toPrice18 } from '@conduit/venue';
import { useOstiumChain } from './ostium-harness';

/**
 * The Ostium adapter when the oracle or the network does not answer as hoped: a cancelled open, a fill that never
 * comes, a lost broadcast answer; USD-X pairs; the market list. On the local chain, as test/ostium.spec.ts.
 */
describe('Ostium adapter: cancels, timeouts, recovery and markets', () => {
  const o = useOstiumChain();
  const { adapter, keyHandle, onboard, agentTxs, marks } = o;

  it('reports the oracle canceling an open for slippage, and refunds the collateral', async () => {
    const trader = await onboard(o.agent);
    const account = { address: trader.address, signer: keyHandle(o.agent) };
    const a = adapter();
    marks.set('ETH', dec('2000'));
    const placed = await a.placeOrder({
      clientOrderId: '0xee01',
      account,
      symbol: 'ETH',
      side: 'BUY',
      qty: '0.5',
      reduceOnly: false,
      maxSlippageBps: '20',
      leverage: 5,
    });
    expect(placed.status).toBe('PENDING');
    expect(o.chain.usdcBalance(trader.address)).toBe('800');
    o.chain.setPrice(1, '2004.01'); // 20 bp above 2000 is 2004
    o.chain.fulfillPending();
    const r = await a.orderStatus(account, { clientOrderId: '0xee01', venueOrderId: placed.venueOrderId, symbol: 'ETH' });
    expect(r).toMatchObject({ status: 'REJECTED', venueOrderId: placed.venueOrderId });
    expect(r!.error).toMatch(/canceled the market open: SLIPPAGE; collateral refunded/);
    expect(o.chain.usdcBalance(trader.address)).toBe('1000');
    expect(o.chain.trades(trader.address)).toEqual([]);
  });

  it('fails an order the oracle does not fill within fillTimeoutMs', async () => {
    const trader = await onboard(o.agent);
    const account = { address: trader.address, signer: keyHandle(o.agent) };
    const clock = new ManualClock(new Date());
    const a = adapter({ fillTimeoutMs: 1000, clock });
    marks.set('SOL', dec('150'));
    const placed = await a.placeOrder({
      clientOrderId: '0xff01',
      account,
      symbol: 'SOL',
      side: 'SELL',
      qty: '1',
      reduceOnly: false,
      maxSlippageBps: '50',
      leverage: 3,
    });
    const ref = { clientOrderId: '0xff01', venueOrderId: placed.venueOrderId, symbol: 'SOL' };
    expect(await a.orderStatus(account, ref)).toMatchObject({ status: 'PENDING' });
    clock.advance(2100);
    const r = await a.orderStatus(account, ref);
    expect(r).toMatchObject({ status: 'REJECTED' });
    expect(r!.error).toMatch(/oracle did not fill within 1000 ms/);
    // still pending on chain: the agent takes it back as the trader's delegate (openTradeMarketTimeout), making it final
    expect(o.chain.pendingOrders().filter((o) => o.trader === trader.address)).toHaveLength(1);
    expect(o.chain.usdcBalance(trader.address)).toBe('950');
    const cancel = await a.cancelTimedOutOrder(account, placed.venueOrderId!);
    expect(cancel).toMatchObject({ status: 'PENDING' });
    expect(o.chain.calls.find((c) => c.txHash === cancel.venueOrderId && c.fn === 'openTradeMarketTimeout')).toMatchObject({
      from: trader.address,
      delegatedBy: o.agent.address,
    });
    expect(o.chain.pendingOrders().filter((o) => o.trader === trader.address)).toHaveLength(0);
    expect(o.chain.usdcBalance(trader.address)).toBe('1000');
    expect((await a.orderStatus(account, ref))!.error).toMatch(/timed out on Ostium and its collateral was refunded/);
  });

  it('recovers an order whose broadcast answer was lost, by the hash stored before sending, without a second transaction', async () => {
    const trader = await onboard(o.agent);
    const account = { address: trader.address, signer: keyHandle(o.agent) };
    marks.set('ETH', dec('2000'));
    let stored: string | null = null;
    const sent = agentTxs(o.agent.address).length;
    o.chain.dropNextResponse();
    const placed = await adapter().placeOrder({
      clientOrderId: '0x1101',
      account,
      symbol: 'ETH',
      side: 'BUY',
      qty: '0.25',
      reduceOnly: false,
      maxSlippageBps: '50',
      leverage: 5,
      onSubmitting: async (hash) => {
        stored = hash;
      },
    });
    expect(stored).not.toBeNull();
    expect(placed).toMatchObject({ status: 'PENDING', venueOrderId: stored });
    // after a restart: a new adapter asks by the stored hash
    const restarted = adapter();
    const ref = { clientOrderId: '0x1101', venueOrderId: stored, symbol: 'ETH' };
    expect(await restarted.orderStatus(account, ref)).toMatchObject({ status: 'PENDING', venueOrderId: stored });
    o.chain.setPrice(1, '2001');
    o.chain.fulfillPending();
    expect(await restarted.orderStatus(account, ref)).toMatchObject({ status: 'FILLED', avgPrice: '2001.00000000', slot: 0 });
    expect(agentTxs(o.agent.address).length).toBe(sent + 1);
    // an unknown hash is an order the venue never saw
    expect(await restarted.orderStatus(account, { clientOrderId: 'x', venueOrderId: '0x' + '12'.repeat(32), symbol: 'ETH' })).toBeNull();
  });

  it('trades a USD-X pair as its inverse: LONG JPY is a SHORT USD-JPY', async () => {
    const trader = await onboard(o.agent);
    const account = { address: trader.address, signer: keyHandle(o.agent) };
    const a = adapter();
    marks.set('JPY', dec(1).div(150));
    const placed = await a.placeOrder({
      clientOrderId: '0x1201',
      account,
      symbol: 'JPY',
      side: 'BUY',
      qty: '15000',
      reduceOnly: false,
      maxSlippageBps: '30',
      leverage: 10,
      takeProfit: dec(1).div(140).toFixed(12),
    });
    expect(placed.status).toBe('PENDING');
    expect(o.chain.calls.find((c) => c.txHash === placed.venueOrderId && c.fn === 'openTrade')).toMatchObject({
      args: {
        t: { buy: false, pairIndex: 4n, openPrice: toPrice18('150'), tp: toPrice18('140'), collateral: 10_000_000n, leverage: 1000n },
      },
    });
    o.chain.setPrice(4, '150');
    o.chain.fulfillPending();
    expect(await a.orderStatus(account, { clientOrderId: '0x1201', venueOrderId: placed.venueOrderId, symbol: 'JPY' })).toMatchObject({
      status: 'FILLED',
      avgPrice: '0.00666667',
    });
    const [position] = await a.openPositions(trader.address);
    expect(position).toMatchObject({ symbol: 'JPY', side: 'LONG', entryPrice: '0.00666667' });
    expect(position.qty).toBe('14925.00000000'); // (10 USDC − 0.05 fee, 5 bp of 100) × 10 × 150 JPY per USD
  });

  it('lists markets from the constants and a synthetic book around the mark', async () => {
    const a = adapter();
    const markets = await a.markets();
    expect(markets.find((m) => m.symbol === 'BTC')).toEqual({
      symbol: 'BTC',
      index: 0,
      pair: 'BTC-USD',
      szDecimals: 6,
      maxLeverage: 100,
      minSize: '0.000001',
      minNotionalUsd: '5',
      active: true,
    });
    expect(markets.find((m) => m.symbol === 'NIK')!.active).toBe(false);
    marks.set('BTC', dec('50000'));
    const book = await a.orderBook('BTC', 2);
    expect(book.bids.map((l) => l.price)).toEqual(['49995', '49990']);
    expect(book.asks.map((l) => l.price)).toEqual(['50005', '50010']);
    expect((await a.markPrices()).get('BTC')!.toString()).toBe('50000');
    expect(
      await a.placeOrder({
        clientOrderId: '0x1301',
        account: { address: o.agent.address, signer: keyHandle(o.agent) },
        symbol: 'NIK',
        side: 'BUY',
        qty: '1',
        reduceOnly: false,
        maxSlippageBps: '50',
      }),
    ).toMatchObject({
      status: 'REJECTED',
      error: expect.stringMatching(/quoted in JPY/),
    });
  });
});

describe('Ostium local chain with an automatic keeper', () => {
  it('fills a market order autoFulfillMs after it is initiated', async () => {
    const chain = await OstiumChain.start({ autoFulfillMs: 30, chainId: 42161 });
    const network = Network.from(chain.chainId);
    const provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    const adapter = new OstiumAdapter({
      rpcUrl: chain.url,
      chainId: chain.chainId,
      tradingAddress: chain.addresses.trading,
      storageAddress: chain.addresses.storage,
      usdcAddress: chain.addresses.usdc,
      callbacksAddress: chain.addresses.callbacks,
      prices: { mark: async () => null },
    });
    try {
      expect(chain.addresses.trading).toBe('0x6D0bA1f9996DBD8885827e1b2e8f6593e7702411'); // mainnet defaults for 42161
      const agent = Wallet.createRandom();
      const trader = Wallet.createRandom().connect(provider);
      chain.fund(agent.address, '1');
      chain.fund(trader.address, '1');
      chain.mintUsdc(trader.address, '100');
      for (const tx of adapter.approvalTransactions(trader.address, agent.address, '100'))
        await (await trader.sendTransaction({ to: tx.to, data: tx.data })).wait();
      chain.setPrice(9, '150');
      const account = {
        address: trader.address,
        signer: { address: agent.address, use: <T>(fn: (pk: string) => Promise<T>) => fn(agent.privateKey) },
      };
      const placed = await adapter.placeOrder({
        clientOrderId: '0x2001',
        account,
        symbol: 'SOL',
        side: 'BUY',
        qty: '1',
        reduceOnly: false,
        maxSlippageBps: '50',
        referencePrice: '150',
        leverage: 5,
      });
      expect(placed.status).toBe('PENDING');
      // the same client order id again: the same order, not a second transaction
      expect(
        await adapter.placeOrder({
          clientOrderId: '0x2001',
          account,
          symbol: 'SOL',
          side: 'BUY',
          qty: '1',
          reduceOnly: false,
          maxSlippageBps: '50',
          referencePrice: '150',
          leverage: 5,
        }),
      ).toMatchObject({
        venueOrderId: placed.venueOrderId,
      });
      await chain.keeperSettled(1); // the automatic keeper's fill
      const status = await adapter.orderStatus(account, { clientOrderId: '0x2001', venueOrderId: placed.venueOrderId, symbol: 'SOL' });
      expect(status).toMatchObject({ status: 'FILLED', avgPrice: '150.00000000', filledQty: '1.00000000', fee: '0.00000000', slot: 0 });
      expect(chain.calls.filter((c) => c.via === 'tx' && c.fn === 'delegatedAction')).toHaveLength(1);
    } finally {
      adapter.destroy();
      provider.destroy();
      await chain.close();
    }
  });
});
