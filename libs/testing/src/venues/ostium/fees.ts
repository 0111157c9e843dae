import Decimal from 'decimal.js';
import { dec, Dec } from '@conduit/domain';
import {
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  openingFee,
  pendingAccFundingFees,
  pendingAccRollover,
  positionSize,
  splitOpeningFee,
  tradeFundingFee,
  tradeRolloverFee,
} from '@conduit/venue';
import { OstiumChainOptions, PairFunding, PendingOrder, State, StoredTrade, toUnits } from './chain-state';

/**
 * The fees the local chain charges, each through the venue's formula (@conduit/venue pricing.ts, funding.ts):
 * opening fee by open-interest imbalance (TradingStorage.handleOpeningFees → OstiumPairInfos.getOpeningFee), rollover
 * (a per-block accumulator) and funding (the pair's accumulators, brought forward whenever a trade opens or closes,
 * as storeAccFundingFees does). Open interest is each side's trades valued at the oracle price.
 */
export class ChainFees {
  constructor(private readonly options: OstiumChainOptions) {}

  /** Each side's open interest in USDC at `price18` (openInterest × price / 1e18 / 1e12, base notional per trade). */
  openInterest(s: State, pairIndex: number, price18: bigint): { long: Decimal; short: Decimal } {
    let long = new Dec(0);
    let short = new Dec(0);
    for (const t of s.trades.values()) {
      if (t.pairIndex !== pairIndex) continue;
      const notional = fromUsdc6(t.collateral)
        .mul(fromLeverage2(t.leverage))
        .div(fromPrice18(t.openPrice))
        .toDecimalPlaces(18, Decimal.ROUND_DOWN);
      if (t.buy) long = long.plus(notional);
      else short = short.plus(notional);
    }
    const usd = (base: Decimal) => base.mul(fromPrice18(price18)).toDecimalPlaces(6, Decimal.ROUND_DOWN);
    return { long: usd(long), short: usd(short) };
  }

  /** The opening fee of a pending open filled at `price18`, as the dev and vault parts in USDC units. */
  openingFee(s: State, o: PendingOrder, price18: bigint): { devFee: bigint; vaultFee: bigint } {
    const oi = this.openInterest(s, o.pairIndex, price18);
    const size = positionSize(fromUsdc6(o.collateral), fromLeverage2(o.leverage));
    const taker = this.options.openingFeeBps ?? '0';
    const fee = openingFee({
      tradeSize: o.buy ? size : size.neg(),
      leverage: fromLeverage2(o.leverage),
      oiDelta: oi.long.minus(oi.short),
      makerMaxLeverage: this.options.makerMaxLeverage ?? 0,
      makerFeeP: dec(this.options.makerFeeBps ?? taker).div(100),
      takerFeeP: dec(taker).div(100),
    });
    const { devFee, vaultFee } = splitOpeningFee(fee, this.options.vaultFeePercent ?? '0');
    return { devFee: toUnits(devFee, 6), vaultFee: toUnits(vaultFee, 6) };
  }

  /** The rollover accumulator at `block` (it starts at zero at genesis). */
  rolloverAt(block: number): Decimal {
    return pendingAccRollover({
      accPerOi: 0,
      lastUpdateBlock: 0,
      rolloverFeePerBlock: this.options.rolloverFeePerBlock ?? '0',
      blockNumber: block,
    });
  }

  /** Brings the pair's funding accumulators to `block` with the open interest of now; null without funding. */
  storeFunding(s: State, pairIndex: number, price18: bigint, block: number): PairFunding | null {
    const params = this.options.funding;
    if (!params) return null;
    const state = s.funding.get(pairIndex) ?? { accPerOiLong: '0', accPerOiShort: '0', lastFundingRate: '0', lastUpdateBlock: block };
    const oi = this.openInterest(s, pairIndex, price18);
    const next = pendingAccFundingFees(state, params, { ...oi, cap: this.options.oiCapUsd ?? '1000000' }, block);
    const stored: PairFunding = {
      accPerOiLong: next.accPerOiLong.toFixed(),
      accPerOiShort: next.accPerOiShort.toFixed(),
      lastFundingRate: next.fundingRate.toFixed(),
      lastUpdateBlock: block,
    };
    s.funding.set(pairIndex, stored);
    return stored;
  }

  /** The accumulators a trade opening now starts from (storeTradeInitialAccFees). */
  initialAccs(s: State, o: PendingOrder, price18: bigint, block: number): { initialRollover: string; initialFunding: string } {
    const funding = this.storeFunding(s, o.pairIndex, price18, block);
    return {
      initialRollover: this.rolloverAt(block).toFixed(),
      initialFunding: funding ? (o.buy ? funding.accPerOiLong : funding.accPerOiShort) : '0',
    };
  }

  /** Rollover and funding fees of closing `collateral6` of `t` at `block` (getTradeValue's r and f), in USDC. */
  closingFees(s: State, t: StoredTrade, collateral6: bigint, price18: bigint, block: number): { rollover: Decimal; funding: Decimal } {
    const funding = this.storeFunding(s, t.pairIndex, price18, block);
    const common = { collateral: fromUsdc6(collateral6), leverage: fromLeverage2(t.leverage) };
    return {
      rollover: tradeRolloverFee({ ...common, initial: t.initialRollover, current: this.rolloverAt(block) }),
      funding: tradeFundingFee({
        ...common,
        initial: t.initialFunding,
        current: funding ? (t.buy ? funding.accPerOiLong : funding.accPerOiShort) : '0',
      }),
    };
  }
}
