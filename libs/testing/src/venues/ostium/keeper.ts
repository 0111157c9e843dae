import { randomBytes } from 'crypto';
import { computeAddress, keccak256, SigningKey, Transaction } from 'ethers';
import { dec } from '@conduit/domain';
import { callbacksInterface, toUsdc6 } from '@conduit/venue';
import {
  abi,
  ChainAddresses,
  ChainCall,
  Ctx,
  emit,
  lc,
  OstiumChainOptions,
  PendingOrder,
  StoredTrade,
  tradeKey,
  transferUsdc,
} from './chain-state';
import { ChainLedger } from './ledger';

const PRECISION_6 = 1_000_000n;
const MAX_GAIN_P = 900n;
const MAX_SL_P = 85n;
const LIQ_THRESHOLD_P = 90n;

/**
 * The oracle keeper and the callbacks contract it drives (OstiumTradingCallbacks): each pending market order is
 * settled at the oracle price in its own keeper transaction and block. An open fills if within slippage of the wanted
 * price and TP/SL are not already reached, pays the opening fee and is stored at the first free slot with TP/SL
 * corrected as the contract does; otherwise its collateral is refunded less the oracle fee. A close pays the trade's
 * value back (the vault pays profits and takes losses).
 */
export class OstiumKeeper {
  private readonly key = new SigningKey('0x' + randomBytes(32).toString('hex'));
  readonly address = computeAddress(this.key.publicKey);
  private readonly oracleFee: bigint;
  private readonly openingFeeMicroBps: bigint;

  constructor(
    private readonly ledger: ChainLedger,
    private readonly chainId: number,
    private readonly addresses: ChainAddresses,
    private readonly calls: ChainCall[],
    options: OstiumChainOptions,
  ) {
    this.oracleFee = toUsdc6(options.oracleFee ?? '0');
    this.openingFeeMicroBps = BigInt(
      dec(options.openingFeeBps ?? '0')
        .mul(1e6)
        .toFixed(0),
    );
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
    const { usdc, storage, callbacks } = this.addresses;
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
    const size = ceilDiv(o.collateral * BigInt(o.leverage), 100n);
    const fee = (size * this.openingFeeMicroBps) / (10000n * 1_000_000n);
    const collateral = o.collateral - fee;
    s.devFees += fee;
    emit(ctx, callbacks, callbacksInterface, 'DevFeeCharged', [o.orderId, o.trader, fee]);
    let index = 0;
    while (s.trades.has(tradeKey(o.trader, o.pairIndex, index))) index++;
    const trade: StoredTrade = {
      collateral,
      openPrice: price,
      tp: correctTp(price, o.tp, o.leverage, o.buy),
      sl: correctSl(price, o.sl, o.leverage, o.buy),
      trader: o.trader,
      leverage: o.leverage,
      pairIndex: o.pairIndex,
      index,
      buy: o.buy,
      tradeId: o.orderId,
      initialLeverage: o.leverage,
      beingMarketClosed: false,
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
    const profitP = currentPercentProfit(t.openPrice, price, t.buy, t.leverage);
    let value = collateralToClose + (collateralToClose * profitP) / (100n * PRECISION_6);
    if (value <= (collateralToClose * (100n - LIQ_THRESHOLD_P)) / 100n) value = 0n;
    // storage holds the collateral; the vault pays profits and takes losses
    if (value > collateralToClose) {
      transferUsdc(ctx, usdc, storage, t.trader, collateralToClose);
      const fromVault = value - collateralToClose;
      if ((s.usdc.get(lc(vault)) ?? 0n) < fromVault) s.usdc.set(lc(vault), (s.usdc.get(lc(vault)) ?? 0n) + fromVault);
      transferUsdc(ctx, usdc, vault, t.trader, fromVault);
    } else {
      if (collateralToClose > value) transferUsdc(ctx, usdc, storage, vault, collateralToClose - value);
      if (value > 0n) transferUsdc(ctx, usdc, storage, t.trader, value);
    }
    t.collateral -= collateralToClose;
    if (o.percentage === 10000 || t.collateral === 0n) s.trades.delete(key);
    else t.beingMarketClosed = false;
    emit(ctx, callbacks, callbacksInterface, 'FeesCharged', [o.orderId, t.tradeId, t.trader, 0n, 0n]);
    emit(ctx, callbacks, callbacksInterface, 'MarketCloseExecutedV2', [o.orderId, t.tradeId, price, 0n, profitP, value, o.percentage]);
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** TradingCallbacksLib._currentPercentProfit: percent × 1e6, capped at +MAX_GAIN_P (leverage = initial leverage). */
function currentPercentProfit(openPrice: bigint, currentPrice: bigint, buy: boolean, leverage: number): bigint {
  const maxPnlP = MAX_GAIN_P * PRECISION_6;
  const p = ((buy ? currentPrice - openPrice : openPrice - currentPrice) * PRECISION_6 * BigInt(leverage)) / openPrice;
  return p > maxPnlP ? maxPnlP : p;
}

/** TradingCallbacksLib.correctTp: no TP, or one beyond the 900 % gain cap, becomes the cap. */
function correctTp(openPrice: bigint, tp: bigint, leverage: number, buy: boolean): bigint {
  const maxPnlP = MAX_GAIN_P * PRECISION_6;
  if (tp === 0n || currentPercentProfit(openPrice, tp, buy, leverage) === maxPnlP) {
    const diff = (openPrice * maxPnlP) / PRECISION_6 / BigInt(leverage);
    return buy ? openPrice + diff : diff <= openPrice ? openPrice - diff : 0n;
  }
  return tp;
}

/** TradingCallbacksLib.correctSl: an SL beyond an 85 % loss is pulled in to it. */
function correctSl(openPrice: bigint, sl: bigint, leverage: number, buy: boolean): bigint {
  if (sl > 0n && currentPercentProfit(openPrice, sl, buy, leverage) < -MAX_SL_P * PRECISION_6) {
    const diff = (openPrice * MAX_SL_P) / BigInt(leverage);
    return buy ? openPrice - diff : openPrice + diff;
  }
  return sl;
}
