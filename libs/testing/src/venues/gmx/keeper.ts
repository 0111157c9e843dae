import { AbiCoder, computeAddress, id, keccak256, SigningKey, Transaction, ZeroAddress } from 'ethers';
import { executionPriceForDecrease, executionPriceForIncrease, GmxOrderType, positionPriceImpactUsd } from '@conduit/venue';
import { gmxErrorsInterface } from '@conduit/venue';
import { GmxNetwork } from '@conduit/venue';
import { ChainLedger } from '../evm/ledger';
import { Ctx, emitGmx, GmxChainOptions, GmxState, lc, moveToken, StoredOrder, StoredPosition, toTopic } from './chain-state';
import { GmxContracts } from './contracts';
import { addOpenInterest, impactStateOf } from './impact';
import { ChainMarket, NO_REFERRAL } from './views';

const BPS = 10_000n;
const E30 = 10n ** 30n;
/** USDC at $1: GMX's per-unit price, 10^(30 − 6). */
export const USDC_PRICE = 10n ** 24n;
/** A stand-in for OrderHandler.executeOrder(key, oracleParams): the oracle params struct is not part of this ABI. */
const EXECUTE = id('localExecuteOrder(bytes32,uint256)').slice(0, 10);
const ORDER_HANDLER = '0x000000000000000000000000000000000000E0A1';

const divUp = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** An order's size delta (a decrease capped at the position), execution price and price impact (USD × 10^30). */
interface Priced {
  sizeDelta: bigint;
  executionPrice: bigint;
  priceImpactUsd: bigint;
  /** An increase's sizeDeltaInTokens (the impact included, as GMX v2.1 adds it to the position). */
  increaseTokens: bigint;
  priceImpactAmount: bigint;
}
const positionKey = (o: { account: string; market: string; collateralToken: string; isLong: boolean }) =>
  keccak256(
    AbiCoder.defaultAbiCoder().encode(['address', 'address', 'address', 'bool'], [o.account, o.market, o.collateralToken, o.isLong]),
  );

/**
 * The order keeper: executes (or cancels, or freezes) a pending market order at the oracle price, each in its own
 * keeper transaction, following ExecuteOrderUtils / IncreasePositionUtils / DecreasePositionUtils in outline: the
 * acceptable price is checked against the execution price (else OrderCancelled with
 * OrderNotFulfillableAtAcceptablePrice in reasonBytes and the collateral refunded), the position fee is sizeDelta ×
 * positionFeeBps charged in collateral, GMX's position price impact on the market's open interest (price-impact.ts,
 * from DataStore's factors) sets the execution price and is deducted from (or added to) the output on a decrease,
 * open interest follows each increase and decrease, PnL is on the oracle price, the decrease pays collateral +
 * PnL − fees to the receiver. Events in GMX's order: PositionFeesCollected, PositionIncrease/Decrease, OrderExecuted.
 */
export class GmxKeeper {
  readonly address: string;
  private readonly key = new SigningKey(id('conduit-gmx-local-keeper'));

  constructor(
    private readonly ledger: ChainLedger<GmxState>,
    private readonly chainId: number,
    private readonly net: GmxNetwork,
    private readonly contracts: GmxContracts,
    private readonly markets: ChainMarket[],
    private readonly options: GmxChainOptions,
  ) {
    this.address = computeAddress(this.key.publicKey);
  }

  /** One keeper transaction for `order` at oracle price `price` (GMX per-unit), mined in its own block. */
  run(order: StoredOrder, price: bigint, now: number, freeze: string | null): void {
    const ledger = this.ledger;
    const ctx: Ctx = { s: structuredClone(ledger.state), logs: [], via: 'keeper', txHash: null, now, created: [] };
    const nonce = ctx.s.nonces.get(lc(this.address)) ?? 0;
    const data = EXECUTE + AbiCoder.defaultAbiCoder().encode(['bytes32', 'uint256'], [order.key, price]).slice(2);
    const tx = Transaction.from({
      type: 2,
      chainId: this.chainId,
      nonce,
      to: ORDER_HANDLER,
      data,
      gasLimit: 3_000_000n,
      maxFeePerGas: ledger.baseFee,
      maxPriorityFeePerGas: 0n,
      value: 0n,
    });
    tx.signature = this.key.sign(tx.unsignedHash);
    ctx.txHash = tx.hash!;
    if (freeze !== null) {
      this.contracts.cancel(ctx, order, 'OrderFrozen', freeze, gmxErrorsInterface.encodeErrorResult('Error', [freeze]));
    } else {
      this.execute(ctx, order, price);
    }
    ctx.s.nonces.set(lc(this.address), nonce + 1);
    ledger.state = ctx.s;
    ledger.mine([{ tx, status: 1, gasUsed: 1_000_000n, logs: ctx.logs }]);
  }

