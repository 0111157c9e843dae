import { AbiCoder, getAddress, Interface, keccak256, Result, ZeroAddress } from 'ethers';
import { GmxOrderType, gmxExchangeRouterInterface } from '@conduit/venue';
import { gmxErc20Interface, gmxReaderInterface, gmxSubaccountRouterInterface, SUBACCOUNT_ORDER_ACTION } from '@conduit/venue';
import { GmxNetwork } from '@conduit/venue';
import { gmxDataStoreInterface } from '@conduit/venue';
import {
  allowanceKey,
  balanceOf,
  Ctx,
  customRevert,
  emitGmx,
  errorRevert,
  GmxChainCall,
  GmxChainOptions,
  GmxState,
  lc,
  moveToken,
  Revert,
  setBalance,
  StoredOrder,
  toTopic,
} from './chain-state';
import { ChainMarket, orderCreatedItems, positionProps, orderProps } from './views';

type Kind = 'erc20' | 'exchangeRouter' | 'subaccountRouter' | 'router' | 'reader' | 'dataStore' | 'inert';

/** One key per (account, subaccount, action type), as Keys.sol hashes them (the values only need to be distinct here). */
const actionKey = (account: string, sub: string) => `${lc(account)}|${lc(sub)}|${SUBACCOUNT_ORDER_ACTION}`;

/**
 * GMX's contracts as the adapter reaches them: ERC20s (USDC, WETH as WNT, the index tokens), ExchangeRouter and
 * SubaccountRouter (BaseRouter's multicall/sendWnt/sendTokens, createOrder, cancelOrder, the subaccount settings),
 * Router.pluginTransfer (only to the routers), OrderVault (recordTransferIn), Reader views and EventEmitter logs.
 * Every call is decoded with the real fragments and re-encoded to check it is well formed.
 */
export class GmxContracts {
  private readonly kinds = new Map<string, { kind: Kind; iface: Interface | null }>();

  constructor(
    private readonly net: GmxNetwork,
    private readonly markets: ChainMarket[],
    private readonly options: GmxChainOptions,
    private readonly calls: GmxChainCall[],
  ) {
    const set = (address: string, kind: Kind, iface: Interface | null) => this.kinds.set(lc(address), { kind, iface });
    set(net.usdc, 'erc20', gmxErc20Interface);
    set(net.wnt, 'erc20', gmxErc20Interface);
    for (const m of markets) {
      set(m.indexToken, 'erc20', gmxErc20Interface);
      set(m.marketToken, 'inert', null);
    }
    set(net.exchangeRouter, 'exchangeRouter', gmxExchangeRouterInterface);
    set(net.subaccountRouter, 'subaccountRouter', gmxSubaccountRouterInterface);
    set(net.router, 'router', new Interface(['function pluginTransfer(address token,address account,address receiver,uint256 amount)']));
    set(net.reader, 'reader', gmxReaderInterface);
    set(net.dataStore, 'dataStore', gmxDataStoreInterface);
    for (const a of [net.orderVault, net.eventEmitter]) set(a, 'inert', null);
  }

  isContract(address: string): boolean {
    return this.kinds.has(lc(address));
  }

  gasFor(to: string): bigint {
    const kind = this.kinds.get(lc(to))?.kind;
    return kind === 'erc20' ? 60_000n : kind === 'reader' ? 200_000n : 900_000n;
  }

  symbolOf(token: string): { symbol: string; decimals: number } {
    if (lc(token) === lc(this.net.usdc)) return { symbol: 'USDC', decimals: 6 };
    if (lc(token) === lc(this.net.wnt)) return { symbol: 'WETH', decimals: 18 };
    const m = this.markets.find((x) => lc(x.indexToken) === lc(token))!;
    return { symbol: m.symbol, decimals: m.indexDecimals };
  }

  /** Runs a call against ctx.s; returns the ABI-encoded result; throws Revert. */
  dispatch(ctx: Ctx, from: string, to: string, data: string): string {
    const entry = this.kinds.get(lc(to));
    if (!entry?.iface) throw new Revert('0x', 'no such function');
    const parsed = decodeStrict(entry.iface, data);
    this.calls.push({ via: ctx.via, from, to: getAddress(to), name: parsed.name, args: plainArgs(parsed.args) });
    const encode = (values: unknown[]) => entry.iface!.encodeFunctionResult(parsed.name, values);
    const a = parsed.args;
    switch (entry.kind) {
      case 'erc20':
        return this.erc20(ctx, from, to, parsed.name, a, encode);
      case 'reader':
        return this.reader(ctx, parsed.name, a, encode);
      case 'dataStore': // getUint: impact factors and open interest; 0 for any other key, as an unset DataStore value
        return encode([ctx.s.uints.get(lc(a[0])) ?? 0n]);
      case 'router':
        throw customRevert('Unauthorized', [getAddress(from), 'ROUTER_PLUGIN']);
      default:
        return this.routerCall(ctx, from, to, entry.kind === 'subaccountRouter', parsed.name, a, encode);
    }
  }

