import Decimal from 'decimal.js';
import { HDNodeWallet, JsonRpcProvider, Network, Wallet } from 'ethers';
import { dec } from '@conduit/domain';
import { ManualClock, OstiumChain } from '@conduit/testing';
import {
  currentTradeProfit,
  currentTradeProfitP,
  encodeDelegatedAction,
  encodeOpenTrade,
  fromPercent6,
  fromPrice18,
  fromUsdc6,
  KeyHandle,
  OSTIUM_PAIRS,
  OstiumAdapter,
  OstiumAdapterOptions,
  PriceSource,
  toPrice18,
  tradeProfit,
  tradeValue,
  TradingAccount,
} from '@conduit/venue';

/**
 * The Ostium adapter against the local JSON-RPC chain (libs/testing ostium-chain): real signed transactions through
 * ethers, every call decoded with the real ABI, the oracle keeper driven by the test.
 */
describe('Ostium adapter on a local chain', () => {
  let chain: OstiumChain;
  let provider: JsonRpcProvider;
  const marks = new Map<string, Decimal>();
  const prices: PriceSource = { mark: async (_venue, symbol) => marks.get(symbol) ?? null };
  const adapters: OstiumAdapter[] = [];

  const adapter = (overrides: Partial<OstiumAdapterOptions> = {}) => {
    const a = new OstiumAdapter({
      rpcUrl: chain.url,
      chainId: chain.chainId,
      tradingAddress: chain.addresses.trading,
      storageAddress: chain.addresses.storage,
      usdcAddress: chain.addresses.usdc,
      prices,
      fillTimeoutMs: 60_000,
      ...overrides,
    });
    adapters.push(a);
    return a;
  };

  /** An agent key handle that counts its uses. */
  const keyHandle = (wallet: HDNodeWallet) => {
    const handle = {
      address: wallet.address,
      uses: 0,
      use: async <T>(fn: (pk: string) => Promise<T>) => (handle.uses++, fn(wallet.privateKey)),
    };
    return handle as KeyHandle & { uses: number };
  };

  /** A user with ETH for gas and USDC; optionally approves TradingStorage and delegates to the agent by signed transactions. */
  const onboard = async (agent: HDNodeWallet, opts: { usdc?: string; approve?: string | null; delegate?: boolean } = {}) => {
    const trader = Wallet.createRandom().connect(provider);
    chain.fund(trader.address, '1');
    chain.mintUsdc(trader.address, opts.usdc ?? '1000');
    const txs = adapter().approvalTransactions(trader.address, agent.address, opts.approve ?? '500');
    if (opts.approve !== null) expect((await (await trader.sendTransaction({ to: txs[0].to, data: txs[0].data })).wait())!.status).toBe(1);
    if (opts.delegate !== false)
      expect((await (await trader.sendTransaction({ to: txs[1].to, data: txs[1].data })).wait())!.status).toBe(1);
    return trader;
  };

  const agentTxs = (agent: string) => chain.calls.filter((c) => c.via === 'tx' && c.from === agent && !c.delegatedBy);

  let agent: HDNodeWallet;
  beforeAll(async () => {
    // rollover, and funding on the SDK test's curve with a higher cap and a stiffer spring, so that the few blocks a
    // trade stays open here accrue visible fees
    chain = await OstiumChain.start({
      openingFeeBps: '5',
      rolloverFeePerBlock: '0.0000001',
      funding: {
        maxFundingFeePerBlock: '0.00001',
        hillInflectionPoint: '0.16',
        hillPosScale: '1.18',
        hillNegScale: '0.91',
        springFactor: '0.5',
        sFactorUpScaleP: '110',
        sFactorDownScaleP: '90',
      },
    });
    const network = Network.from(chain.chainId);
    provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
    agent = Wallet.createRandom();
    chain.fund(agent.address, '1');
  });
  afterAll(async () => {
    adapters.forEach((a) => a.destroy());
    provider?.destroy();
    await chain?.close();
  });

  it('answers the JSON-RPC an ethers wallet needs and checks the ABI', async () => {
    expect(Number((await provider.getNetwork()).chainId)).toBe(421614);
    expect(await provider.send('net_version', [])).toBe('421614');
    const block = await provider.getBlock('latest');
    expect(block!.baseFeePerGas).toBe(10_000_000n);
    const batch = await Promise.all([
      provider.send('eth_blockNumber', []),
      provider.send('eth_gasPrice', []),
      provider.send('eth_chainId', []),
    ]);
    expect(batch[2]).toBe('0x66eee');
    // an unknown selector reverts
    await expect(provider.call({ to: chain.addresses.trading, data: '0xdeadbeef' })).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
    expect(chain.calls.at(-1)).toMatchObject({ contract: 'Trading', fn: 'unknown(0xdeadbeef)' });
    // malformed calldata (a uint16 with dirty high bits) reverts
    const good = adapter().approvalTransactions(agent.address, agent.address, '1')[0].data;
    await expect(provider.call({ to: chain.addresses.usdc, data: good + '00' })).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
    expect(await adapter().health()).toMatchObject({ ok: true });
  });

  it('opens a LONG with TP and SL, fills it, reads it back and closes it with its PnL', async () => {
    const trader = await onboard(agent);
    const account: TradingAccount = { address: trader.address, signer: keyHandle(agent) };
    const a = adapter();
    marks.set('BTC', dec('42500'));
    const submitted: { hash: string; knownToChain: boolean }[] = [];

    const placed = await a.placeOrder({
      clientOrderId: '0xaa01',
      account,
      symbol: 'BTC',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
      takeProfit: '45000',
      stopLoss: '41000',
      onSubmitting: async (hash) => void submitted.push({ hash, knownToChain: chain.hasTransaction(hash) }),
    });
    expect(placed).toMatchObject({ status: 'PENDING', clientOrderId: '0xaa01' });
    expect(submitted).toEqual([{ hash: placed.venueOrderId, knownToChain: false }]);
    expect(chain.hasTransaction(placed.venueOrderId!)).toBe(true);
    // the agent sent delegatedAction; openTrade ran as the trader, with the SDK encodings
    expect(chain.calls.find((c) => c.via === 'tx' && c.txHash === placed.venueOrderId && c.fn === 'delegatedAction')).toMatchObject({
      from: agent.address,
      args: { trader: trader.address },
    });
    expect(chain.calls.find((c) => c.via === 'tx' && c.txHash === placed.venueOrderId && c.fn === 'openTrade')).toMatchObject({
      from: trader.address,
      delegatedBy: agent.address,
      args: {
        t: {
          collateral: 42_500_000n,
          openPrice: toPrice18('42500'),
          tp: toPrice18('45000'),
          sl: toPrice18('41000'),
          trader: trader.address,
          leverage: 1000n,
          pairIndex: 0n,
          index: 0n,
          buy: true,
        },
        bf: { builder: '0x0000000000000000000000000000000000000000', builderFee: 0n },
        orderType: 0n,
        slippageP: 50n,
      },
    });
    expect(chain.usdcBalance(trader.address)).toBe('957.5');
    expect(chain.usdcBalance(chain.addresses.storage)).toBe('42.5');

    const ref = { clientOrderId: '0xaa01', venueOrderId: placed.venueOrderId, symbol: 'BTC' };
    expect(await a.orderStatus(account, ref)).toMatchObject({ status: 'PENDING' });

    chain.setPrice(0, '42520');
    expect(chain.fulfillPending()).toBe(1);
    // collateral 42.5 less the 5 bp opening fee on 425 (0.2125) = 42.2875; size 422.875 / 42520
    expect(await a.orderStatus(account, ref)).toEqual({
      clientOrderId: '0xaa01',
      status: 'FILLED',
      filledQty: '0.00994500',
      avgPrice: '42520.00000000',
      fee: '0.21250000',
      venueOrderId: placed.venueOrderId,
      slot: 0,
    });
    expect(chain.trades(trader.address)).toMatchObject([
      { pairIndex: 0, index: 0, buy: true, collateral: '42.2875', openPrice: '42520', tp: '45000', sl: '41000', leverage: '10' },
    ]);

    marks.set('BTC', dec('43000'));
    const callsBefore = chain.calls.length;
    const positions = await a.openPositions(trader.address);
    expect(positions).toEqual([
      {
        symbol: 'BTC',
        side: 'LONG',
        qty: '0.00994500',
        entryPrice: '42520.00000000',
        unrealizedPnl: expect.any(String),
        leverage: 10,
        slot: 0,
      },
    ]);
    // the venue's gross profit at the mark, from the trade as the chain stored it
    const [stored] = chain.trades(trader.address);
    const trade = { collateral: stored.collateral, openPrice: stored.openPrice, long: stored.buy, leverage: stored.leverage };
    expect(positions[0].unrealizedPnl).toEqualDecimal(currentTradeProfit({ ...trade, currentPrice: '43000' }));
    const reads = chain.calls.slice(callsBefore).filter((c) => c.via === 'call');
    expect(reads.find((c) => c.fn === 'openTrades' && c.args._index === 0n)).toMatchObject({
      contract: 'TradingStorage',
      args: { _trader: trader.address, _pairIndex: 0n },
    });
    expect(reads.filter((c) => c.fn === 'maxTradesPerPair').length).toBeLessThanOrEqual(1);
    expect(await a.accountState(trader.address)).toEqual({ equity: '999.78750000', freeCollateral: '957.50000000' });

    chain.setPrice(0, '43000');
    const close = await a.closePosition(account, 'BTC', '0xaa02', '50', 0);
    expect(close).toMatchObject({ status: 'PENDING' });
    expect(chain.calls.find((c) => c.txHash === close.venueOrderId && c.fn === 'closeTradeMarket')).toMatchObject({
      from: trader.address,
      args: { pairIndex: 0n, index: 0n, closePercentage: 10000n, marketPrice: toPrice18('43000'), slippageP: 50n },
    });
    expect(await a.orderStatus(account, { clientOrderId: '0xaa02', venueOrderId: close.venueOrderId, symbol: 'BTC' })).toMatchObject({
      status: 'PENDING',
    });
    chain.fulfillPending();
    // a fresh adapter (no memory of the close) sizes the fill from the trade as it was before the close
    expect(
      await adapter().orderStatus(account, { clientOrderId: '0xaa02', venueOrderId: close.venueOrderId, symbol: 'BTC' }),
    ).toMatchObject({
      status: 'FILLED',
      filledQty: '0.00994500',
      avgPrice: '43000.00000000',
      slot: 0,
    });
    // what the chain recorded for the close: its price, percent profit, fees and the USDC sent back
    const closed = chain.events('MarketCloseExecutedV2').find((e) => e.args.tradeId === BigInt(stored.tradeId))!.args;
    const charged = chain.events('FeesCharged').find((e) => e.args.tradeId === BigInt(stored.tradeId))!.args;
    const fees = { rolloverFee: fromUsdc6(charged.rolloverFees as bigint), fundingFee: fromUsdc6(charged.fundingFees as bigint) };
    expect(fees.rolloverFee.gt(0) && fees.fundingFee.gt(0)).toBe(true); // both accrued over the blocks the trade was open
    const profitP = currentTradeProfitP({ ...trade, currentPrice: fromPrice18(closed.price as bigint) });
    expect(fromPercent6(closed.percentProfit as bigint)).toEqualDecimal(profitP);
    const { value } = tradeValue({ ...trade, ...fees, profitP, maxLeverage: OSTIUM_PAIRS[0].maxLeverage, liqMarginThresholdP: '25' });
    expect(fromUsdc6(closed.usdcSentToTrader as bigint)).toEqualDecimal(value);
    expect(chain.usdcBalance(trader.address)).toEqualDecimal(dec('957.5').plus(value));
    expect(await a.openPositions(trader.address)).toEqual([]);

    const fills = await a.fills(trader.address);
    expect(fills.map((f) => [f.side, f.qty, f.price, f.venueOrderId])).toEqual([
      ['BUY', '0.00994500', '42520.00000000', placed.venueOrderId],
      ['SELL', '0.00994500', '43000.00000000', close.venueOrderId],
    ]);
    expect(fills[1].closedPnl).toEqualDecimal(tradeProfit(trade.collateral, profitP));
    expect(fills[1].fee).toEqualDecimal(fees.rolloverFee.plus(fees.fundingFee));
  });

  it('rejects a take-profit on the wrong side with the revert reason, sending nothing', async () => {
    const trader = await onboard(agent);
    const sent = agentTxs(agent.address).length;
    const r = await adapter().placeOrder({
      clientOrderId: '0xbb01',
      account: { address: trader.address, signer: keyHandle(agent) },
      symbol: 'BTC',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
      takeProfit: '42000',
    });
    expect(r).toMatchObject({ status: 'REJECTED', venueOrderId: null });
    expect(r.error).toMatch(/take-profit is on the wrong side.*WrongTP\(\)/);
    expect(agentTxs(agent.address).length).toBe(sent);
  });

  it('rejects before sending when the allowance is missing', async () => {
    const trader = await onboard(agent, { approve: null });
    const before = chain.calls.length;
    const handle = keyHandle(agent);
    const r = await adapter().placeOrder({
      clientOrderId: '0xcc01',
      account: { address: trader.address, signer: handle },
      symbol: 'BTC',
      side: 'SELL',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
    });
    expect(r).toMatchObject({ status: 'REJECTED' });
    expect(r.error).toMatch(/allowance .* is 0\.000000, the order needs 42\.500000/);
    expect(handle.uses).toBe(0);
    expect(chain.calls.slice(before).filter((c) => c.via !== 'call')).toEqual([]);
  });

  it('a wallet that is not the delegate is reverted (in simulation and on chain)', async () => {
    const trader = await onboard(agent);
    const stranger = Wallet.createRandom();
    chain.fund(stranger.address, '1');
    const a = adapter();
    const r = await a.placeOrder({
      clientOrderId: '0xdd01',
      account: { address: trader.address, signer: keyHandle(stranger) },
      symbol: 'BTC',
      side: 'BUY',
      qty: '0.01',
      reduceOnly: false,
      maxSlippageBps: '50',
      referencePrice: '42500',
      leverage: 10,
    });
    expect(r.status).toBe('REJECTED');
    expect(r.error).toMatch(/not the trader's delegate.*NotDelegate/);

    // sent anyway (fixed gas, no simulation): mined with status 0; orderStatus replays it for the reason
    const inner = encodeOpenTrade({
      collateral: '42.5',
      openPrice: '42500',
      trader: trader.address,
      leverage: 10,
      pairIndex: 0,
      buy: true,
      slippageBps: '50',
    });
    const data = encodeDelegatedAction(trader.address, inner);
    const tx = await stranger.connect(provider).sendTransaction({ to: chain.addresses.trading, data, gasLimit: 500_000 });
    const receipt = await provider.getTransactionReceipt(tx.hash);
    expect(receipt!.status).toBe(0);
    const status = await a.orderStatus({ address: trader.address }, { clientOrderId: '0xdd02', venueOrderId: tx.hash, symbol: 'BTC' });
    expect(status).toMatchObject({ status: 'REJECTED', venueOrderId: tx.hash });
    expect(status!.error).toMatch(/Ostium reverted the transaction: .*NotDelegate\(/);
  });

  it('reports the oracle canceling an open for slippage, and refunds the collateral', async () => {
    const trader = await onboard(agent);
    const account = { address: trader.address, signer: keyHandle(agent) };
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
    expect(chain.usdcBalance(trader.address)).toBe('800');
    chain.setPrice(1, '2004.01'); // 20 bp above 2000 is 2004
    chain.fulfillPending();
    const r = await a.orderStatus(account, { clientOrderId: '0xee01', venueOrderId: placed.venueOrderId, symbol: 'ETH' });
    expect(r).toMatchObject({ status: 'REJECTED', venueOrderId: placed.venueOrderId });
    expect(r!.error).toMatch(/canceled the market open: SLIPPAGE; collateral refunded/);
    expect(chain.usdcBalance(trader.address)).toBe('1000');
    expect(chain.trades(trader.address)).toEqual([]);
  });

  it('fails an order the oracle does not fill within fillTimeoutMs', async () => {
    const trader = await onboard(agent);
    const account = { address: trader.address, signer: keyHandle(agent) };
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
    expect(chain.pendingOrders().filter((o) => o.trader === trader.address)).toHaveLength(1);
    expect(chain.usdcBalance(trader.address)).toBe('950');
    const cancel = await a.cancelTimedOutOrder(account, placed.venueOrderId!);
    expect(cancel).toMatchObject({ status: 'PENDING' });
    expect(chain.calls.find((c) => c.txHash === cancel.venueOrderId && c.fn === 'openTradeMarketTimeout')).toMatchObject({
      from: trader.address,
      delegatedBy: agent.address,
    });
    expect(chain.pendingOrders().filter((o) => o.trader === trader.address)).toHaveLength(0);
    expect(chain.usdcBalance(trader.address)).toBe('1000');
    expect((await a.orderStatus(account, ref))!.error).toMatch(/timed out on Ostium and its collateral was refunded/);
  });

  it('recovers an order whose broadcast answer was lost, by the hash stored before sending, without a second transaction', async () => {
    const trader = await onboard(agent);
    const account = { address: trader.address, signer: keyHandle(agent) };
    marks.set('ETH', dec('2000'));
    let stored: string | null = null;
    const sent = agentTxs(agent.address).length;
    chain.dropNextResponse();
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
    chain.setPrice(1, '2001');
    chain.fulfillPending();
    expect(await restarted.orderStatus(account, ref)).toMatchObject({ status: 'FILLED', avgPrice: '2001.00000000', slot: 0 });
    expect(agentTxs(agent.address).length).toBe(sent + 1);
    // an unknown hash is an order the venue never saw
    expect(await restarted.orderStatus(account, { clientOrderId: 'x', venueOrderId: '0x' + '12'.repeat(32), symbol: 'ETH' })).toBeNull();
  });

  it('trades a USD-X pair as its inverse: LONG JPY is a SHORT USD-JPY', async () => {
    const trader = await onboard(agent);
    const account = { address: trader.address, signer: keyHandle(agent) };
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
    expect(chain.calls.find((c) => c.txHash === placed.venueOrderId && c.fn === 'openTrade')).toMatchObject({
      args: {
        t: { buy: false, pairIndex: 4n, openPrice: toPrice18('150'), tp: toPrice18('140'), collateral: 10_000_000n, leverage: 1000n },
      },
    });
    chain.setPrice(4, '150');
    chain.fulfillPending();
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
        account: { address: agent.address, signer: keyHandle(agent) },
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
