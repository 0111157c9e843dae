import Decimal from 'decimal.js';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { dec, Dec, quoteExecution } from '@conduit/domain';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { GmxChain } from '../../../testing/src/venues/gmx-chain';
/* eslint-enable @nx/enforce-module-boundaries */
import { KeyHandle, OrderResult, TradingAccount } from '../adapter';
import { GmxAdapter } from './gmx-adapter';
import { POSITION_IMPACT_FACTOR, positionImpactFactorKey } from './impact-keys';

// exponent 2; 1e-9 per USD of imbalance against the trader, 5e-10 in favour: readable hand-checked numbers
const IMPACT = { positiveFactor: '0.0000000005', negativeFactor: '0.000000001', exponent: '2' };

describe('GMX cost = position fee + the pool price impact (adapter book against the local chain)', () => {
  let chain: GmxChain;
  let adapter: GmxAdapter;
  let account: TradingAccount;
  const marks = new Map<string, Decimal>([['ETH', dec('2000')]]);

  let clockMs = Date.now();

  async function start(options: Parameters<typeof GmxChain.start>[0], impactCacheMs = 0) {
    chain = await GmxChain.start({ positionFeeBps: 10n, ...options });
    chain.setPrice('ETH', '2000');
    const user = Wallet.createRandom() as unknown as Wallet;
    const agent = Wallet.createRandom() as unknown as Wallet;
    chain.fundEth(user.address, '1');
    chain.fundEth(agent.address, '1');
    chain.fund(user.address, '100000');
    adapter = new GmxAdapter({
      rpcUrl: chain.url,
      chainId: chain.chainId,
      addresses: chain.network,
      prices: { mark: async (_venue, symbol) => marks.get(symbol) ?? null },
      executionFeeWei: 10n ** 15n,
      positionFeeBps: '10',
      impactCacheMs,
      clock: { now: () => new Date(clockMs) },
    });
    const handle: KeyHandle = { address: agent.address, use: (fn) => fn(agent.privateKey) };
    account = { address: user.address, signer: handle };
    const network = Network.from(chain.chainId);
    const provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    const wallet = new Wallet(user.privateKey, provider);
    for (const t of adapter.approvalTransactions(user.address, agent.address, '100000'))
      await (await wallet.sendTransaction({ to: t.to, data: t.data, gasLimit: 2_000_000n })).wait();
    provider.destroy();
  }

  afterEach(async () => {
    adapter.destroy();
    await chain.close();
  });

  async function execute(placed: OrderResult): Promise<void> {
    expect(placed.status).toBe('PENDING');
    chain.executePending();
    const done = await adapter.orderStatus(account, {
      clientOrderId: placed.clientOrderId,
      venueOrderId: placed.venueOrderId,
      symbol: 'ETH',
    });
    expect(done?.status).toBe('FILLED');
  }

  /** How far the last event's execution price is from the oracle price, bps. */
  function executedBps(name: 'PositionIncrease' | 'PositionDecrease'): Decimal {
    const events = chain.events(name);
    const u = events[events.length - 1].items.uint;
    const exec = new Dec(u.executionPrice.toString());
    const oracle = new Dec(u['indexTokenPrice.max'].toString());
    return exec.minus(oracle).abs().div(oracle).mul(10_000);
  }

  it('DataStore keys are Keys.sol hashes; the chain answers getUint with its factors', async () => {
    await start({ positionImpact: IMPACT });
    // keccak256(abi.encode("POSITION_IMPACT_FACTOR"))
    expect(POSITION_IMPACT_FACTOR).toBe('0xdbe66c23ce3688bc34131316a8b4dd967631de35afb1dbb972bc1b7c71c4a18b');
    const market = chain.markets[0].marketToken;
    const reader = (adapter as unknown as { reader: { getUint(key: string): Promise<bigint> } }).reader;
    expect(await reader.getUint(positionImpactFactorKey(market, false))).toBe(10n ** 21n);
    expect(await reader.getUint(positionImpactFactorKey(market, true))).toBe(5n * 10n ** 20n);
  });

  it('without impact settings the book is flat at the mark: no slippage, only the position fee', async () => {
    await start({});
    const book = await adapter.orderBook('ETH');
    expect(new Set([...book.asks, ...book.bids].map((l) => l.price))).toEqual(new Set(['2000']));
    expect(quoteExecution(book.asks, '100000', adapter.feeSchedule().takerBps)).toMatchObject({
      slippageBps: new Dec(0),
      takerBps: new Dec(10),
    });
  });

  it("the book's slippage for N USD is the impact the chain then applies to an order of N USD; bigger costs more", async () => {
    await start({ positionImpact: IMPACT });
    chain.setOpenInterest('ETH', { long: '2000000', short: '1000000' });
    const book = await adapter.orderBook('ETH');
    const quote = (n: string, side = book.asks) => quoteExecution(side, n, '10').slippageBps!;
    // a $25k long grows the imbalance 1M → 1.025M: (1.025M² − 1M²) × 1e-9 = $50.625; GMX's execution price is
    // mark / (1 − 50.625 / 25000), so the slippage is 50.625 / (25000 − 50.625) = 20.29108... bps
    const expected = new Dec('50.625').div(new Dec(25000).minus('50.625')).mul(10_000);
    expect(quote('25000').toDecimalPlaces(9).toFixed()).toBe(expected.toDecimalPlaces(9).toFixed());
    expect(quote('1000').lt(quote('25000'))).toBe(true);
    expect(quote('25000').lt(quote('100000'))).toBe(true);
    expect(quote('100000').lt(quote('2500000'))).toBe(true);

    await execute(
      await adapter.placeOrder({
        clientOrderId: 'long-25k',
        account,
        symbol: 'ETH',
        side: 'BUY',
        qty: '12.5',
        reduceOnly: false,
        maxSlippageBps: '50',
        leverage: 5,
      }),
    );
    const inc = chain.events('PositionIncrease')[0].items;
    expect(inc.int.priceImpactUsd).toBe(-50_625n * 10n ** 27n);
    expect(executedBps('PositionIncrease').toDecimalPlaces(9).toFixed()).toBe(expected.toDecimalPlaces(9).toFixed());
    expect(chain.openInterest('ETH')).toEqual({ long: '2025000', short: '1000000' });
  });

  it('shorts that rebalance the pool are quoted at the mark; crossing over costs; closing tracks open interest', async () => {
    await start({ positionImpact: IMPACT });
    chain.setOpenInterest('ETH', { long: '2000000', short: '1000000' });
    const book = await adapter.orderBook('ETH');
    expect(quoteExecution(book.bids, '500000', '10').slippageBps!.toFixed()).toBe('0');
    // a $2.5M short: 1M long-heavy → 1.5M short-heavy: 1M² × 5e-10 − 1.5M² × 1e-9 = 500 − 2250 = −$1750
    const cost = new Dec(1750).div(new Dec(2_500_000).plus(1750)).mul(10_000);
    expect(quoteExecution(book.bids, '2500000', '10').slippageBps!.toDecimalPlaces(9).toFixed()).toBe(cost.toDecimalPlaces(9).toFixed());

    // a $10k short shrinks the imbalance 1M → 990k: (1M² − 990k²) × 5e-10 = +$9.95; closing it grows it back: −$19.90
    await execute(
      await adapter.placeOrder({
        clientOrderId: 'short-10k',
        account,
        symbol: 'ETH',
        side: 'SELL',
        qty: '5',
        reduceOnly: false,
        maxSlippageBps: '50',
        leverage: 5,
      }),
    );
    expect(chain.events('PositionIncrease')[0].items.int.priceImpactUsd).toBe(995n * 10n ** 28n);
    expect(chain.openInterest('ETH')).toEqual({ long: '2000000', short: '1010000' });
    await execute(await adapter.closePosition(account, 'ETH', 'close-short', '50'));
    expect(chain.events('PositionDecrease')[0].items.int.priceImpactUsd).toBe(-199n * 10n ** 29n);
    expect(chain.openInterest('ETH')).toEqual({ long: '2000000', short: '1000000' });
  });

  it("reuses a market's DataStore values for impactCacheMs, then reads them again", async () => {
    await start({ positionImpact: IMPACT }, 60_000);
    const asks = async () => quoteExecution((await adapter.orderBook('ETH')).asks, '100000', '10').slippageBps!;
    const before = await asks(); // balanced pool: the 100k long still opens an imbalance
    chain.setOpenInterest('ETH', { long: '2000000', short: '1000000' });
    expect((await asks()).eq(before)).toBe(true);
    clockMs += 60_000;
    expect((await asks()).gt(before)).toBe(true);
  });
});
