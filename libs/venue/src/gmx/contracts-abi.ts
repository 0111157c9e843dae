import { AbiCoder, id, Interface, keccak256 } from 'ethers';
import { GMX_CREATE_ORDER_PARAMS_TUPLE } from './abi';

// the price impact model and its DataStore keys, for the local chain to apply the same function
export * from './price-impact';
export * from './impact-keys';

/**
 * The rest of GMX v2's surface the adapter talks to, as ethers human-readable fragments (gmx-io/gmx-synthetics; the
 * commit of each part is named where it is declared). Only what the adapter calls or reads.
 */

/**
 * SubaccountRouter (contracts/router/SubaccountRouter.sol @ 01c7edee0cb412d31622180c504f17ba5f9224ee, and the
 * deployed Arbitrum router of deployments/arbitrum/SubaccountRouter.json @ 95bd0c97385737b3227e314fafb04371991bdf1b,
 * which adds setSubaccountExpiresAt). It inherits BaseRouter's multicall/sendWnt/sendTokens. createOrder takes the
 * account first: the subaccount (msg.sender) creates the order for `account`, the router pulls an increase's
 * collateral from the account through Router.pluginTransfer, and `receiver` must be the account.
 */
export const GMX_SUBACCOUNT_ROUTER_ABI = [
  'function multicall(bytes[] data) payable returns (bytes[] results)',
  'function sendWnt(address receiver,uint256 amount) payable',
  'function sendTokens(address token,address receiver,uint256 amount) payable',
  'function addSubaccount(address subaccount) payable',
  'function removeSubaccount(address subaccount) payable',
  'function setMaxAllowedSubaccountActionCount(address subaccount,bytes32 actionType,uint256 maxAllowedCount) payable',
  'function setSubaccountExpiresAt(address subaccount,bytes32 actionType,uint256 expiresAt) payable',
  'function setSubaccountAutoTopUpAmount(address subaccount,uint256 amount) payable',
  `function createOrder(address account,${GMX_CREATE_ORDER_PARAMS_TUPLE} params) payable returns (bytes32)`,
  'function cancelOrder(bytes32 key) payable',
] as const;
export const gmxSubaccountRouterInterface = new Interface(GMX_SUBACCOUNT_ROUTER_ABI);

/** Keys.SUBACCOUNT_ORDER_ACTION = keccak256(abi.encode("SUBACCOUNT_ORDER_ACTION")) (contracts/data/Keys.sol @ 01c7edee). */
export const SUBACCOUNT_ORDER_ACTION = keccak256(AbiCoder.defaultAbiCoder().encode(['string'], ['SUBACCOUNT_ORDER_ACTION']));

/** EventUtils.EventLogData (contracts/event/EventUtils.sol @ 01c7edee): seven kinds of items, each (items, arrayItems). */
function kv(type: string): string {
  return `(tuple(string key,${type} value)[] items,tuple(string key,${type}[] value)[] arrayItems)`;
}
export const GMX_EVENT_LOG_DATA_TUPLE =
  `(${kv('address')} addressItems,${kv('uint256')} uintItems,${kv('int256')} intItems,${kv('bool')} boolItems,` +
  `${kv('bytes32')} bytes32Items,${kv('bytes')} bytesItems,${kv('string')} stringItems)`;

/** EventEmitter's generic events (contracts/event/EventEmitter.sol @ 01c7edee). */
const EVENT_HEAD = 'address msgSender,string eventName,string indexed eventNameHash,bytes32 indexed topic1';
export const GMX_EVENT_EMITTER_ABI = [
  `event EventLog1(${EVENT_HEAD},${GMX_EVENT_LOG_DATA_TUPLE} eventData)`,
  `event EventLog2(${EVENT_HEAD},bytes32 indexed topic2,${GMX_EVENT_LOG_DATA_TUPLE} eventData)`,
] as const;
export const gmxEventEmitterInterface = new Interface(GMX_EVENT_EMITTER_ABI);

/** Market.Props (contracts/market/Market.sol @ 01c7edee). */
const MARKET_PROPS = '(address marketToken,address indexToken,address longToken,address shortToken)';
/** Position.Props (contracts/position/Position.sol @ 01c7edee). */
const POSITION_PROPS =
  '(tuple(address account,address market,address collateralToken) addresses,' +
  'tuple(uint256 sizeInUsd,uint256 sizeInTokens,uint256 collateralAmount,int256 pendingImpactAmount,uint256 borrowingFactor,' +
  'uint256 fundingFeeAmountPerSize,uint256 longTokenClaimableFundingAmountPerSize,uint256 shortTokenClaimableFundingAmountPerSize,' +
  'uint256 increasedAtTime,uint256 decreasedAtTime) numbers,tuple(bool isLong) flags)';
