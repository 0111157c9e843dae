import Decimal from 'decimal.js';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { dec, Dec } from '@conduit/domain';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { GmxChain } from '../../../testing/src/venues/gmx-chain';
/* eslint-enable @nx/enforce-module-boundaries */
import { KeyHandle, OrderRequest, OrderResult, TradingAccount } from '../adapter';
import { GmxAdapter } from './gmx-adapter';
import { GmxAdapterOptions } from './gmx-options';

const E30 = new Dec(10).pow(30);

function keyHandle(wallet: Wallet): KeyHandle {
  return { address: wallet.address, use: (fn) => fn(wallet.privateKey) };
}

describe('GmxAdapter against the local GMX chain', () => {
  let chain: GmxChain;
  let adapter: GmxAdapter;
  let user: Wallet;
  let agent: Wallet;
  let account: TradingAccount;
  const marks = new Map<string, Decimal>();
  let clockOffsetMs = 0;

  function makeAdapter(extra: Partial<GmxAdapterOptions> = {}): GmxAdapter {
    return new GmxAdapter({
      rpcUrl: chain.url,
      chainId: chain.chainId,
      addresses: chain.network,
      prices: { mark: async (_venue, symbol) => marks.get(symbol) ?? null },
      executionFeeWei: 10n ** 15n,
      keeperTimeoutMs: 60_000,
      clock: { now: () => new Date(Date.now() + clockOffsetMs) },
      positionFeeBps: '10',
      ...extra,
    });
  }

  async function price(symbol: string, p: string) {
    chain.setPrice(symbol, p);
    marks.set(symbol, dec(p));
  }

  beforeEach(async () => {
    chain = await GmxChain.start({ positionFeeBps: 10n, borrowingFeeUsdPerDecrease: '0.25' });
    clockOffsetMs = 0;
    user = Wallet.createRandom() as unknown as Wallet;
    agent = Wallet.createRandom() as unknown as Wallet;
    chain.fundEth(user.address, '1');
    chain.fundEth(agent.address, '1');
    chain.fund(user.address, '10000');
    await price('ETH', '2000');
    await price('BTC', '60000');
    adapter = makeAdapter();
    account = { address: user.address, signer: keyHandle(agent) };
    // the user's one-time onboarding, sent from their own wallet
    const network = Network.from(chain.chainId);
    const provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    const wallet = new Wallet(user.privateKey, provider);
    for (const t of adapter.approvalTransactions(user.address, agent.address, '10000'))
      await (await wallet.sendTransaction({ to: t.to, data: t.data, gasLimit: 2_000_000n })).wait();
    provider.destroy();
  });

  afterEach(async () => {
    adapter.destroy();
    await chain.close();
  });

  const order = (over: Partial<OrderRequest> = {}): OrderRequest => ({
    clientOrderId: `c-${Math.random()}`,
    account,
    symbol: 'ETH',
    side: 'BUY',
    qty: '0.5',
    reduceOnly: false,
    maxSlippageBps: '50',
    leverage: 5,
    ...over,
  });

  /** The fee the chain charged an order, from its PositionFeesCollected event: totalCostAmount × collateral price. */
  function chainFee(n: number): string {
    const u = chain.events('PositionFeesCollected')[n].items.uint;
    return new Dec(u.totalCostAmount.toString()).mul(u['collateralTokenPrice.min'].toString()).div(E30).toFixed();
  }

  async function settled(placed: OrderResult): Promise<OrderResult> {
    expect(placed.status).toBe('PENDING');
    chain.executePending();
    return (await adapter.orderStatus(account, { clientOrderId: placed.clientOrderId, venueOrderId: placed.venueOrderId, symbol: 'ETH' }))!;
  }

  it('lists the chain markets by index token symbol', async () => {
    const markets = await adapter.markets();
    expect(markets.map((m) => [m.symbol, m.szDecimals, m.minNotionalUsd])).toEqual([
      ['ETH', 6, '10'],
      ['BTC', 6, '10'],
    ]);
    expect((await adapter.markPrice('ETH'))!.toFixed()).toBe('2000');
    expect(adapter.feeSchedule()).toEqual({ takerBps: '10', makerBps: '10' });
  });

  it('opens a long: hash handed over before broadcast, PENDING, then FILLED with the fee the chain charged', async () => {
    const seen: { hash: string; onChain: boolean }[] = [];
    const placed = await adapter.placeOrder(
      order({ onSubmitting: async (hash) => void seen.push({ hash, onChain: chain.hasTransaction(hash) }) }),
    );
    expect(seen).toEqual([{ hash: placed.venueOrderId, onChain: false }]);
    expect(chain.usdcBalance(user.address)).toBe('9800'); // 0.5 × 2000 ÷ 5
    const filled = await settled(placed);
    expect(filled).toMatchObject({ status: 'FILLED', filledQty: '0.5', avgPrice: '2000', fee: chainFee(0) });
    expect(filled.fee).toBe('1'); // 1000 USD × 10 bps
    expect(await adapter.accountState(user.address)).toEqual({ equity: '9999.00000000', freeCollateral: '9800.00000000' });
  });

  it('opens a short and closes it: closedPnl is the PositionDecrease basePnlUsd, fees include borrowing', async () => {
    const filled = await settled(await adapter.placeOrder(order({ side: 'SELL', qty: '1' })));
    expect(filled).toMatchObject({ status: 'FILLED', filledQty: '1', avgPrice: '2000' });
    await price('ETH', '1900');
    const close = await adapter.closePosition(account, 'ETH', 'close-1', '50');
    const closed = await settled(close);
    expect(closed).toMatchObject({ status: 'FILLED', filledQty: '1', avgPrice: '1900', fee: chainFee(1) });
    expect(closed.fee).toBe('2.25'); // 2000 USD × 10 bps + 0.25 borrowing
    const basePnl = chain.events('PositionDecrease')[0].items.int.basePnlUsd;
    const fills = await adapter.fills(user.address);
    expect(fills.map((f) => [f.side, f.qty, f.price, f.fee, f.closedPnl])).toEqual([
      ['SELL', '1', '2000', '2', '0'],
      ['BUY', '1', '1900', '2.25', new Dec(basePnl.toString()).div(E30).toFixed()],
    ]);
    expect(fills[1].closedPnl).toBe('100');
    const chunked = makeAdapter({ logChunkBlocks: 2 }); // the same fills, read two blocks per eth_getLogs
    expect(await chunked.fills(user.address)).toEqual(fills);
    chunked.destroy();
    // 10000 − 400 collateral + (398 + 100 − 2.25)
    expect(chain.usdcBalance(user.address)).toBe('10095.75');
    expect(await adapter.openPositions(user.address)).toEqual([]);
  });

  it('reports a cancelled order (acceptable price violated) as REJECTED with the reason, collateral back', async () => {
    const placed = await adapter.placeOrder(order({ maxSlippageBps: '10' }));
    chain.setPrice('ETH', '2010');
    const result = await settled(placed);
    expect(result.status).toBe('REJECTED');
    expect(result.error).toMatch(/^GMX cancelled the order: OrderNotFulfillableAtAcceptablePrice\(/);
    expect(chain.usdcBalance(user.address)).toBe('10000');
  });

  it('reports a frozen order as REJECTED', async () => {
    const placed = await adapter.placeOrder(order());
    chain.freezeNextOrder('insufficient liquidity');
    const result = await settled(placed);
    expect(result).toMatchObject({ status: 'REJECTED', error: 'GMX froze the order: insufficient liquidity' });
  });

  it('a keeper that never executes: REJECTED after the timeout, releaseOrder cancels on chain and refunds', async () => {
    chain.holdKeeper();
    const placed = await adapter.placeOrder(order());
    const ref = { clientOrderId: placed.clientOrderId, venueOrderId: placed.venueOrderId, symbol: 'ETH' };
    expect((await adapter.orderStatus(account, ref))!.status).toBe('PENDING');
    clockOffsetMs = 62_000;
    const late = (await adapter.orderStatus(account, ref))!;
    expect(late.status).toBe('REJECTED');
    expect(late.error).toMatch(/keeper did not execute the order within 60 s .*still pending/);
    await expect(adapter.releaseOrder(account, ref)).rejects.toThrow(/RequestNotYetCancellable/);
    chain.advanceTime(301);
    await adapter.releaseOrder(account, ref);
    const released = (await adapter.orderStatus(account, ref))!;
    expect(released.status).toBe('REJECTED');
    expect(released.error).toMatch(/cancelled on chain and its collateral refunded \(GMX cancelled the order: USER_INITIATED_CANCEL\)/);
    expect(chain.usdcBalance(user.address)).toBe('10000');
    chain.releaseKeeper();
    expect(chain.executePending()).toBe(0);
    await adapter.releaseOrder(account, ref); // nothing left to cancel
  });

  it('a retry under the same client order id never sends twice; a hash the caller cannot store sends nothing', async () => {
    const first = await adapter.placeOrder(order({ clientOrderId: 'same' }));
    const again = await adapter.placeOrder(order({ clientOrderId: 'same' }));
    expect(again).toEqual(first);
    const created = () => chain.calls.filter((c) => c.via === 'tx' && c.name === 'createOrder').length;
    expect(created()).toBe(1);
    const refused = adapter.placeOrder(
      order({
        clientOrderId: 'unstored',
        onSubmitting: async () => {
          throw new Error('database down');
        },
      }),
    );
    await expect(refused).rejects.toThrow('database down');
    expect(created()).toBe(1);
  });

  it('a transaction whose answer is lost is PENDING, found by its hash, and not sent again', async () => {
    chain.dropNextResponse();
    const placed = await adapter.placeOrder(order({ clientOrderId: 'lost' }));
    expect(placed.status).toBe('PENDING');
    expect(chain.hasTransaction(placed.venueOrderId!)).toBe(true);
    expect(await adapter.placeOrder(order({ clientOrderId: 'lost' }))).toEqual(placed);
    expect((await settled(placed)).status).toBe('FILLED');
    expect(chain.calls.filter((c) => c.via === 'tx' && c.name === 'createOrder')).toHaveLength(1);
  });

  it('a fresh adapter (after a restart) reads the open positions from the chain', async () => {
    await settled(await adapter.placeOrder(order()));
    await settled(await adapter.placeOrder(order({ symbol: 'BTC', side: 'SELL', qty: '0.01', leverage: 3 })));
    const restarted = makeAdapter();
    const positions = await restarted.openPositions(user.address);
    restarted.destroy();
    // leverage on the collateral left after the opening fee: 1000 / 199 and 600 / 199.4
    expect(positions).toEqual([
      { symbol: 'ETH', side: 'LONG', qty: '0.5', entryPrice: '2000', unrealizedPnl: '0', leverage: 5.03 },
      { symbol: 'BTC', side: 'SHORT', qty: '0.01', entryPrice: '60000', unrealizedPnl: '0', leverage: 3.01 },
    ]);
    expect(positions.map((p) => [p.symbol, p.qty])).toEqual(chain.positions(user.address).map((p) => [p.symbol, p.sizeInTokens]));
  });

  it('refuses what it cannot send', async () => {
    expect((await adapter.placeOrder(order({ symbol: 'DOGE' }))).error).toMatch(/not listed/);
    expect((await adapter.placeOrder(order({ qty: '0.001' }))).error).toMatch(/minimum/);
    expect((await adapter.placeOrder(order({ leverage: 80 }))).error).toMatch(/leverage/);
    expect((await adapter.placeOrder(order({ qty: '100' }))).error).toMatch(/less USDC/);
    expect((await adapter.closePosition(account, 'ETH', 'x', '50')).error).toMatch(/no open ETH position/);
  });
});