  private execute(ctx: Ctx, order: StoredOrder, price: bigint): void {
    const increase = order.orderType === GmxOrderType.MarketIncrease;
    const buys = order.isLong === increase;
    const key = positionKey(order);
    const existing = ctx.s.positions.get(lc(key));
    let priced: Priced | null = null;
    try {
      priced = increase || existing ? this.price(ctx, order, existing, price) : null;
    } catch (err) {
      // the contracts revert (PriceImpactLargerThanOrderSize…): the order is cancelled with that reason
      const message = (err as Error).message;
      this.contracts.cancel(ctx, order, 'OrderCancelled', message, gmxErrorsInterface.encodeErrorResult('Error', [message]));
      return this.payKeeper(ctx, order);
    }
    const executionPrice = priced?.executionPrice ?? price;
    const ok = buys ? executionPrice <= order.acceptablePrice : executionPrice >= order.acceptablePrice;
    if (!ok) {
      const reasonBytes = gmxErrorsInterface.encodeErrorResult('OrderNotFulfillableAtAcceptablePrice', [
        executionPrice,
        order.acceptablePrice,
      ]);
      this.contracts.cancel(ctx, order, 'OrderCancelled', '', reasonBytes);
      return this.payKeeper(ctx, order);
    }
    if (!priced) {
      this.contracts.cancel(ctx, order, 'OrderCancelled', '', gmxErrorsInterface.encodeErrorResult('EmptyPosition', []));
      return this.payKeeper(ctx, order);
    }
    ctx.s.orders.delete(lc(order.key));
    const feeBps = this.options.positionFeeBps ?? 5n;
    if (increase) this.increase(ctx, order, key, existing, price, priced, feeBps);
    else this.decrease(ctx, order, key, existing!, price, priced, feeBps);
    emitGmx(ctx, this.net.eventEmitter, ORDER_HANDLER, 'OrderExecuted', [order.key, toTopic(order.account)], {
      address: { account: order.account },
      uint: { secondaryOrderType: 0n },
      bytes32: { key: order.key },
    });
    this.payKeeper(ctx, order);
  }

  /**
   * The execution price and price impact of an order at oracle price `price`: GMX's position price impact on the
   * market's open interest (PositionUtils.getExecutionPriceForIncrease / BaseOrderUtils.getExecutionPriceForDecrease,
   * gmx-synthetics contracts/position/PositionUtils.sol @ 67923de7645f1e6c3632e387ae7ca52fd8ede3fd), or the legacy
   * flat priceImpactBps when that option is set.
   */
  private price(ctx: Ctx, o: StoredOrder, position: StoredPosition | undefined, price: bigint): Priced {
    const increase = o.orderType === GmxOrderType.MarketIncrease;
    const sizeDelta = increase || o.sizeDeltaUsd < position!.sizeInUsd ? o.sizeDeltaUsd : position!.sizeInUsd;
    const legacyBps = this.options.priceImpactBps;
    if (legacyBps !== undefined) {
      const buys = o.isLong === increase;
      const executionPrice = buys ? divUp(price * (BPS + legacyBps), BPS) : (price * (BPS - legacyBps)) / BPS;
      const tokens = o.isLong ? sizeDelta / executionPrice : divUp(sizeDelta, executionPrice);
      return { sizeDelta, executionPrice, priceImpactUsd: -((sizeDelta * legacyBps) / BPS), increaseTokens: tokens, priceImpactAmount: 0n };
    }
    const state = impactStateOf(ctx.s, this.net, o.market);
    const priceImpactUsd = positionPriceImpactUsd(state.openInterest, increase ? sizeDelta : -sizeDelta, o.isLong, state.factors);
    if (increase) {
      const { executionPrice, sizeDeltaInTokens, priceImpactAmount } = executionPriceForIncrease(
        price,
        sizeDelta,
        priceImpactUsd,
        o.isLong,
      );
      return { sizeDelta, executionPrice, priceImpactUsd, increaseTokens: sizeDeltaInTokens, priceImpactAmount };
    }
    const p = position!;
    const executionPrice = executionPriceForDecrease(price, p.sizeInUsd, p.sizeInTokens, sizeDelta, priceImpactUsd, o.isLong);
    return { sizeDelta, executionPrice, priceImpactUsd, increaseTokens: 0n, priceImpactAmount: 0n };
  }

