import { Interface } from 'ethers';

/**
 * GMX v2 (synthetics) ExchangeRouter surface as ethers human-readable ABI fragments: only what an order needs.
 *
 * Struct layout: gmx-io/gmx-synthetics contracts/order/IBaseOrderUtils.sol @ 01c7edee0cb412d31622180c504f17ba5f9224ee
 * (the v2.2 layout: `cancellationReceiver` and `autoCancel` from v2.1, `validFromTime` and `dataList` from v2.2).
 * ExchangeRouter.createOrder takes `IBaseOrderUtils.CreateOrderParams calldata params` and returns the order key;
 * `multicall(bytes[])`, `sendWnt(address,uint256)` and `sendTokens(address,address,uint256)` are the router's
 * payable helpers that fund the order vault in the same transaction.
 *
 * The older layouts hash to other selectors (v2.1 without validFromTime/dataList, v2.0 without cancellationReceiver
 * and autoCancel): calldata built here is for routers deployed from v2.2 on. The selector derived from this layout,
 * 0xf59c48eb, is the one tradingstrategy-ai/web3-ethereum-defi states for the deployed router (see
 * gmx-v2.vectors.json). Enums are uint8 in the ABI.
 */

/** IBaseOrderUtils.CreateOrderParamsAddresses, in declaration order. */
export const GMX_CREATE_ORDER_ADDRESSES_TUPLE =
  '(address receiver,address cancellationReceiver,address callbackContract,address uiFeeReceiver,' +
  'address market,address initialCollateralToken,address[] swapPath)';

/** IBaseOrderUtils.CreateOrderParamsNumbers, in declaration order. */
export const GMX_CREATE_ORDER_NUMBERS_TUPLE =
  '(uint256 sizeDeltaUsd,uint256 initialCollateralDeltaAmount,uint256 triggerPrice,uint256 acceptablePrice,' +
  'uint256 executionFee,uint256 callbackGasLimit,uint256 minOutputAmount,uint256 validFromTime)';

/** IBaseOrderUtils.CreateOrderParams, in declaration order. */
export const GMX_CREATE_ORDER_PARAMS_TUPLE =
  `(${GMX_CREATE_ORDER_ADDRESSES_TUPLE} addresses,${GMX_CREATE_ORDER_NUMBERS_TUPLE} numbers,` +
  'uint8 orderType,uint8 decreasePositionSwapType,bool isLong,bool shouldUnwrapNativeToken,bool autoCancel,' +
  'bytes32 referralCode,bytes32[] dataList)';

export const GMX_EXCHANGE_ROUTER_ABI = [
  'function multicall(bytes[] data) payable returns (bytes[] results)',
  'function sendWnt(address receiver,uint256 amount) payable',
  'function sendTokens(address token,address receiver,uint256 amount) payable',
  `function createOrder(${GMX_CREATE_ORDER_PARAMS_TUPLE} params) payable returns (bytes32)`,
] as const;

export const gmxExchangeRouterInterface = new Interface(GMX_EXCHANGE_ROUTER_ABI);

/** Order.OrderType (gmx-synthetics contracts/order/Order.sol; the same values in gmx-interface sdk/src/types/orders.ts). */
export enum GmxOrderType {
  MarketSwap = 0,
  LimitSwap = 1,
  MarketIncrease = 2,
  LimitIncrease = 3,
  MarketDecrease = 4,
  LimitDecrease = 5,
  StopLossDecrease = 6,
  Liquidation = 7,
}

/** Order.DecreasePositionSwapType (gmx-interface sdk/src/types/orders.ts @ 021c9e0991db93a0c62f097eb6bb06830d87ff1d). */
export enum GmxDecreasePositionSwapType {
  NoSwap = 0,
  SwapPnlTokenToCollateralToken = 1,
  SwapCollateralTokenToPnlToken = 2,
}
