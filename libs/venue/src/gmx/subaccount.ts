import { getAddress, isHexString } from 'ethers';
import { GmxDecreasePositionSwapType, GmxOrderType } from './abi';
import { gmxSubaccountRouterInterface } from './contracts-abi';
import { createOrderParams, GmxDecreaseOrder, GmxIncreaseOrder, GmxRouterCall } from './encoding';

/**
 * Orders sent by a subaccount (the deployment's agent wallet) for an account, through GMX's SubaccountRouter
 * (contracts/router/SubaccountRouter.sol @ 01c7edee0cb412d31622180c504f17ba5f9224ee):
 *
 * - `createOrder(address account, CreateOrderParams params)`: the same v2.2 struct as ExchangeRouter.createOrder, with
 *   the account first (selector 0x69b605c5, the deployed router's, see contracts-abi.ts). The router checks that the
 *   sender is a registered subaccount of the account within its action count, that `receiver` is the account, and for
 *   an increase pulls `initialCollateralDeltaAmount` of the collateral token from the account into the OrderVault with
 *   Router.pluginTransfer (so the account approves GMX's Router, and the subaccount never holds the collateral);
 * - the execution fee is the subaccount's own ETH: `sendWnt(orderVault, fee)` with the fee as the transaction value.
 *
 * Hence an increase is `multicall(sendWnt, createOrder(account, params))` — no sendTokens, unlike ExchangeRouter.
 */

function multicall(calls: string[], value: bigint): GmxRouterCall {
  return { data: gmxSubaccountRouterInterface.encodeFunctionData('multicall', [calls]), value };
}

function sendWnt(vault: string, fee: bigint): string {
  return gmxSubaccountRouterInterface.encodeFunctionData('sendWnt', [getAddress(vault), fee]);
}

/** MarketIncrease for `account`: multicall(sendWnt(vault, fee), createOrder(account, params)); the router pulls the collateral. */
export function encodeSubaccountIncreaseOrder(account: string, o: GmxIncreaseOrder): GmxRouterCall {
  if (getAddress(o.receiver) !== getAddress(account)) throw new RangeError('a subaccount order must have the account as receiver');
  if (typeof o.collateralAmount !== 'bigint' || o.collateralAmount <= 0n) throw new RangeError('collateralAmount must be positive');
  if (o.sizeDeltaUsd <= 0n) throw new RangeError('sizeDeltaUsd must be positive for an increase');
  const params = createOrderParams(
    o,
    GmxOrderType.MarketIncrease,
    { initialCollateralDeltaAmount: o.collateralAmount, minOutputAmount: 0n },
    GmxDecreasePositionSwapType.NoSwap,
  );
  return multicall(
    [sendWnt(o.orderVault, o.executionFee), gmxSubaccountRouterInterface.encodeFunctionData('createOrder', [getAddress(account), params])],
    o.executionFee,
  );
}

/** MarketDecrease for `account`: multicall(sendWnt(vault, fee), createOrder(account, params)). */
export function encodeSubaccountDecreaseOrder(account: string, o: GmxDecreaseOrder): GmxRouterCall {
  if (getAddress(o.receiver) !== getAddress(account)) throw new RangeError('a subaccount order must have the account as receiver');
  const params = createOrderParams(
    o,
    GmxOrderType.MarketDecrease,
    { initialCollateralDeltaAmount: o.collateralDeltaAmount ?? 0n, minOutputAmount: o.minOutputAmount ?? 0n },
    o.decreasePositionSwapType ?? GmxDecreasePositionSwapType.NoSwap,
  );
  return multicall(
    [sendWnt(o.orderVault, o.executionFee), gmxSubaccountRouterInterface.encodeFunctionData('createOrder', [getAddress(account), params])],
    o.executionFee,
  );
}

/** SubaccountRouter.cancelOrder(key): allowed to the account's subaccount once the request has expired (market orders). */
export function encodeSubaccountCancelOrder(key: string): GmxRouterCall {
  if (!isHexString(key, 32)) throw new RangeError(`order key must be 32 bytes of hex, got ${key}`);
  return { data: gmxSubaccountRouterInterface.encodeFunctionData('cancelOrder', [key]), value: 0n };
}
