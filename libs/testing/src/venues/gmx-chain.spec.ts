import { Contract, JsonRpcProvider, Network, TransactionReceipt, Wallet, ZeroAddress } from 'ethers';
import { gmxExchangeRouterInterface } from '@conduit/venue';
import { EVENT_LOG1_TOPIC, EVENT_LOG2_TOPIC, explainGmxRevert, GMX_READER_ABI, GMX_ERC20_ABI } from '@conduit/venue';
import { acceptablePrice, encodeIncreaseOrder, priceToGmx, usdToGmx30 } from '@conduit/venue';
import { decodeGmxLog } from '@conduit/venue';
import { gmxApprovalTransactions } from '@conduit/venue';
import { encodeSubaccountCancelOrder, encodeSubaccountDecreaseOrder, encodeSubaccountIncreaseOrder } from '@conduit/venue';
import { GmxChain } from './gmx-chain';

const FEE = 10n ** 15n;

describe('GmxChain (local GMX v2 over JSON-RPC)', () => {
  let chain: GmxChain;
  let provider: JsonRpcProvider;
  let user: Wallet;
  let agent: Wallet;

  beforeEach(async () => {
    chain = await GmxChain.start({ positionFeeBps: 10n });
    const network = Network.from(chain.chainId);
    provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    user = new Wallet(Wallet.createRandom().privateKey, provider);
    agent = new Wallet(Wallet.createRandom().privateKey, provider);
    chain.fundEth(user.address, '1');
    chain.fundEth(agent.address, '1');
    chain.fund(user.address, '1000');
    chain.setPrice('ETH', '2000');
  });

  afterEach(async () => {
    provider.destroy();
    await chain.close();
  });

  const send = async (w: Wallet, to: string, data: string, value = 0n): Promise<TransactionReceipt> =>
    (await (await w.sendTransaction({ to, data, value, gasLimit: 2_000_000n })).wait())!;

  async function onboard(usdc = '1000') {
    for (const t of gmxApprovalTransactions(chain.network, user.address, agent.address, usdc)) await send(user, t.to, t.data);
  }

  function increase(collateral: bigint, sizeUsd: string, isLong = true, slippageBps = 50, executionFee = FEE) {
    const mark = priceToGmx('2000', 18);
    return encodeSubaccountIncreaseOrder(user.address, {
      orderVault: chain.network.orderVault,
      receiver: user.address,
      market: chain.markets[0].marketToken,
      collateralToken: chain.network.usdc,
      sizeDeltaUsd: usdToGmx30(sizeUsd),
      acceptablePrice: acceptablePrice(mark, isLong ? 'LONG' : 'SHORT', slippageBps, true),
      executionFee,
      isLong,
      collateralAmount: collateral,
    });
  }

  async function revertOf(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (err) {
      const e = err as { data?: string; info?: { error?: { message?: string } }; message: string };
      return e.data && e.data !== '0x' ? explainGmxRevert(e.data) : (e.info?.error?.message ?? e.message);
    }
    throw new Error('did not revert');
  }

  it('emits the real EventLog1/EventLog2 topics', () => {
    // topic0 values as tradingstrategy-ai/web3-ethereum-defi's GmxLib comments state them (contracts/guard @ 4022feac)
    expect(EVENT_LOG1_TOPIC).toBe('0x137a44067c8961cd7e1d876f4754a5a3a75989b4552f1843fc69c3b372def160');
    expect(EVENT_LOG2_TOPIC).toBe('0x468a25a7ba624ceea6e540ad6f49171b52495b648417ae91bca21676d8a24dc5');
  });

  it('opens a long through the subaccount, executes it at the oracle price and closes it with PnL', async () => {
    await onboard();
    const order = increase(100_000_000n, '1000');
    const receipt = await send(agent, chain.network.subaccountRouter, order.data, order.value);
    const created = receipt.logs.map(decodeGmxLog).find((e) => e?.name === 'OrderCreated')!;
    expect(created.items.address.account).toBe(user.address);
    expect(created.topic1).toBe(created.items.bytes32.key);
    expect(chain.usdcBalance(user.address)).toBe('900');

    expect(chain.executePending()).toBe(1);
    const names = chain
      .events()
      .filter((e) => e.transactionHash !== receipt.hash)
      .map((e) => e.name);
    expect(names.slice(-3)).toEqual(['PositionFeesCollected', 'PositionIncrease', 'OrderExecuted']);
    const fees = chain.events('PositionFeesCollected')[0].items.uint;
    expect(fees.positionFeeAmount).toBe(1_000_000n); // 1000 USD × 10 bps = 1 USDC
    const reader = new Contract(chain.network.reader, GMX_READER_ABI, provider);
    const [pos] = await reader.getAccountPositions(chain.network.dataStore, user.address, 0, 10);
    expect(pos.numbers.sizeInUsd).toBe(usdToGmx30('1000'));
    expect(pos.numbers.sizeInTokens).toBe(5n * 10n ** 17n);
    expect(pos.numbers.collateralAmount).toBe(99_000_000n);
    expect(pos.flags.isLong).toBe(true);

    chain.setPrice('ETH', '2200');
    const close = encodeSubaccountDecreaseOrder(user.address, {
      orderVault: chain.network.orderVault,
      receiver: user.address,
      market: chain.markets[0].marketToken,
      collateralToken: chain.network.usdc,
      sizeDeltaUsd: usdToGmx30('1000'),
      acceptablePrice: acceptablePrice(priceToGmx('2200', 18), 'LONG', 50, false),
      executionFee: FEE,
      isLong: true,
    });
    await send(agent, chain.network.subaccountRouter, close.data, close.value);
    chain.executePending();
    const dec = chain.events('PositionDecrease')[0].items;
    expect(dec.int.basePnlUsd).toBe(usdToGmx30('100'));
    // 900 + collateral 99 + PnL 100 − the close's position fee (1000 USD × 10 bps = 1)
    expect(chain.usdcBalance(user.address)).toBe('1098');
    expect(chain.positions(user.address)).toEqual([]);
  });

  it('cancels an order whose acceptable price the execution price violates, refunding the collateral', async () => {
    await onboard();
    const order = increase(50_000_000n, '500', true, 10);
    await send(agent, chain.network.subaccountRouter, order.data, order.value);
    chain.setPrice('ETH', '2010'); // +50 bps > 10 bps allowed
    chain.executePending();
    const [cancelled] = chain.events('OrderCancelled');
    expect(explainGmxRevert(cancelled.items.bytes.reasonBytes)).toMatch(/^OrderNotFulfillableAtAcceptablePrice/);
    expect(chain.usdcBalance(user.address)).toBe('1000');
    expect(chain.positions(user.address)).toEqual([]);
  });

  it('freezes an order on request and lets the subaccount cancel only after the request expiration', async () => {
    await onboard();
    const order = increase(50_000_000n, '500');
    const receipt = await send(agent, chain.network.subaccountRouter, order.data, order.value);
    const key = receipt.logs.map(decodeGmxLog).find((e) => e?.name === 'OrderCreated')!.items.bytes32.key;
    chain.freezeNextOrder('no liquidity');
    chain.executePending();
    expect(chain.events('OrderFrozen')[0].items.string.reason).toBe('no liquidity');
    expect(chain.executePending()).toBe(0);
    const cancel = encodeSubaccountCancelOrder(key);
    expect(await revertOf(agent.estimateGas({ to: chain.network.subaccountRouter, data: cancel.data }))).toMatch(
      /RequestNotYetCancellable/,
    );
    chain.advanceTime(301);
    await send(agent, chain.network.subaccountRouter, cancel.data);
    expect(chain.events('OrderCancelled')[0].items.string.reason).toBe('USER_INITIATED_CANCEL');
    expect(chain.usdcBalance(user.address)).toBe('1000');
  });

  it('refuses what GMX refuses', async () => {
    const sub = chain.network.subaccountRouter;
    const order = increase(50_000_000n, '500');
    expect(await revertOf(agent.estimateGas({ to: sub, data: order.data, value: order.value }))).toMatch(/^SubaccountNotAuthorized/);
    await onboard('10');
    expect(await revertOf(agent.estimateGas({ to: sub, data: order.data, value: order.value }))).toMatch(/insufficient allowance/);
    const cheap = increase(5_000_000n, '50', true, 50, 10n);
    expect(await revertOf(agent.estimateGas({ to: sub, data: cheap.data, value: cheap.value }))).toMatch(/^InsufficientExecutionFee/);
    const unpaid = increase(5_000_000n, '50');
    expect(await revertOf(agent.estimateGas({ to: sub, data: unpaid.data, value: 0n }))).toMatch(/sendWnt/);
    expect(await revertOf(agent.estimateGas({ to: sub, data: '0xdeadbeef' }))).toMatch(/unknown selector/);
    expect(await revertOf(agent.estimateGas({ to: sub, data: order.data + '00' }))).toMatch(/malformed/);
    const other = Wallet.createRandom().address;
    const wrongReceiver = encodeIncreaseOrder({
      orderVault: chain.network.orderVault,
      receiver: other,
      market: ZeroAddress,
      collateralToken: chain.network.usdc,
      sizeDeltaUsd: 1n,
      acceptablePrice: 1n,
      executionFee: FEE,
      isLong: true,
      collateralAmount: 1n,
    });
    // ExchangeRouter: the sender's own order on an unlisted market
    chain.fund(agent.address, '1');
    const usdc = new Contract(chain.network.usdc, GMX_ERC20_ABI, agent);
    await (await usdc.approve(chain.network.router, 10n ** 6n)).wait();
    const [inner] = gmxExchangeRouterInterface.decodeFunctionData('multicall', wrongReceiver.data);
    expect(inner).toHaveLength(3);
    expect(
      await revertOf(agent.estimateGas({ to: chain.network.exchangeRouter, data: wrongReceiver.data, value: wrongReceiver.value })),
    ).toMatch(/^EmptyMarket/);
    expect(await revertOf(agent.estimateGas({ to: chain.network.router, data: '0x' }))).toBeTruthy();
  });

  it("takes the account's own orders on ExchangeRouter (sendTokens) and executes them on its own with autoExecuteMs", async () => {
    chain.setAutoExecute(0);
    const usdc = new Contract(chain.network.usdc, GMX_ERC20_ABI, user);
    await (await usdc.approve(chain.network.router, 100_000_000n)).wait();
    const own = encodeIncreaseOrder({
      orderVault: chain.network.orderVault,
      receiver: user.address,
      market: chain.markets[0].marketToken,
      collateralToken: chain.network.usdc,
      sizeDeltaUsd: usdToGmx30('400'),
      acceptablePrice: acceptablePrice(priceToGmx('2000', 18), 'SHORT', 50, true),
      executionFee: FEE,
      isLong: false,
      collateralAmount: 100_000_000n,
    });
    const receipt = await send(user, chain.network.exchangeRouter, own.data, own.value);
    const key = receipt.logs.map(decodeGmxLog).find((e) => e?.name === 'OrderCreated')!.items.bytes32.key;
    const reader = new Contract(chain.network.reader, GMX_READER_ABI, provider);
    // the order as stored by its block (the keeper may already have executed it)
    const stored = await reader.getOrder(chain.network.dataStore, key, { blockTag: receipt.blockNumber });
    expect([stored.addresses.account, stored.numbers.sizeDeltaUsd, stored.numbers.initialCollateralDeltaAmount]).toEqual([
      user.address,
      usdToGmx30('400'),
      100_000_000n,
    ]);
    await chain.keeperExecuted(1);
    expect(chain.positions(user.address)).toEqual([
      { symbol: 'ETH', isLong: false, sizeInUsd: '400', sizeInTokens: '0.2', collateral: '99.6' },
    ]);
    const gone = await reader.getOrder(chain.network.dataStore, key);
    expect(gone.addresses.account).toBe(ZeroAddress);
  });

  it("counts the subaccount's actions against the maximum the account set", async () => {
    for (const t of gmxApprovalTransactions(chain.network, user.address, agent.address, '1000', { maxActions: 1n }))
      await send(user, t.to, t.data);
    const order = increase(10_000_000n, '100');
    await send(agent, chain.network.subaccountRouter, order.data, order.value);
    expect(await revertOf(agent.estimateGas({ to: chain.network.subaccountRouter, data: order.data, value: order.value }))).toMatch(
      /^MaxSubaccountActionCountExceeded/,
    );
  });

  it('moves the execution price against the trader by the price impact option', async () => {
    await chain.close();
    chain = await GmxChain.start({ positionFeeBps: 10n, priceImpactBps: 10n });
    provider.destroy();
    const network = Network.from(chain.chainId);
    provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    user = new Wallet(user.privateKey, provider);
    agent = new Wallet(agent.privateKey, provider);
    chain.fundEth(user.address, '1');
    chain.fundEth(agent.address, '1');
    chain.fund(user.address, '1000');
    chain.setPrice('ETH', '2000');
    await onboard();
    const order = increase(100_000_000n, '1000');
    await send(agent, chain.network.subaccountRouter, order.data, order.value);
    chain.executePending();
    const inc = chain.events('PositionIncrease')[0].items;
    expect(inc.uint.executionPrice).toBe(priceToGmx('2002', 18));
    expect(inc.int.priceImpactUsd).toBe(-usdToGmx30('1'));
  });
});
