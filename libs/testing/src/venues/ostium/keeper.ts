import Decimal from 'decimal.js';
import { randomBytes } from 'crypto';
import { computeAddress, keccak256, SigningKey, Transaction } from 'ethers';
import {
  callbacksInterface,
  currentTradeProfitP,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  MAX_GAIN_P,
  MAX_SL_P,
  stopLossPrice,
  takeProfitPrice,
  toUsdc6,
  tradeValue,
} from '@conduit/venue';
import {
  abi,
  ChainAddresses,
  ChainCall,
  Ctx,
  emit,
  lc,
  OstiumChainOptions,
  PendingOrder,
  State,
  StoredTrade,
  toUnits,
  tradeKey,
  transferUsdc,
} from './chain-state';
import { ChainFees } from './fees';
import { ChainLedger } from '../evm/ledger';

/**
 * The oracle keeper and the callbacks contract it drives (OstiumTradingCallbacks): each pending market order is
 * settled at the oracle price in its own keeper transaction and block. An open fills if within slippage of the wanted
 * price and TP/SL are not already reached, pays the opening fee and is stored at the first free slot with TP/SL
 * corrected as the contract does; otherwise its collateral is refunded less the oracle fee. A close pays the trade's
 * value back (the vault pays profits and takes losses): collateral + profit − rollover − funding, nothing once at or
 * below the liquidation margin. Every figure comes from the venue's formulas (@conduit/venue pricing.ts, fees.ts).
 */
export class OstiumKeeper {
  private readonly key = new SigningKey('0x' + randomBytes(32).toString('hex'));
  readonly address = computeAddress(this.key.publicKey);
  private readonly oracleFee: bigint;
  private readonly fees: ChainFees;
  private readonly liqMarginThresholdP: string;

  constructor(
    private readonly ledger: ChainLedger<State>,
    private readonly chainId: number,
    private readonly addresses: ChainAddresses,
    private readonly calls: ChainCall[],
    /** Leverage limits by pairIndex, ×100. */
    private readonly pairs: Map<number, { minLeverage: number; maxLeverage: number }>,
    options: OstiumChainOptions,
  ) {
    this.oracleFee = toUsdc6(options.oracleFee ?? '0');
    this.fees = new ChainFees(options);
    this.liqMarginThresholdP = options.liqMarginThresholdP ?? '25';
  }

  /** One keeper transaction settling `order` at `price`, mined in its own block. */
  settle(order: PendingOrder, price: bigint): void {
    const ledger = this.ledger;
    const ctx: Ctx = {
      s: structuredClone(ledger.state),
      logs: [],
      via: 'keeper',
      txHash: null,
      block: ledger.blocks.length,
      initiated: [],
    };
    const nonce = ctx.s.nonces.get(lc(this.address)) ?? 0;
    // A stand-in for the price upkeep's callback (the PriceUpKeepAnswer struct is not part of this ABI).
    const data =
      '0x' +
      keccak256(Buffer.from('localFulfill(uint256,uint256)')).slice(2, 10) +
      abi.encode(['uint256', 'uint256'], [order.orderId, price]).slice(2);
    const tx = Transaction.from({
      type: 2,
      chainId: this.chainId,
      nonce,
      to: this.addresses.callbacks,
      data,
      gasLimit: 800_000n,
      maxFeePerGas: ledger.baseFee,
      maxPriorityFeePerGas: 0n,
      value: 0n,
    });
    tx.signature = this.key.sign(tx.unsignedHash);
    ctx.txHash = tx.hash!;
    this.calls.push({
      via: 'keeper',
      txHash: tx.hash,
      from: this.address,
      to: this.addresses.callbacks,
      contract: 'Callbacks',
      fn: order.open ? 'openTradeMarketCallback' : 'closeTradeMarketCallback',
      args: { orderId: order.orderId, price },
    });
    if (order.open) this.settleOpen(ctx, order, price);
    else this.settleClose(ctx, order, price);
    ctx.s.pending.delete(order.orderId.toString());
    ctx.s.nonces.set(lc(this.address), nonce + 1);
    ledger.state = ctx.s;
    ledger.mine([{ tx, status: 1, gasUsed: 300_000n, logs: ctx.logs }]);
  }