  private increase(
    ctx: Ctx,
    o: StoredOrder,
    key: string,
    existing: StoredPosition | undefined,
    price: bigint,
    priced: Priced,
    feeBps: bigint,
  ): void {
    const { executionPrice, increaseTokens: tokens } = priced;
    const fee = (o.sizeDeltaUsd * feeBps) / BPS / USDC_PRICE;
    this.contracts.vaultTransferOut(ctx, o.collateralToken, o.market, o.collateralAmount);
    const position: StoredPosition = existing
      ? { ...existing }
      : {
          key,
          account: o.account,
          market: o.market,
          collateralToken: o.collateralToken,
          isLong: o.isLong,
          sizeInUsd: 0n,
          sizeInTokens: 0n,
          collateralAmount: 0n,
          increasedAtTime: 0,
          decreasedAtTime: 0,
        };
    position.sizeInUsd += o.sizeDeltaUsd;
    position.sizeInTokens += tokens;
    position.collateralAmount += o.collateralAmount - fee;
    position.increasedAtTime = ctx.now;
    ctx.s.positions.set(lc(key), position);
    addOpenInterest(ctx.s, o.market, o.collateralToken, o.isLong, o.sizeDeltaUsd);
    this.feesCollected(ctx, o, key, o.sizeDeltaUsd, fee, 0n, true);
    emitGmx(ctx, this.net.eventEmitter, ORDER_HANDLER, 'PositionIncrease', [toTopic(o.account)], {
      address: { account: o.account, market: o.market, collateralToken: o.collateralToken },
      uint: {
        ...this.positionNumbers(position),
        executionPrice,
        'indexTokenPrice.max': price,
        'indexTokenPrice.min': price,
        'collateralTokenPrice.max': USDC_PRICE,
        'collateralTokenPrice.min': USDC_PRICE,
        sizeDeltaUsd: o.sizeDeltaUsd,
        sizeDeltaInTokens: tokens,
        orderType: BigInt(o.orderType),
        increasedAtTime: BigInt(position.increasedAtTime),
      },
      int: {
        collateralDeltaAmount: o.collateralAmount - fee,
        priceImpactUsd: priced.priceImpactUsd,
        priceImpactAmount: priced.priceImpactAmount,
      },
      bool: { isLong: o.isLong },
      bytes32: { orderKey: o.key, positionKey: key },
    });
  }

  private decrease(ctx: Ctx, o: StoredOrder, key: string, position: StoredPosition, price: bigint, priced: Priced, feeBps: bigint): void {
    const { sizeDelta, executionPrice, priceImpactUsd: impactUsd } = priced;
    const full = sizeDelta === position.sizeInUsd;
    const tokens = full ? position.sizeInTokens : (position.sizeInTokens * sizeDelta) / position.sizeInUsd;
    const value = tokens * price;
    const pnl = o.isLong ? value - sizeDelta : sizeDelta - value;
    const collateralOut = full
      ? position.collateralAmount
      : o.collateralAmount > position.collateralAmount
        ? position.collateralAmount
        : o.collateralAmount;
    const fee = (sizeDelta * feeBps) / BPS / USDC_PRICE;
    const borrowingUsd = this.borrowingUsd();
    const borrowing = borrowingUsd / USDC_PRICE;
    // USD → USDC units: gains rounded down, losses rounded up (as GMX converts with price.max / price.min)
    const toUnits = (usd: bigint) => (usd >= 0n ? usd / USDC_PRICE : -divUp(-usd, USDC_PRICE));
    const gross = collateralOut + toUnits(pnl) + toUnits(impactUsd) - fee - borrowing;
    const remainingCollateral = position.collateralAmount - collateralOut;
    // an insolvent decrease takes what is left of the position's collateral, and pays nothing
    const output = gross > 0n ? gross : 0n;
    const receiver = lc(o.receiver) === lc(ZeroAddress) ? o.account : o.receiver;
    if (output > 0n) moveToken(ctx.s, o.collateralToken, o.market, receiver, output);
    const next: StoredPosition = {
      ...position,
      sizeInUsd: position.sizeInUsd - sizeDelta,
      sizeInTokens: position.sizeInTokens - tokens,
      collateralAmount: full ? 0n : remainingCollateral,
      decreasedAtTime: ctx.now,
    };
    if (full) ctx.s.positions.delete(lc(key));
    else ctx.s.positions.set(lc(key), next);
    addOpenInterest(ctx.s, o.market, o.collateralToken, o.isLong, -sizeDelta);
    this.feesCollected(ctx, o, key, sizeDelta, fee, borrowingUsd, false);
    emitGmx(ctx, this.net.eventEmitter, ORDER_HANDLER, 'PositionDecrease', [toTopic(o.account)], {
      address: { account: o.account, market: o.market, collateralToken: o.collateralToken },
      uint: {
        ...this.positionNumbers(next),
        executionPrice,
        'indexTokenPrice.max': price,
        'indexTokenPrice.min': price,
        'collateralTokenPrice.max': USDC_PRICE,
        'collateralTokenPrice.min': USDC_PRICE,
        sizeDeltaUsd: sizeDelta,
        sizeDeltaInTokens: tokens,
        collateralDeltaAmount: collateralOut,
        'values.priceImpactDiffUsd': 0n,
        orderType: BigInt(o.orderType),
        decreasedAtTime: BigInt(ctx.now),
      },
      int: { priceImpactUsd: impactUsd, basePnlUsd: pnl, uncappedBasePnlUsd: pnl, proportionalImpactPendingUsd: 0n },
      bool: { isLong: o.isLong },
      bytes32: { orderKey: o.key, positionKey: key },
    });
  }

