import Decimal from 'decimal.js';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { SpotChain } from '../../../testing/src/venues/spot-chain';
/* eslint-enable @nx/enforce-module-boundaries */
import { dec } from '@conduit/domain';
import type { KeyHandle, OrderRequest, TradingAccount } from '../adapter';
import { localSpotNetwork } from './networks';
import { SpotAdapter } from './spot-adapter';
import { spotApprovalTransactions } from './onboarding';

const L_500 = (2n * 10n ** 17n).toString(); // ≈ 11M USDC and 3,650 WETH over the full range at 3,000
const L_3000 = (2n * 10n ** 15n).toString();

function keyOf(wallet: { address: string; privateKey: string }): KeyHandle {
  return { address: wallet.address, use: (fn) => fn(wallet.privateKey) };
}

describe('SpotAdapter on the local Uniswap v3 chain', () => {
  let chain: SpotChain;
  let provider: JsonRpcProvider;
  let adapter: SpotAdapter;
  const user = Wallet.createRandom();
  const agent = Wallet.createRandom();
  const account: TradingAccount = { address: user.address, signer: keyOf(agent) };
  let boughtQty = '';
  /** What the buy delivered, all 18 places (the position counts 8: the dust below stays in the wallet). */
  let receivedQty = '';

  const order = (over: Partial<OrderRequest>): OrderRequest => ({
    clientOrderId: `c-${Math.random()}`,
    account,
    symbol: 'ETH',
    side: 'BUY',
    qty: '1',
    reduceOnly: false,
    maxSlippageBps: '50',
    referencePrice: '3000',
    ...over,
  });

  const options = () => ({
    rpcUrl: chain.url,
    chainId: chain.chainId,
    network: localSpotNetwork(),
    tokens: [chain.token('USDC'), chain.token('WETH'), chain.token('ARB')],
    prices: { mark: async () => null },
    receiptPollMs: 5,
    receiptTimeoutMs: 10_000,
  });
  const newAdapter = () => new SpotAdapter(options());

  beforeAll(async () => {
    chain = await SpotChain.start();
    const network = Network.from(chain.chainId);
    provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    chain.setPool('WETH', 'USDC', 500, '3000', L_500);
    chain.setPool('WETH', 'USDC', 3000, '3000', L_3000);
    chain.fund(user.address, 'ETH', '1');
    chain.fund(agent.address, 'ETH', '1');
    chain.fund(user.address, 'USDC', '10000');
    adapter = newAdapter();
    // the user's one-time approvals, sent from the user's wallet
    const weth = { ...chain.token('WETH'), cap: 'unlimited' };
    for (const tx of spotApprovalTransactions(localSpotNetwork(), user.address, agent.address, [weth], '10000')) {
      const sent = await user.connect(provider).sendTransaction({ to: tx.to, data: tx.data, value: 0n });
      await sent.wait();
    }
  });

  afterAll(async () => {
    adapter.destroy();
    provider.destroy();
    await chain.close();
  });

  it('lists one market per token with a USDC pool, marks from the pool, a synthetic book and the fee tier', async () => {
    const markets = await adapter.markets();
    expect(markets).toEqual([
      expect.objectContaining({ symbol: 'ETH', pair: 'WETH/USDC', szDecimals: 8, maxLeverage: 1, active: true }),
      expect.objectContaining({ symbol: 'ARB', pair: 'ARB/USDC', active: false }),
    ]);
    const mark = (await adapter.markPrice('ETH'))!;
    expect(mark.minus(3000).abs().lt('1e-12')).toBe(true);
    expect(adapter.feeSchedule()).toEqual({ takerBps: '5', makerBps: '5' });
    const book = await adapter.orderBook('ETH', 5);
    expect(book.asks).toHaveLength(5);
    expect(book.bids).toHaveLength(5);
    const asks = book.asks.map((l) => dec(l.price));
    const bids = book.bids.map((l) => dec(l.price));
    asks.slice(1).forEach((p, i) => expect(p.gte(asks[i])).toBe(true));
    bids.slice(1).forEach((p, i) => expect(p.lte(bids[i])).toBe(true));
    expect(asks[0].gt(mark) && bids[0].lt(mark)).toBe(true);
    // fee taken out: the first level is within a few bps of the mark (price impact of 1,000 USDC only)
    expect(asks[0].div(mark).minus(1).lt('0.0001')).toBe(true);
  });

  it('buys: PENDING with the swap hash given before broadcast, then FILLED with the tokens received, exact fee', async () => {
    const hashes: string[] = [];
    const o = order({ onSubmitting: async (h) => void hashes.push(h) });
    const result = await adapter.placeOrder(o);
    expect(result).toMatchObject({ status: 'PENDING', venueOrderId: hashes[0] });
    const filled = await adapter.orderStatus(account, { clientOrderId: o.clientOrderId, venueOrderId: hashes[0], symbol: 'ETH' });
    const swap = chain.events('Swap').find((e) => e.transactionHash === hashes[0])!;
    const received = chain.rawBalanceOf('WETH', user.address);
    expect(-(swap.args.amount0 as bigint)).toBe(received); // WETH sorts before USDC on Arbitrum
    expect(swap.args.amount1).toBe(3000n * 10n ** 6n);
    receivedQty = dec(received.toString()).div('1e18').toFixed();
    const counted = dec(receivedQty).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed();
    expect(filled).toMatchObject({ status: 'FILLED', filledQty: counted, fee: '1.5' });
    expect(dec(filled!.avgPrice!).toFixed(10)).toBe(dec(3000).div(filled!.filledQty).toFixed(10));
    expect(chain.balanceOf('USDC', user.address)).toBe('7000');
    expect(chain.rawBalanceOf('USDC', agent.address)).toBe(0n);
    expect(chain.rawBalanceOf('WETH', agent.address)).toBe(0n);
    boughtQty = filled!.filledQty;

    // a retry under the same client order id answers the order, and a new adapter (a restart) finds it by its hash
    const txCount = chain.ledger.blockNumber;
    expect(await adapter.placeOrder(o)).toEqual(filled);
    expect(chain.ledger.blockNumber).toBe(txCount);
    const restarted = newAdapter();
    expect(await restarted.orderStatus(account, { clientOrderId: o.clientOrderId, venueOrderId: hashes[0], symbol: 'ETH' })).toEqual(
      filled,
    );
    restarted.destroy();
  });

  it('refuses a SELL that is not reduce-only, a reduce-only BUY and any leverage above 1', async () => {
    await expect(adapter.placeOrder(order({ side: 'SELL' }))).resolves.toMatchObject({
      status: 'REJECTED',
      error: expect.stringMatching(/long only/),
    });
    await expect(adapter.placeOrder(order({ leverage: 3 }))).resolves.toMatchObject({
      status: 'REJECTED',
      error: expect.stringMatching(/leverage/),
    });
    await expect(adapter.placeOrder(order({ reduceOnly: true }))).resolves.toMatchObject({ status: 'REJECTED' });
    await expect(adapter.setLeverage(account, 'ETH', 2)).rejects.toThrow(/without leverage/);
    await expect(adapter.placeOrder(order({ symbol: 'ARB' }))).resolves.toMatchObject({
      error: expect.stringMatching(/no Uniswap v3 pool/),
    });
    await expect(adapter.placeOrder(order({ referencePrice: '2900' }))).resolves.toMatchObject({
      status: 'REJECTED',
      error: expect.stringMatching(/beyond 2900 ± 50 bps/),
    });
    await expect(adapter.placeOrder(order({ qty: '100', maxSlippageBps: '1500' }))).resolves.toMatchObject({
      error: expect.stringMatching(/the wallet holds/),
    });
  });

  it('a swap the pool moved against before it was mined reverts: REJECTED with the reason, the input refunded', async () => {
    const usdcBefore = chain.rawBalanceOf('USDC', user.address);
    chain.holdMining();
    const o = order({ qty: '0.5', maxSlippageBps: '10' });
    const held = chain.heldSoFar;
    const placing = adapter.placeOrder(o);
    await chain.whenHeld(held + 1); // the pull of the USDC
    chain.mineHeld();
    await chain.whenHeld(held + 2); // the swap
    const result = await placing;
    expect(result.status).toBe('PENDING');
    const ref = { clientOrderId: o.clientOrderId, venueOrderId: result.venueOrderId, symbol: 'ETH' };
    await expect(adapter.orderStatus(account, ref)).resolves.toMatchObject({ status: 'PENDING' });
    chain.setPool('WETH', 'USDC', 500, '3100', L_500); // the price runs away
    chain.holdMining(false);
    chain.mineHeld();
    const status = await adapter.orderStatus(account, ref);
    expect(status).toMatchObject({ status: 'REJECTED', error: expect.stringMatching(/Too little received/) });
    expect(chain.rawBalanceOf('USDC', agent.address)).toBe(0n);
    expect(chain.rawBalanceOf('USDC', user.address)).toBe(usdcBefore);
    chain.setPool('WETH', 'USDC', 500, '3000', L_500);
  });

  it('closes the position: sells what the agent bought, not the rest of the wallet', async () => {
    chain.fund(user.address, 'WETH', '0.25'); // the user's own WETH, not bought by Conduit
    const positions = await adapter.openPositions(user.address);
    expect(positions).toEqual([
      expect.objectContaining({ symbol: 'ETH', side: 'LONG', qty: dec(receivedQty).plus('0.25').toFixed(), leverage: 1 }),
    ]);
    const result = await adapter.closePosition(account, 'ETH', 'close-1', '50');
    expect(result.status).toBe('PENDING');
    const filled = await adapter.orderStatus(account, { clientOrderId: 'close-1', venueOrderId: result.venueOrderId, symbol: 'ETH' });
    const swap = chain.events('Swap').find((e) => e.transactionHash === result.venueOrderId)!;
    const usdcOut = -(swap.args.amount1 as bigint);
    const price = dec(usdcOut.toString()).div('1e6').div(boughtQty);
    expect(filled).toMatchObject({ status: 'FILLED', filledQty: boughtQty });
    expect(filled!.fee).toBe(dec(boughtQty).mul('0.0005').mul(price).toDecimalPlaces(6).toFixed());
    expect(chain.balanceOf('WETH', user.address)).toBe(dec(receivedQty).minus(boughtQty).plus('0.25').toFixed());
    await expect(adapter.closePosition(account, 'ETH', 'close-2', '50')).resolves.toMatchObject({ status: 'REJECTED' });

    const fills = await adapter.fills(user.address);
    // read two blocks at a time (an RPC's range cap), from the chain's start: the same fills
    const chunked = new SpotAdapter({ ...options(), logChunkBlocks: 2, fromBlock: 0 });
    expect(await chunked.fills(user.address)).toEqual(fills);
    expect(fills.map((f) => [f.side, f.qty, f.fee, f.venueOrderId])).toEqual([
      ['BUY', boughtQty, '1.5', expect.any(String)],
      ['SELL', boughtQty, filled!.fee, result.venueOrderId],
    ]);
  });
});