/** Order.Props (contracts/order/Order.sol @ 01c7edee). */
const ORDER_PROPS =
  '(tuple(address account,address receiver,address cancellationReceiver,address callbackContract,address uiFeeReceiver,' +
  'address market,address initialCollateralToken,address[] swapPath) addresses,' +
  'tuple(uint8 orderType,uint8 decreasePositionSwapType,uint256 sizeDeltaUsd,uint256 initialCollateralDeltaAmount,' +
  'uint256 triggerPrice,uint256 acceptablePrice,uint256 executionFee,uint256 callbackGasLimit,uint256 minOutputAmount,' +
  'uint256 updatedAtTime,uint256 validFromTime) numbers,' +
  'tuple(bool isLong,bool shouldUnwrapNativeToken,bool isFrozen,bool autoCancel) flags,bytes32[] _dataList)';

/** Reader views (contracts/reader/Reader.sol @ 01c7edee): getMarkets, getAccountPositions, getOrder. */
export const GMX_READER_ABI = [
  `function getMarkets(address dataStore,uint256 start,uint256 end) view returns (${MARKET_PROPS}[])`,
  `function getAccountPositions(address dataStore,address account,uint256 start,uint256 end) view returns (${POSITION_PROPS}[])`,
  `function getOrder(address dataStore,bytes32 key) view returns (${ORDER_PROPS})`,
] as const;
export const gmxReaderInterface = new Interface(GMX_READER_ABI);

export const GMX_ERC20_ABI = [
  'function approve(address spender,uint256 amount) returns (bool)',
  'function transfer(address to,uint256 amount) returns (bool)',
  'function transferFrom(address from,address to,uint256 amount) returns (bool)',
  'function allowance(address owner,address spender) view returns (uint256)',
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
  'event Transfer(address indexed from,address indexed to,uint256 value)',
  'event Approval(address indexed owner,address indexed spender,uint256 value)',
] as const;
export const gmxErc20Interface = new Interface(GMX_ERC20_ABI);

/**
 * The custom errors the adapter explains (contracts/error/Errors.sol @ 01c7edee; SubaccountApprovalExpired and
 * InvalidCancellationReceiverForSubaccountOrder from the deployed routers' version @ a5c0c883).
 */
export const GMX_ERRORS_ABI = [
  'error Error(string)',
  'error SubaccountNotAuthorized(address account,address subaccount)',
  'error MaxSubaccountActionCountExceeded(address account,address subaccount,uint256 count,uint256 maxCount)',
  'error SubaccountApprovalExpired(address account,address subaccount,uint256 deadline,uint256 currentTimestamp)',
  'error InvalidReceiverForSubaccountOrder(address receiver,address expectedReceiver)',
  'error InsufficientExecutionFee(uint256 minExecutionFee,uint256 executionFee)',
  'error InsufficientWntAmountForExecutionFee(uint256 wntAmount,uint256 executionFee)',
  'error OrderNotFulfillableAtAcceptablePrice(uint256 price,uint256 acceptablePrice)',
  'error RequestNotYetCancellable(uint256 requestAge,uint256 requestExpirationAge,string requestType)',
  'error EmptyOrder()',
  'error EmptyMarket()',
  'error DisabledMarket(address market)',
  'error EmptySizeDeltaInTokens()',
  'error EmptyPosition()',
  'error InsufficientCollateralAmount(uint256 collateralAmount,int256 collateralDeltaAmount)',
  'error Unauthorized(address msgSender,string role)',
  'error EmptyReceiver()',
  'error UnsupportedOrderType(uint256 orderType)',
  'error InvalidCancellationReceiverForSubaccountOrder(address cancellationReceiver,address expectedCancellationReceiver)',
] as const;
export const gmxErrorsInterface = new Interface(GMX_ERRORS_ABI);

/** A revert's data in words: the GMX error with its arguments, or the raw data. */
export function explainGmxRevert(data: string): string {
  try {
    const parsed = gmxErrorsInterface.parseError(data);
    if (parsed) return `${parsed.name}(${parsed.args.map((a) => String(a)).join(', ')})`;
  } catch {
    // not one of ours
  }
  return `revert data ${data}`;
}

/** topic0 of EventLog1 / EventLog2, and topic1 (keccak256 of the event name) of a named GMX event. */
export const EVENT_LOG1_TOPIC = gmxEventEmitterInterface.getEvent('EventLog1')!.topicHash;
export const EVENT_LOG2_TOPIC = gmxEventEmitterInterface.getEvent('EventLog2')!.topicHash;
export const gmxEventNameTopic = (name: string): string => id(name);