  private erc20(ctx: Ctx, from: string, token: string, name: string, a: Result, encode: (v: unknown[]) => string): string {
    const s = ctx.s;
    switch (name) {
      case 'balanceOf':
        return encode([balanceOf(s, token, a[0])]);
      case 'allowance':
        return encode([s.allowances.get(allowanceKey(token, a[0], a[1])) ?? 0n]);
      case 'decimals':
        return encode([this.symbolOf(token).decimals]);
      case 'symbol':
        return encode([this.symbolOf(token).symbol]);
      case 'approve': {
        s.allowances.set(allowanceKey(token, from, a[0]), a[1]);
        const ev = gmxErc20Interface.encodeEventLog('Approval', [from, a[0], a[1]]);
        ctx.logs.push({ address: getAddress(token), ...ev });
        return encode([true]);
      }
      case 'transfer':
        moveToken(s, token, from, a[0], a[1]);
        ctx.logs.push({ address: getAddress(token), ...gmxErc20Interface.encodeEventLog('Transfer', [from, a[0], a[1]]) });
        return encode([true]);
      case 'transferFrom': {
        const key = allowanceKey(token, a[0], from);
        const allowed = s.allowances.get(key) ?? 0n;
        if (allowed < a[2]) throw errorRevert('ERC20: insufficient allowance');
        s.allowances.set(key, allowed - a[2]);
        moveToken(s, token, a[0], a[1], a[2]);
        ctx.logs.push({ address: getAddress(token), ...gmxErc20Interface.encodeEventLog('Transfer', [a[0], a[1], a[2]]) });
        return encode([true]);
      }
    }
    throw new Revert('0x', `unsupported ${name}`);
  }

  private reader(ctx: Ctx, name: string, a: Result, encode: (v: unknown[]) => string): string {
    if (lc(a[0]) !== lc(this.net.dataStore)) throw new Revert('0x', 'not the DataStore');
    if (name === 'getMarkets') {
      const list = this.markets.slice(Number(a[1]), Number(a[2]));
      return encode([list.map((m) => [m.marketToken, m.indexToken, this.net.wnt, this.net.usdc])]);
    }
    if (name === 'getAccountPositions') {
      const mine = [...ctx.s.positions.values()].filter((p) => lc(p.account) === lc(a[1]));
      return encode([mine.slice(Number(a[2]), Number(a[3])).map(positionProps)]);
    }
    return encode([orderProps(ctx.s.orders.get(lc(a[1])))]);
  }

  /** Router.pluginTransfer as the routers use it: the account's allowance to Router pays. */
  pluginTransfer(ctx: Ctx, token: string, account: string, receiver: string, amount: bigint): void {
    const key = allowanceKey(token, account, this.net.router);
    const allowed = ctx.s.allowances.get(key) ?? 0n;
    if (allowed < amount) throw errorRevert('ERC20: insufficient allowance');
    ctx.s.allowances.set(key, allowed - amount);
    moveToken(ctx.s, token, account, receiver, amount);
    ctx.logs.push({ address: getAddress(token), ...gmxErc20Interface.encodeEventLog('Transfer', [account, receiver, amount]) });
  }

  /** OrderVault.recordTransferIn: what arrived since the last record. */
  private recordTransferIn(s: GmxState, token: string): bigint {
    const balance = balanceOf(s, token, this.net.orderVault);
    const recorded = s.vaultRecorded.get(lc(token)) ?? 0n;
    s.vaultRecorded.set(lc(token), balance);
    return balance - recorded;
  }

  /** OrderVault.transferOut (keeps the record in step). */
  vaultTransferOut(ctx: Ctx, token: string, to: string, amount: bigint): void {
    moveToken(ctx.s, token, this.net.orderVault, to, amount);
    ctx.s.vaultRecorded.set(lc(token), balanceOf(ctx.s, token, this.net.orderVault));
  }

