import { AbiCoder, computeAddress, id, keccak256, SigningKey, Transaction, ZeroAddress } from 'ethers';
import { GmxOrderType } from '@conduit/venue';
import { gmxErrorsInterface } from '@conduit/venue';
import { GmxNetwork } from '@conduit/venue';
import { ChainLedger } from '../evm/ledger';
import { Ctx, emitGmx, GmxChainOptions, GmxState, lc, moveToken, StoredOrder, StoredPosition, toTopic } from './chain-state';
import { GmxContracts } from './contracts';
import { ChainMarket, NO_REFERRAL } from './views';

const BPS = 10_000n;
const E30 = 10n ** 30n;
/** USDC at $1: GMX's per-unit price, 10^(30 − 6). */
export const USDC_PRICE = 10n ** 24n;
/** A stand-in for OrderHandler.executeOrder(key, oracleParams): the oracle params struct is not part of this ABI. */
const EXECUTE = id('localExecuteOrder(bytes32,uint256)').slice(0, 10);
const ORDER_HANDLER = '0x000000000000000000000000000000000000E0A1';

const divUp = (a: bigint, b: bigint) => (a + b - 1n) / b;
const positionKey = (o: { account: string; market: string; collateralToken: string; isLong: boolean }) =>
  keccak256(
    AbiCoder.defaultAbiCoder().encode(['address', 'address', 'address', 'bool'], [o.account, o.market, o.collateralToken, o.isLong]),
  );

/**
 * The order keeper: executes (or cancels, or freezes) a pending market order at the oracle price, each in its own
 * keeper transaction, following ExecuteOrderUtils / IncreasePositionUtils / DecreasePositionUtils in outline: the
 * acceptable price is checked against the execution price (else OrderCancelled with
 * OrderNotFulfillableAtAcceptablePrice in reasonBytes and the collateral refunded), the position fee is sizeDelta ×
 * positionFeeBps charged in collateral, price impact (option) moves the execution price against the trader on an
 * increase and is deducted from the output on a decrease, PnL is on the oracle price, the decrease pays collateral +
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
    const impactBps = this.options.priceImpactBps ?? 0n;
    const executionPrice = buys ? divUp(price * (BPS + impactBps), BPS) : (price * (BPS - impactBps)) / BPS;
    const ok = buys ? executionPrice <= order.acceptablePrice : executionPrice >= order.acceptablePrice;
    if (!ok) {
      const reasonBytes = gmxErrorsInterface.encodeErrorResult('OrderNotFulfillableAtAcceptablePrice', [
        executionPrice,
        order.acceptablePrice,
      ]);
      this.contracts.cancel(ctx, order, 'OrderCancelled', '', reasonBytes);
      return this.payKeeper(ctx, order);
    }
    const key = positionKey(order);
    const existing = ctx.s.positions.get(lc(key));
    if (!increase && !existing) {
      this.contracts.cancel(ctx, order, 'OrderCancelled', '', gmxErrorsInterface.encodeErrorResult('EmptyPosition', []));
      return this.payKeeper(ctx, order);
    }
    ctx.s.orders.delete(lc(order.key));
    const feeBps = this.options.positionFeeBps ?? 5n;
    if (increase) this.increase(ctx, order, key, existing, price, executionPrice, feeBps, impactBps);
    else this.decrease(ctx, order, key, existing!, price, executionPrice, feeBps, impactBps);
    emitGmx(ctx, this.net.eventEmitter, ORDER_HANDLER, 'OrderExecuted', [order.key, toTopic(order.account)], {
      address: { account: order.account },
      uint: { secondaryOrderType: 0n },
      bytes32: { key: order.key },
    });
    this.payKeeper(ctx, order);
  }

  private increase(
    ctx: Ctx,
    o: StoredOrder,
    key: string,
    existing: StoredPosition | undefined,
    price: bigint,
    executionPrice: bigint,
    feeBps: bigint,
    impactBps: bigint,
  ): void {
    const tokens = o.isLong ? o.sizeDeltaUsd / executionPrice : divUp(o.sizeDeltaUsd, executionPrice);
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
        priceImpactUsd: -((o.sizeDeltaUsd * impactBps) / BPS),
        priceImpactAmount: 0n,
      },
      bool: { isLong: o.isLong },
      bytes32: { orderKey: o.key, positionKey: key },
    });
  }

  private decrease(
    ctx: Ctx,
    o: StoredOrder,
    key: string,
    position: StoredPosition,
    price: bigint,
    executionPrice: bigint,
    feeBps: bigint,
    impactBps: bigint,
  ): void {
    const sizeDelta = o.sizeDeltaUsd > position.sizeInUsd ? position.sizeInUsd : o.sizeDeltaUsd;
    const full = sizeDelta === position.sizeInUsd;
    const tokens = full ? position.sizeInTokens : (position.sizeInTokens * sizeDelta) / position.sizeInUsd;
    const value = tokens * price;
    const pnl = o.isLong ? value - sizeDelta : sizeDelta - value;
    const impactUsd = -((sizeDelta * impactBps) / BPS);
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
