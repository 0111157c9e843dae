import { encodeBytes32String, getAddress, Interface, Result, ZeroAddress } from 'ethers';
import { callbacksInterface, erc20Interface, registryInterface, storageInterface, toUsdc6, tradingInterface } from '@conduit/venue';
import {
  ChainAddresses,
  ChainCall,
  Ctx,
  customError,
  emit,
  errorString,
  lc,
  openTradesCount,
  OstiumChainOptions,
  pendingOf,
  plain,
  Revert,
  tradeKey,
  transferUsdc,
  transferUsdcFrom,
} from './chain-state';

/** Gas a successful call uses (fixed per function: there is no EVM to meter it). */
const GAS: Record<string, bigint> = {
  approve: 46_000n,
  transfer: 52_000n,
  transferFrom: 60_000n,
  setDelegate: 47_000n,
  removeDelegate: 30_000n,
  openTrade: 420_000n,
  closeTradeMarket: 330_000n,
  openTradeMarketTimeout: 150_000n,
  closeTradeMarketTimeout: 150_000n,
};

/**
 * The contracts a transaction or call reaches: USDC (ERC20), Trading (with Delegatable), TradingStorage and the
 * registry. Every call is decoded with the real ABI and re-encoded to check that it is well formed (dirty high bits,
 * trailing bytes or an unknown selector revert, as a Solidity contract would), recorded in `calls`, and run against
 * the execution's copy of the state. Trading enforces the v1.2.4 checks (see OstiumChain).
 */
export class OstiumContracts {
  readonly minLevPos: bigint;
  private readonly maxAllowedCollateral: bigint;

  constructor(
    private readonly options: OstiumChainOptions,
    readonly addresses: ChainAddresses,
    /** Leverage limits by pairIndex, ×100. */
    readonly pairs: Map<number, { minLeverage: number; maxLeverage: number }>,
    private readonly calls: ChainCall[],
  ) {
    this.minLevPos = toUsdc6(options.minLevPosUsd ?? '5');
    this.maxAllowedCollateral = toUsdc6(options.maxAllowedCollateral ?? '1000000');
  }

  contractOf(address: string): { name: ChainCall['contract']; iface: Interface } | null {
    switch (lc(address)) {
      case lc(this.addresses.usdc):
        return { name: 'USDC', iface: erc20Interface };
      case lc(this.addresses.trading):
        return { name: 'Trading', iface: tradingInterface };
      case lc(this.addresses.storage):
        return { name: 'TradingStorage', iface: storageInterface };
      case lc(this.addresses.registry):
        return { name: 'Registry', iface: registryInterface };
      case lc(this.addresses.callbacks):
        return { name: 'Callbacks', iface: callbacksInterface };
      default:
        return null;
    }
  }

  /** Runs a call in ctx; returns the ABI-encoded result; throws Revert. Calls to an EOA do nothing. */
  dispatch(ctx: Ctx, sender: string, to: string, data: string, value: bigint, delegatedBy?: string): string {
    const contract = this.contractOf(to);
    if (!contract) return '0x';
    const record: ChainCall = {
      via: ctx.via,
      txHash: ctx.txHash,
      from: getAddress(sender),
      to: getAddress(to),
      contract: contract.name,
      fn: '',
      args: {},
    };
    if (delegatedBy) record.delegatedBy = delegatedBy;
    this.calls.push(record);
    const selector = data.slice(0, 10).toLowerCase();
    const fragment = data.length >= 10 ? contract.iface.getFunction(selector) : null;
    if (!fragment) {
      record.fn = `unknown(${selector || '0x'})`;
      record.reverted = `no function with selector ${selector || '(none)'} on ${contract.name}`;
      throw new Revert('0x', record.reverted);
    }
    record.fn = fragment.name;
    let args: Result;
    try {
      args = contract.iface.decodeFunctionData(fragment, data);
      if (lc(contract.iface.encodeFunctionData(fragment, args)) !== lc(data)) throw new Error('calldata is not in canonical ABI encoding');
    } catch (err) {
      record.reverted = `malformed calldata for ${fragment.name}: ${(err as Error).message}`;
      throw new Revert('0x', record.reverted);
    }
    record.args = plain(args) as Record<string, unknown>;
    try {
      if (value > 0n) throw errorString(`${contract.name}.${fragment.name} is not payable`);
      const out = this.execute(ctx, contract.name, fragment.name, args, getAddress(sender), record);
      return out === undefined ? '0x' : contract.iface.encodeFunctionResult(fragment, out);
    } catch (err) {
      if (err instanceof Revert) record.reverted = err.reason;
      throw err;
    }
  }