  private borrowingUsd(): bigint {
    const usd = this.options.borrowingFeeUsdPerDecrease;
    if (!usd) return 0n;
    const [whole, frac = ''] = usd.split('.');
    return BigInt(whole + frac.padEnd(30, '0').slice(0, 30));
  }

  private positionNumbers(p: StoredPosition) {
    return {
      sizeInUsd: p.sizeInUsd,
      sizeInTokens: p.sizeInTokens,
      collateralAmount: p.collateralAmount,
      borrowingFactor: 0n,
      fundingFeeAmountPerSize: 0n,
      longTokenClaimableFundingAmountPerSize: 0n,
      shortTokenClaimableFundingAmountPerSize: 0n,
    };
  }

  /** PositionEventUtils._emitPositionFees' 23 base items (no referral, pro or liquidation parts), EventLog1 by market. */
  private feesCollected(
    ctx: Ctx,
    o: StoredOrder,
    key: string,
    tradeSizeUsd: bigint,
    fee: bigint,
    borrowingUsd: bigint,
    isIncrease: boolean,
  ): void {
    const feeBps = this.options.positionFeeBps ?? 5n;
    const borrowing = borrowingUsd / USDC_PRICE;
    emitGmx(ctx, this.net.eventEmitter, ORDER_HANDLER, 'PositionFeesCollected', [toTopic(o.market)], {
      bytes32: { orderKey: o.key, positionKey: key, referralCode: NO_REFERRAL },
      address: {
        market: o.market,
        collateralToken: o.collateralToken,
        affiliate: ZeroAddress,
        trader: o.account,
        uiFeeReceiver: ZeroAddress,
      },
      uint: {
        'collateralTokenPrice.min': USDC_PRICE,
        'collateralTokenPrice.max': USDC_PRICE,
        tradeSizeUsd,
        fundingFeeAmount: 0n,
        claimableLongTokenAmount: 0n,
        claimableShortTokenAmount: 0n,
        latestFundingFeeAmountPerSize: 0n,
        latestLongTokenClaimableFundingAmountPerSize: 0n,
        latestShortTokenClaimableFundingAmountPerSize: 0n,
        borrowingFeeUsd: borrowingUsd,
        borrowingFeeAmount: borrowing,
        borrowingFeeReceiverFactor: 0n,
        borrowingFeeAmountForFeeReceiver: 0n,
        positionFeeFactor: (feeBps * E30) / BPS,
        protocolFeeAmount: 0n,
        positionFeeReceiverFactor: 0n,
        feeReceiverAmount: 0n,
        feeAmountForPool: fee + borrowing,
        positionFeeAmountForPool: fee,
        positionFeeAmount: fee,
        totalCostAmount: fee + borrowing,
        uiFeeReceiverFactor: 0n,
        uiFeeAmount: 0n,
      },
      bool: { isIncrease },
    });
  }

  /** The execution fee goes to the keeper (no refund of the unused part in this simulation). */
  private payKeeper(ctx: Ctx, o: StoredOrder): void {
    this.contracts.vaultTransferOut(ctx, this.net.wnt, this.address, o.executionFee);
  }

  marketOf(order: StoredOrder): ChainMarket {
    return this.markets.find((m) => lc(m.marketToken) === lc(order.market))!;
  }
}