  private settleOpen(ctx: Ctx, o: PendingOrder, price: bigint): void {
    const s = ctx.s;
    const { usdc, storage, vault, callbacks } = this.addresses;
    const maxSlippage = (o.wantedPrice * BigInt(o.slippageP)) / 100n / 100n;
    let reason = 0;
    if (o.buy ? price > o.wantedPrice + maxSlippage : price < o.wantedPrice - maxSlippage)
      reason = 3; // SLIPPAGE
    else if (o.tp > 0n && (o.buy ? price >= o.tp : price <= o.tp))
      reason = 4; // TP_REACHED
    else if (o.sl > 0n && (o.buy ? price <= o.sl : price >= o.sl)) reason = 5; // SL_REACHED
    if (reason !== 0) {
      const fee = o.collateral > this.oracleFee ? this.oracleFee : o.collateral;
      if (o.collateral > fee) transferUsdc(ctx, usdc, storage, o.trader, o.collateral - fee);
      s.devFees += fee;
      emit(ctx, callbacks, callbacksInterface, 'OracleFeeCharged', [o.orderId, o.trader, fee]);
      emit(ctx, callbacks, callbacksInterface, 'MarketOpenCanceled', [o.orderId, o.trader, o.pairIndex, reason]);
      return;
    }
    // registerTrade: the opening fee (dev part kept by storage, vault part paid out), then the slot and TP/SL
    const { devFee, vaultFee } = this.fees.openingFee(s, o, price);
    s.devFees += devFee;
    emit(ctx, callbacks, callbacksInterface, 'DevFeeCharged', [o.orderId, o.trader, devFee]);
    if (vaultFee > 0n) {
      transferUsdc(ctx, usdc, storage, vault, vaultFee);
      emit(ctx, callbacks, callbacksInterface, 'VaultOpeningFeeCharged', [o.orderId, o.trader, vaultFee]);
    }
    const collateral = o.collateral - devFee - vaultFee;
    let index = 0;
    while (s.trades.has(tradeKey(o.trader, o.pairIndex, index))) index++;
    const levels = { openPrice: fromPrice18(price), leverage: fromLeverage2(o.leverage), long: o.buy };
    const trade: StoredTrade = {
      collateral,
      openPrice: price,
      tp: correctTp(levels, o.tp),
      sl: correctSl(levels, o.sl),
      trader: o.trader,
      leverage: o.leverage,
      pairIndex: o.pairIndex,
      index,
      buy: o.buy,
      tradeId: o.orderId,
      initialLeverage: o.leverage,
      beingMarketClosed: false,
      ...this.fees.initialAccs(s, o, price, ctx.block),
    };
    s.trades.set(tradeKey(o.trader, o.pairIndex, index), trade);
    const notional = (((collateral * 10n ** 12n * BigInt(o.leverage)) / 100n) * 10n ** 18n) / price;
    emit(ctx, callbacks, callbacksInterface, 'MarketOpenExecuted', [
      o.orderId,
      [trade.collateral, trade.openPrice, trade.tp, trade.sl, trade.trader, trade.leverage, trade.pairIndex, trade.index, trade.buy],
      0n,
      notional,
    ]);
  }