  /** Gas of a transaction to `to` with `data` (the inner call's for delegatedAction, plus its overhead). */
  gasFor(to: string, data: string): bigint {
    const contract = this.contractOf(to);
    if (!contract || data === '0x') return 21_000n;
    let fn = contract.iface.getFunction(data.slice(0, 10).toLowerCase())?.name ?? '';
    if (fn === 'delegatedAction') {
      try {
        const inner = tradingInterface.decodeFunctionData('delegatedAction', data)[1] as string;
        fn = tradingInterface.getFunction(inner.slice(0, 10).toLowerCase())?.name ?? fn;
        return (GAS[fn] ?? 100_000n) + 30_000n;
      } catch {
        return 100_000n;
      }
    }
    return GAS[fn] ?? 60_000n;
  }

  private execute(
    ctx: Ctx,
    contract: ChainCall['contract'],
    fn: string,
    a: Result,
    sender: string,
    record: ChainCall,
  ): unknown[] | undefined {
    const s = ctx.s;
    const usdc = this.addresses.usdc;
    if (contract === 'USDC') {
      switch (fn) {
        case 'balanceOf':
          return [s.usdc.get(lc(a[0])) ?? 0n];
        case 'allowance':
          return [s.allowances.get(`${lc(a[0])}|${lc(a[1])}`) ?? 0n];
        case 'decimals':
          return [6];
        case 'approve':
          if (a[0] === ZeroAddress) throw errorString('ERC20: approve to the zero address');
          s.allowances.set(`${lc(sender)}|${lc(a[0])}`, a[1]);
          emit(ctx, usdc, erc20Interface, 'Approval', [sender, a[0], a[1]]);
          return [true];
        case 'transfer':
          transferUsdc(ctx, usdc, sender, a[0], a[1]);
          return [true];
        case 'transferFrom':
          transferUsdcFrom(ctx, usdc, sender, a[0], a[1], a[2]);
          return [true];
      }
    }
    if (contract === 'TradingStorage') {
      switch (fn) {
        case 'openTrades': {
          const t = s.trades.get(tradeKey(a[0], Number(a[1]), Number(a[2])));
          return t
            ? [t.collateral, t.openPrice, t.tp, t.sl, t.trader, t.leverage, t.pairIndex, t.index, t.buy]
            : [0n, 0n, 0n, 0n, ZeroAddress, 0, 0, 0, false];
        }
        case 'openTradesCount':
          return [openTradesCount(s, a[0], Number(a[1]))];
        case 'pendingOrderIdsCount':
          return [BigInt(pendingOf(s, a[0]).length)];
        case 'maxTradesPerPair':
          return [this.options.maxTradesPerPair ?? 3];
        case 'maxPendingMarketOrders':
          return [this.options.maxPendingMarketOrders ?? 5];
        case 'usdc':
          return [usdc];
      }
    }
    if (contract === 'Registry' && fn === 'getContractAddress') {
      const names: Record<string, string> = {
        [encodeBytes32String('trading')]: this.addresses.trading,
        [encodeBytes32String('tradingStorage')]: this.addresses.storage,
        [encodeBytes32String('callbacks')]: this.addresses.callbacks,
        [encodeBytes32String('vault')]: this.addresses.vault,
      };
      return [names[a[0]] ?? ZeroAddress];
    }
    if (contract === 'Trading') {
      switch (fn) {
        case 'delegations':
          return [s.delegations.get(lc(a[0])) ?? ZeroAddress];
        case 'registry':
          return [this.addresses.registry];
        case 'setDelegate':
          if (a[0] === ZeroAddress) throw customError('NullAddr');
          s.delegations.set(lc(sender), getAddress(a[0]));
          emit(ctx, this.addresses.trading, tradingInterface, 'DelegateAdded', [sender, a[0]]);
          return undefined;
        case 'removeDelegate': {
          const d = s.delegations.get(lc(sender));
          if (!d) throw customError('NoDelegate', [sender]);
          s.delegations.delete(lc(sender));
          emit(ctx, this.addresses.trading, tradingInterface, 'DelegateRemoved', [sender, d]);
          return undefined;
        }
        case 'delegatedAction': {
          const trader = getAddress(a[0]);
          const delegate = s.delegations.get(lc(trader));
          if (!delegate || lc(delegate) !== lc(sender)) throw customError('NotDelegate', [trader, sender]);
          // delegatecall to itself with msg.sender overridden; the inner revert is bubbled up
          const out = this.dispatch(ctx, trader, this.addresses.trading, a[1], 0n, sender);
          return [out];
        }
        case 'openTrade':
          this.openTrade(ctx, sender, a);
          return undefined;
        case 'closeTradeMarket':
          this.closeTradeMarket(ctx, sender, a);
          return undefined;
        case 'openTradeMarketTimeout':
        case 'closeTradeMarketTimeout':
          this.marketTimeout(ctx, sender, a[0], fn === 'openTradeMarketTimeout');
          return undefined;
      }
    }
    record.reverted = `${contract}.${fn} is not simulated by the local chain`;
    throw errorString(record.reverted);
  }