  private routerCall(
    ctx: Ctx,
    from: string,
    router: string,
    sub: boolean,
    name: string,
    a: Result,
    encode: (v: unknown[]) => string,
  ): string {
    const s = ctx.s;
    const iface = sub ? gmxSubaccountRouterInterface : gmxExchangeRouterInterface;
    switch (name) {
      case 'multicall': {
        const results = (a[0] as string[]).map((inner) => {
          const parsed = decodeStrict(iface, inner);
          if (parsed.name === 'multicall') throw new Revert('0x', 'nested multicall');
          return this.dispatch(ctx, from, router, inner);
        });
        return encode([results]);
      }
      case 'sendWnt': {
        if (s.msgValueLeft < a[1]) throw errorRevert('sendWnt: amount exceeds the value sent');
        s.msgValueLeft -= a[1];
        setBalance(s, this.net.wnt, a[0], balanceOf(s, this.net.wnt, a[0]) + a[1]);
        return '0x';
      }
      case 'sendTokens':
        this.pluginTransfer(ctx, a[0], from, a[1], a[2]);
        return '0x';
      case 'addSubaccount': {
        const list = s.subaccounts.get(lc(from)) ?? [];
        if (!list.includes(lc(a[0]))) list.push(lc(a[0]));
        s.subaccounts.set(lc(from), list);
        emitGmx(ctx, this.net.eventEmitter, router, 'AddSubaccount', [toTopic(from), toTopic(a[0])], {
          address: { account: from, subaccount: a[0] },
        });
        return '0x';
      }
      case 'removeSubaccount':
        s.subaccounts.set(
          lc(from),
          (s.subaccounts.get(lc(from)) ?? []).filter((x) => x !== lc(a[0])),
        );
        return '0x';
      case 'setMaxAllowedSubaccountActionCount':
        s.maxActions.set(`${lc(from)}|${lc(a[0])}|${a[1]}`, a[2]);
        return '0x';
      case 'setSubaccountExpiresAt':
        s.expiresAt.set(`${lc(from)}|${lc(a[0])}|${a[1]}`, a[2]);
        return '0x';
      case 'setSubaccountAutoTopUpAmount':
        return '0x';
      case 'createOrder': {
        const account = sub ? getAddress(a[0]) : getAddress(from);
        const params = sub ? a[1] : a[0];
        if (sub) {
          this.subaccountAction(ctx, account, from, router);
          if (lc(params.addresses.receiver) !== lc(account))
            throw customRevert('InvalidReceiverForSubaccountOrder', [params.addresses.receiver, account]);
          const cr = params.addresses.cancellationReceiver;
          if (lc(cr) !== lc(ZeroAddress) && lc(cr) !== lc(account))
            throw customRevert('InvalidCancellationReceiverForSubaccountOrder', [cr, account]);
          if (Number(params.orderType) === GmxOrderType.MarketIncrease)
            this.pluginTransfer(ctx, params.addresses.initialCollateralToken, account, this.net.orderVault, params.numbers[1]);
        }
        return encode([this.createOrder(ctx, account, router, params)]);
      }
      case 'cancelOrder': {
        const order = s.orders.get(lc(a[0]));
        if (!order) throw customRevert('EmptyOrder', []);
        if (sub) this.subaccountAction(ctx, order.account, from, router);
        else if (lc(order.account) !== lc(from)) throw customRevert('Unauthorized', [getAddress(from), 'account for cancelOrder']);
        const age = ctx.now - order.updatedAtTime;
        const expiration = this.options.requestExpirationSec ?? 300;
        if (age < expiration) throw customRevert('RequestNotYetCancellable', [BigInt(age), BigInt(expiration), 'Order']);
        this.cancel(ctx, order, 'OrderCancelled', 'USER_INITIATED_CANCEL', '0x');
        return '0x';
      }
    }
    throw new Revert('0x', `unsupported ${name}`);
  }

  /** SubaccountUtils: registered subaccount, action count within the maximum, approval not expired. */
  private subaccountAction(ctx: Ctx, account: string, sub: string, router: string): void {
    const s = ctx.s;
    if (!(s.subaccounts.get(lc(account)) ?? []).includes(lc(sub))) throw customRevert('SubaccountNotAuthorized', [account, sub]);
    const key = actionKey(account, sub);
    const next = (s.actionCounts.get(key) ?? 0n) + 1n;
    s.actionCounts.set(key, next);
    const expiresAt = s.expiresAt.get(key) ?? 0n;
    if (BigInt(ctx.now) > expiresAt) throw customRevert('SubaccountApprovalExpired', [account, sub, expiresAt, BigInt(ctx.now)]);
    const max = s.maxActions.get(key) ?? 0n;
    if (next > max) throw customRevert('MaxSubaccountActionCountExceeded', [account, sub, next, max]);
    emitGmx(ctx, this.net.eventEmitter, router, 'IncrementSubaccountActionCount', [toTopic(account), toTopic(sub)], {
      address: { account, subaccount: sub },
      uint: { nextValue: next },
      bytes32: { actionType: SUBACCOUNT_ORDER_ACTION },
    });
  }

