import Decimal from 'decimal.js';
import { HDNodeWallet, JsonRpcProvider, Network, Wallet } from 'ethers';
import { dec } from '@conduit/domain';
import {
  currentTradeProfitP,
  encodeApprove,
  encodeCloseTradeMarket,
  encodeOpenTrade,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  liquidationPrice,
  openingFee,
  OSTIUM_PAIRS,
  pendingAccFundingFees,
  pendingAccRollover,
  positionSize,
  splitOpeningFee,
  tradeFundingFee,
  tradeRolloverFee,
  tradeValue,
} from '@conduit/venue';
import { ChainEvent, OstiumChain, OstiumChainOptions } from './ostium-chain';

const ETH = 1; // pairIndex
const ETH_MAX_LEVERAGE = OSTIUM_PAIRS[ETH].maxLeverage;

/**
 * The local chain's money against the venue's formulas: every expected figure is computed here from what the chain
 * recorded (trades, prices, blocks) with @conduit/venue's pricing functions, which reproduce Ostium's SDK tables.
 */
describe('local Ostium chain: fees, funding and liquidation', () => {
  const chains: OstiumChain[] = [];
  const providers: JsonRpcProvider[] = [];
  afterAll(async () => {
    providers.forEach((p) => p.destroy());
    await Promise.all(chains.map((c) => c.close()));
  });

  const start = async (options: OstiumChainOptions) => {
    const chain = await OstiumChain.start(options);
    const network = Network.from(chain.chainId);
    const provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    chains.push(chain);
    providers.push(provider);
    /** A trader with gas and USDC, TradingStorage approved; it sends its own trades (no delegate). */
    const trader = async (usdc = '10000') => {
      const wallet = Wallet.createRandom().connect(provider);
      chain.fund(wallet.address, '1');
      chain.mintUsdc(wallet.address, usdc);
      await send(wallet, chain.addresses.usdc, encodeApprove(chain.addresses.storage, 10n ** 30n));
      return wallet;
    };
    const send = async (wallet: HDNodeWallet, to: string, data: string) => {
      const receipt = await (await wallet.sendTransaction({ to, data, gasLimit: 1_000_000 })).wait();
      expect(receipt!.status).toBe(1);
      return receipt!;
    };
    /** Opens at the oracle price and fills it; the trade as MarketOpenExecuted recorded it. */
    const open = async (wallet: HDNodeWallet, p: { collateral: string; leverage: number; buy: boolean; price: string }) => {
      chain.setPrice(ETH, p.price);
      const data = encodeOpenTrade({ ...p, openPrice: p.price, trader: wallet.address, pairIndex: ETH, slippageBps: '50' });
      await send(wallet, chain.addresses.trading, data);
      expect(chain.fulfillPending()).toBe(1);
      return chain.events('MarketOpenExecuted').at(-1)!;
    };
    const close = async (wallet: HDNodeWallet, slot: number, price: string) => {
      chain.setPrice(ETH, price);
      await send(
        wallet,
        chain.addresses.trading,
        encodeCloseTradeMarket({ pairIndex: ETH, index: slot, marketPrice: price, slippageBps: '50' }),
      );
      expect(chain.fulfillPending()).toBe(1);
      return { closed: chain.events('MarketCloseExecutedV2').at(-1)!, fees: chain.events('FeesCharged').at(-1)! };
    };
    return { chain, provider, trader, send, open, close };
  };

  /** A recorded trade tuple in human units. */
  const tradeOf = (e: ChainEvent) => {
    const t = e.args.t as Record<string, bigint | boolean | string>;
    return {
      collateral: fromUsdc6(t.collateral as bigint),
      openPrice: fromPrice18(t.openPrice as bigint),
      leverage: fromLeverage2(t.leverage as bigint),
      long: t.buy as boolean,
    };
  };
  /** A side's open interest in USDC at `price`, as the contracts value it (base notional per trade × price). */
  const openInterest = (trades: ReturnType<typeof tradeOf>[], price: Decimal.Value) =>
    trades
      .reduce((sum, t) => sum.plus(t.collateral.mul(t.leverage).div(t.openPrice).toDecimalPlaces(18, Decimal.ROUND_DOWN)), dec(0))
      .mul(price)
      .toDecimalPlaces(6, Decimal.ROUND_DOWN);
  const fee = (chain: OstiumChain, name: string, orderId: unknown) =>
    fromUsdc6(chain.events(name).find((e) => e.args.tradeId === orderId)?.args.amount as bigint);

  it('charges the opening fee by open-interest imbalance: maker rate up to makerMaxLeverage, the vault its share', async () => {
    const fees = { openingFeeBps: '10', makerFeeBps: '2', makerMaxLeverage: 20, vaultFeePercent: '30' };
    const { chain, trader, open } = await start(fees);
    const [a, b] = [await trader(), await trader()];
    const opened: ChainEvent[] = [];
    for (const [wallet, order] of [
      [a, { collateral: '100', leverage: 10, buy: true, price: '2000' }], // alone on the pair: taker
      [b, { collateral: '50', leverage: 10, buy: false, price: '2010' }], // reduces the imbalance: maker
      [b, { collateral: '100', leverage: 30, buy: false, price: '2020' }], // above makerMaxLeverage: taker
    ] as const) {
      const before = opened.map(tradeOf);
      const price = order.price;
      const e = await open(wallet, order);
      const oiDelta = openInterest(
        before.filter((t) => t.long),
        price,
      ).minus(
        openInterest(
          before.filter((t) => !t.long),
          price,
        ),
      );
      const size = positionSize(order.collateral, order.leverage);
      const expected = splitOpeningFee(
        openingFee({
          tradeSize: order.buy ? size : size.neg(),
          leverage: order.leverage,
          oiDelta,
          makerMaxLeverage: fees.makerMaxLeverage,
          makerFeeP: dec(fees.makerFeeBps).div(100),
          takerFeeP: dec(fees.openingFeeBps).div(100),
        }),
        fees.vaultFeePercent,
      );
      expect(expected.devFee.gt(0) && expected.vaultFee.gt(0)).toBe(true);
      expect(fee(chain, 'DevFeeCharged', e.args.orderId)).toEqualDecimal(expected.devFee);
      expect(fee(chain, 'VaultOpeningFeeCharged', e.args.orderId)).toEqualDecimal(expected.vaultFee);
      expect(tradeOf(e).collateral).toEqualDecimal(dec(order.collateral).minus(expected.devFee).minus(expected.vaultFee));
      opened.push(e);
    }
    // the second open reduced the imbalance and paid the maker rate on all of its size
    const makerPaid = fee(chain, 'DevFeeCharged', opened[1].args.orderId).plus(
      fee(chain, 'VaultOpeningFeeCharged', opened[1].args.orderId),
    );
    expect(makerPaid).toEqualDecimal(positionSize('50', 10).mul(fees.makerFeeBps).div(10_000));
  });

  it('accrues rollover and funding while a trade is open and charges them at its close', async () => {
    const funding = {
      maxFundingFeePerBlock: '0.00001',
      hillInflectionPoint: '0.16',
      hillPosScale: '1.18',
      hillNegScale: '0.91',
      springFactor: '0.5',
      sFactorUpScaleP: '110',
      sFactorDownScaleP: '90',
    };
    const options = { rolloverFeePerBlock: '0.0000002', funding, oiCapUsd: '50000' };
    const { chain, trader, open, close, send } = await start(options);
    const wallet = await trader();
    const opened = await open(wallet, { collateral: '1000', leverage: 20, buy: true, price: '3000' });
    const trade = tradeOf(opened);
    for (let i = 0; i < 4; i++) await send(wallet, wallet.address, '0x'); // blocks go by
    const before = dec(chain.usdcBalance(wallet.address));
    const { closed, fees } = await close(wallet, 0, '3030');

    const [from, to] = [opened.blockNumber, closed.blockNumber];
    expect(to - from).toBeGreaterThan(4);
    const rollover = (block: number) =>
      pendingAccRollover({ accPerOi: 0, lastUpdateBlock: 0, rolloverFeePerBlock: options.rolloverFeePerBlock, blockNumber: block });
    const expectedRollover = tradeRolloverFee({ ...trade, initial: rollover(from), current: rollover(to) });
    // the pair's funding starts at this trade's open (no earlier trade), with it as the only open interest
    const acc = pendingAccFundingFees(
      { accPerOiLong: 0, accPerOiShort: 0, lastFundingRate: 0, lastUpdateBlock: from },
      funding,
      { long: openInterest([trade], '3030'), short: 0, cap: options.oiCapUsd },
      to,
    );
    const expectedFunding = tradeFundingFee({ ...trade, initial: 0, current: acc.accPerOiLong });
    expect(expectedRollover.gt('0.000001') && expectedFunding.gt('0.000001')).toBe(true);
    expect(fromUsdc6(fees.args.rolloverFees as bigint)).toEqualDecimal(expectedRollover);
    expect(fromUsdc6(fees.args.fundingFees as bigint)).toEqualDecimal(expectedFunding);

    const profitP = currentTradeProfitP({ ...trade, currentPrice: '3030' });
    const { value } = tradeValue({
      ...trade,
      profitP,
      rolloverFee: expectedRollover,
      fundingFee: expectedFunding,
      maxLeverage: ETH_MAX_LEVERAGE,
      liqMarginThresholdP: '25',
    });
    expect(fromUsdc6(closed.args.usdcSentToTrader as bigint)).toEqualDecimal(value);
    expect(chain.usdcBalance(wallet.address)).toEqualDecimal(before.plus(value));
  });

  it("pays nothing back once a close is below the trade's liquidation price, and the rest above it", async () => {
    const { chain, trader, open, close } = await start({ liqMarginThresholdP: '25' });
    const wallet = await trader();
    const order = { collateral: '100', leverage: 50, buy: true, price: '2000' };
    const trades = [tradeOf(await open(wallet, order)), tradeOf(await open(wallet, order))];
    // a close charges the contract's minimum rollover (one unit) when no rollover accrued
    const at = liquidationPrice({
      ...trades[0],
      rolloverFee: '0.000001',
      fundingFee: 0,
      maxLeverage: ETH_MAX_LEVERAGE,
      liqMarginThresholdP: '25',
    });
    // oracle prices have five decimals: just below and just above
    const below = at.toDecimalPlaces(5, Decimal.ROUND_DOWN).minus('0.00001').toFixed();
    const above = at.toDecimalPlaces(5, Decimal.ROUND_UP).plus('0.00001').toFixed();
    const liquidated = await close(wallet, 0, below);
    expect(liquidated.closed.args.usdcSentToTrader).toBe(0n);
    const survived = await close(wallet, 1, above);
    const { value, liqMarginValue } = tradeValue({
      ...trades[1],
      profitP: currentTradeProfitP({ ...trades[1], currentPrice: above }),
      rolloverFee: '0.000001',
      fundingFee: 0,
      maxLeverage: ETH_MAX_LEVERAGE,
      liqMarginThresholdP: '25',
    });
    expect(value.gt(liqMarginValue)).toBe(true);
    expect(fromUsdc6(survived.closed.args.usdcSentToTrader as bigint)).toEqualDecimal(value);
    expect(chain.trades(wallet.address)).toEqual([]);
  });
});