  private openTrade(ctx: Ctx, sender: string, a: Result): void {
    const s = ctx.s;
    const t = a[0];
    const orderType = Number(a[2]);
    const slippageP = a[3] as bigint;
    const pairIndex = Number(t.pairIndex);
    const leverage = Number(t.leverage);
    const collateral = t.collateral as bigint;
    const openPrice = t.openPrice as bigint;
    const tp = t.tp as bigint;
    const sl = t.sl as bigint;
    const buy = Boolean(t.buy);
    const pair = this.pairs.get(pairIndex);
    if (!pair) throw customError('PairNotListed', [pairIndex]);
    if (slippageP === 0n || slippageP >= 10000n || openPrice === 0n) throw customError('WrongParams');
    const max = this.options.maxTradesPerPair ?? 3;
    const pendingOpens = pendingOf(s, sender).filter((o) => o.open && o.pairIndex === pairIndex).length;
    if (openTradesCount(s, sender, pairIndex) + pendingOpens >= max) throw customError('MaxTradesPerPairReached', [sender, pairIndex]);
    if (pendingOf(s, sender).length >= (this.options.maxPendingMarketOrders ?? 5))
      throw customError('MaxPendingMarketOrdersReached', [sender]);
    if (leverage === 0 || leverage < pair.minLeverage || leverage > pair.maxLeverage) throw customError('WrongLeverage', [leverage]);
    if (collateral > this.maxAllowedCollateral) throw customError('AboveMaxAllowedCollateral');
    if ((collateral * BigInt(leverage)) / 100n < this.minLevPos) throw customError('BelowMinLevPos');
    if (tp !== 0n && (buy ? tp <= openPrice : tp >= openPrice)) throw customError('WrongTP');
    if (sl !== 0n && (buy ? sl >= openPrice : sl <= openPrice)) throw customError('WrongSL');
    // storageT.transferUsdc(sender, storage, collateral): TradingStorage spends the trader's allowance
    transferUsdcFrom(ctx, this.addresses.usdc, this.addresses.storage, sender, this.addresses.storage, collateral);
    if (orderType !== 0) throw errorString('local chain: only MARKET orders are simulated');
    const orderId = s.nextOrderId++;
    s.pending.set(orderId.toString(), {
      orderId,
      open: true,
      block: ctx.block,
      wantedPrice: openPrice,
      slippageP: Number(slippageP),
      collateral,
      tp,
      sl,
      trader: sender,
      leverage,
      pairIndex,
      index: 0,
      buy,
      percentage: 0,
      tradeId: 0n,
      txHash: ctx.txHash ?? '',
    });
    ctx.initiated.push(orderId);
    emit(ctx, this.addresses.trading, tradingInterface, 'MarketOpenOrderInitiated', [orderId, sender, pairIndex]);
  }