  private settleClose(ctx: Ctx, o: PendingOrder, price: bigint): void {
    const s = ctx.s;
    const { usdc, storage, vault, callbacks } = this.addresses;
    const key = tradeKey(o.trader, o.pairIndex, o.index);
    const t = s.trades.get(key);
    const cancel = (reason: number) =>
      emit(ctx, callbacks, callbacksInterface, 'MarketCloseCanceled', [o.orderId, o.tradeId, o.trader, o.pairIndex, o.index, reason]);
    if (!t) return cancel(9); // NO_TRADE
    if (o.wantedPrice > 0n) {
      const maxSlippage = (o.wantedPrice * BigInt(o.slippageP)) / 100n / 100n;
      // closing a long sells: the price may not be below the bound; closing a short buys: not above it
      if (t.buy ? price < o.wantedPrice - maxSlippage : price > o.wantedPrice + maxSlippage) {
        t.beingMarketClosed = false;
        return cancel(3); // SLIPPAGE
      }
    }
    const collateralToClose = (t.collateral * BigInt(o.percentage)) / 10000n;
    const leverage = fromLeverage2(t.leverage);
    const profitP = currentTradeProfitP({
      openPrice: fromPrice18(t.openPrice),
      currentPrice: fromPrice18(price),
      long: t.buy,
      leverage,
      initialLeverage: fromLeverage2(t.initialLeverage),
    });
    const fees = this.fees.closingFees(s, t, collateralToClose, price, ctx.block);
    const { value } = tradeValue({
      collateral: fromUsdc6(collateralToClose),
      profitP,
      rolloverFee: fees.rollover,
      fundingFee: fees.funding,
      leverage,
      maxLeverage: fromLeverage2(this.pairs.get(t.pairIndex)!.maxLeverage),
      liqMarginThresholdP: this.liqMarginThresholdP,
    });
    const value6 = toUnits(value, 6);
    // storage holds the collateral; the vault pays profits and takes losses (a liquidated trade's margin included)
    if (value6 > collateralToClose) {
      transferUsdc(ctx, usdc, storage, t.trader, collateralToClose);
      const fromVault = value6 - collateralToClose;
      if ((s.usdc.get(lc(vault)) ?? 0n) < fromVault) s.usdc.set(lc(vault), (s.usdc.get(lc(vault)) ?? 0n) + fromVault);
      transferUsdc(ctx, usdc, vault, t.trader, fromVault);
    } else {
      if (collateralToClose > value6) transferUsdc(ctx, usdc, storage, vault, collateralToClose - value6);
      if (value6 > 0n) transferUsdc(ctx, usdc, storage, t.trader, value6);
    }
    t.collateral -= collateralToClose;
    if (o.percentage === 10000 || t.collateral === 0n) s.trades.delete(key);
    else t.beingMarketClosed = false;
    emit(ctx, callbacks, callbacksInterface, 'FeesCharged', [
      o.orderId,
      t.tradeId,
      t.trader,
      toUnits(fees.rollover, 6),
      toUnits(fees.funding, 6),
    ]);
    emit(ctx, callbacks, callbacksInterface, 'MarketCloseExecutedV2', [
      o.orderId,
      t.tradeId,
      price,
      0n,
      toUnits(profitP, 6),
      value6,
      o.percentage,
    ]);
  }
}

/** TradingCallbacksLib.correctTp: no TP, or one at or beyond the gain cap, becomes the cap's price. */
function correctTp(t: { openPrice: Decimal; leverage: Decimal; long: boolean }, tp: bigint): bigint {
  const maxPnlP = MAX_GAIN_P; // leverage = initial leverage on open
  if (tp === 0n || currentTradeProfitP({ ...t, currentPrice: fromPrice18(tp) }).eq(maxPnlP))
    return toUnits(takeProfitPrice(t.openPrice, maxPnlP, t.leverage, t.long), 18);
  return tp;
}

/** TradingCallbacksLib.correctSl: an SL beyond the maximum loss (maxSl_P) is pulled in to it. */
function correctSl(t: { openPrice: Decimal; leverage: Decimal; long: boolean }, sl: bigint): bigint {
  if (sl > 0n && currentTradeProfitP({ ...t, currentPrice: fromPrice18(sl) }).lt(-MAX_SL_P))
    return toUnits(stopLossPrice(t.openPrice, MAX_SL_P, t.leverage, t.long), 18);
  return sl;
}