  /** OrderUtils.createOrder: the vault's transfers in fund the fee and the collateral; OrderCreated with the key. */
  private createOrder(ctx: Ctx, account: string, router: string, p: Result): string {
    const s = ctx.s;
    const orderType = Number(p.orderType);
    if (orderType !== GmxOrderType.MarketIncrease && orderType !== GmxOrderType.MarketDecrease)
      throw customRevert('UnsupportedOrderType', [BigInt(orderType)]);
    const market = this.markets.find((m) => lc(m.marketToken) === lc(p.addresses.market));
    if (!market) throw customRevert('EmptyMarket', []);
    if (lc(p.addresses.receiver) === lc(ZeroAddress)) throw customRevert('EmptyReceiver', []);
    if (lc(p.addresses.initialCollateralToken) !== lc(this.net.usdc)) throw errorRevert('local chain: USDC collateral only');
    if ((p.addresses.swapPath as string[]).length) throw errorRevert('local chain: no swap path');
    const sizeDeltaUsd = p.numbers.sizeDeltaUsd as bigint;
    if (sizeDeltaUsd === 0n) throw errorRevert('local chain: sizeDeltaUsd must be positive');
    const wntAmount = this.recordTransferIn(s, this.net.wnt);
    const executionFee = p.numbers.executionFee as bigint;
    if (wntAmount < executionFee) throw customRevert('InsufficientWntAmountForExecutionFee', [wntAmount, executionFee]);
    const minFee = this.options.minExecutionFeeWei ?? 10n ** 14n;
    if (wntAmount < minFee) throw customRevert('InsufficientExecutionFee', [minFee, wntAmount]);
    const increase = orderType === GmxOrderType.MarketIncrease;
    const collateral = increase ? this.recordTransferIn(s, this.net.usdc) : 0n;
    if (increase && collateral === 0n) throw customRevert('InsufficientCollateralAmount', [0n, 0n]);
    s.nonce += 1n;
    const key = keccak256(AbiCoder.defaultAbiCoder().encode(['address', 'uint256'], [this.net.dataStore, s.nonce]));
    const order: StoredOrder = {
      key,
      account,
      receiver: getAddress(p.addresses.receiver),
      cancellationReceiver: getAddress(p.addresses.cancellationReceiver),
      market: market.marketToken,
      collateralToken: getAddress(p.addresses.initialCollateralToken),
      orderType,
      sizeDeltaUsd,
      collateralAmount: increase ? collateral : (p.numbers.initialCollateralDeltaAmount as bigint),
      acceptablePrice: p.numbers.acceptablePrice,
      executionFee: wntAmount,
      isLong: p.isLong,
      isFrozen: false,
      updatedAtTime: ctx.now,
      referralCode: p.referralCode,
    };
    s.orders.set(lc(key), order);
    emitGmx(ctx, this.net.eventEmitter, router, 'OrderCreated', [key, toTopic(account)], orderCreatedItems(order));
    ctx.created.push(key);
    return key;
  }

  /** OrderUtils.cancelOrder (or freeze): collateral back to the cancellation receiver (or the account), the event. */
  cancel(ctx: Ctx, order: StoredOrder, event: 'OrderCancelled' | 'OrderFrozen', reason: string, reasonBytes: string): void {
    if (event === 'OrderCancelled') {
      ctx.s.orders.delete(lc(order.key));
      if (order.orderType === GmxOrderType.MarketIncrease && order.collateralAmount > 0n) {
        const to = lc(order.cancellationReceiver) === lc(ZeroAddress) ? order.account : order.cancellationReceiver;
        this.vaultTransferOut(ctx, order.collateralToken, to, order.collateralAmount);
      }
    } else {
      ctx.s.orders.set(lc(order.key), { ...order, isFrozen: true });
    }
    emitGmx(ctx, this.net.eventEmitter, this.net.exchangeRouter, event, [order.key, toTopic(order.account)], {
      address: { account: order.account },
      bytes32: { key: order.key },
      string: { reason },
      bytes: { reasonBytes },
    });
  }
}

function plainArgs(args: Result): unknown {
  try {
    return args.toObject(true);
  } catch {
    return args.toArray(true);
  }
}

/** Decodes a call with the fragment of its selector and re-encodes it: anything not exactly that encoding reverts. */
function decodeStrict(iface: Interface, data: string) {
  let parsed;
  try {
    parsed = iface.parseTransaction({ data });
  } catch {
    throw new Revert('0x', 'malformed calldata');
  }
  if (!parsed) throw new Revert('0x', `unknown selector ${data.slice(0, 10)}`);
  if (iface.encodeFunctionData(parsed.fragment, parsed.args).toLowerCase() !== data.toLowerCase())
    throw new Revert('0x', 'malformed calldata');
  return parsed;
}