  private closeTradeMarket(ctx: Ctx, sender: string, a: Result): void {
    const s = ctx.s;
    const pairIndex = Number(a[0]);
    const index = Number(a[1]);
    let closePercentage = Number(a[2]);
    const marketPrice = a[3] as bigint;
    const slippageP = Number(a[4]);
    if (closePercentage > 10000 || slippageP >= 10000) throw customError('WrongParams');
    if (closePercentage === 0) closePercentage = 10000;
    const t = s.trades.get(tradeKey(sender, pairIndex, index));
    if (!t) throw customError('NoTradeFound', [sender, pairIndex, index]);
    if (pendingOf(s, sender).length >= (this.options.maxPendingMarketOrders ?? 5))
      throw customError('MaxPendingMarketOrdersReached', [sender]);
    if (t.beingMarketClosed) throw customError('AlreadyMarketClosed', [sender, pairIndex, index]);
    const remaining = (t.collateral * BigInt(10000 - closePercentage)) / 10000n;
    if (closePercentage !== 10000 && (remaining * BigInt(t.leverage)) / 100n < this.minLevPos) throw customError('BelowMinLevPos');
    const orderId = s.nextOrderId++;
    t.beingMarketClosed = true;
    s.pending.set(orderId.toString(), {
      orderId,
      open: false,
      block: ctx.block,
      wantedPrice: marketPrice,
      slippageP,
      collateral: 0n,
      tp: 0n,
      sl: 0n,
      trader: sender,
      leverage: 0,
      pairIndex,
      index,
      buy: t.buy,
      percentage: closePercentage,
      tradeId: t.tradeId,
      txHash: ctx.txHash ?? '',
    });
    ctx.initiated.push(orderId);
    emit(ctx, this.addresses.trading, tradingInterface, 'MarketCloseOrderInitiatedV2', [
      orderId,
      t.tradeId,
      sender,
      pairIndex,
      closePercentage,
    ]);
  }

  private marketTimeout(ctx: Ctx, sender: string, orderId: bigint, open: boolean): void {
    const s = ctx.s;
    const o = s.pending.get(orderId.toString());
    if (!o || o.open !== open) throw customError(open ? 'NotOpenMarketTimeoutOrder' : 'NotCloseMarketTimeoutOrder', [orderId]);
    if (lc(o.trader) !== lc(sender)) throw customError('NotYourOrder', [orderId, sender]);
    if (ctx.block < o.block + (this.options.marketOrdersTimeoutBlocks ?? 0)) throw customError('WaitTimeout', [orderId]);
    s.pending.delete(orderId.toString());
    const order = [
      o.block,
      o.wantedPrice,
      o.slippageP,
      [o.collateral, 0n, o.tp, o.sl, o.trader, o.leverage, o.pairIndex, o.index, o.buy],
      o.percentage,
    ];
    if (open) {
      transferUsdc(ctx, this.addresses.usdc, this.addresses.storage, o.trader, o.collateral);
      emit(ctx, this.addresses.trading, tradingInterface, 'MarketOpenTimeoutExecutedV2', [orderId, order]);
    } else {
      const t = s.trades.get(tradeKey(o.trader, o.pairIndex, o.index));
      if (t) t.beingMarketClosed = false;
      emit(ctx, this.addresses.trading, tradingInterface, 'MarketCloseTimeoutExecutedV2', [orderId, o.tradeId, order]);
    }
  }
}
