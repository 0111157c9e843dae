import { AbiCoder, Interface } from 'ethers';

/**
 * Ostium's contract surface as ethers human-readable ABI fragments.
 *
 * Function signatures follow the Ostium Python SDK ABI (0xOstium/ostium-python-sdk @ 6e65aef, Oct 2025), which the
 * deployed Trading contract answers: openTrade takes a BuilderFee tuple (selector 0x742088c0) and closeTradeMarket a
 * market price and slippage (0xefc10755). The public contracts repository (v1.2.4) still has the older forms.
 *
 * Events and errors are the real ones, copied from 0xOstium/smart-contracts-public (src/interfaces/IOstiumTrading.sol,
 * IOstiumTradingCallbacks.sol, IOstiumTradingStorage.sol, IDelegatable.sol): the market flow is
 * MarketOpenOrderInitiated / MarketCloseOrderInitiatedV2 on Trading, then MarketOpenExecuted / MarketOpenCanceled /
 * MarketCloseExecutedV2 / MarketCloseCanceled (and the fee events) on TradingCallbacks, keyed by orderId.
 * Enums are uint8 in the ABI.
 */

/** IOstiumTradingStorage.Trade, in declaration order. */
export const TRADE_TUPLE =
  '(uint256 collateral,uint192 openPrice,uint192 tp,uint192 sl,address trader,uint32 leverage,uint16 pairIndex,uint8 index,bool buy)';
/** IOstiumTradingStorage.PendingMarketOrderV2. */
export const PENDING_MARKET_ORDER_V2_TUPLE = `(uint256 block,uint192 wantedPrice,uint32 slippageP,${TRADE_TUPLE} trade,uint16 percentage)`;

export const TRADING_ABI = [
  // trading (SDK ABI)
  `function openTrade(${TRADE_TUPLE} t,(address builder,uint32 builderFee) bf,uint8 orderType,uint256 slippageP)`,
  'function closeTradeMarket(uint16 pairIndex,uint8 index,uint16 closePercentage,uint192 marketPrice,uint32 slippageP)',
  'function openTradeMarketTimeout(uint256 _order)',
  'function closeTradeMarketTimeout(uint256 _order,bool retry)',
  // the rest of the SDK's trading functions (ostium.json other_functions_sdk_abi); Conduit does not send them yet
  'function cancelOpenLimitOrder(uint16 pairIndex,uint8 index)',
  'function updateOpenLimitOrder(uint16 pairIndex,uint8 index,uint192 price,uint192 tp,uint192 sl)',
  'function updateTp(uint16 pairIndex,uint8 index,uint192 newTp)',
  'function updateSl(uint16 pairIndex,uint8 index,uint192 newSl)',
  'function topUpCollateral(uint16 pairIndex,uint8 index,uint256 topUpAmount)',
  'function removeCollateral(uint16 pairIndex,uint8 index,uint256 removeAmount)',
  // Delegatable
  'function setDelegate(address delegate)',
  'function removeDelegate()',
  'function delegatedAction(address trader,bytes call_data) returns (bytes)',
  'function delegations(address delegator) view returns (address)',
  'function registry() view returns (address)',
  // events (IOstiumTrading, IDelegatable)
  'event MarketOpenOrderInitiated(uint256 indexed orderId,address indexed trader,uint16 indexed pairIndex)',
  'event MarketCloseOrderInitiated(uint256 indexed orderId,uint256 indexed tradeId,address indexed trader,uint16 pairIndex)',
  'event MarketCloseOrderInitiatedV2(uint256 indexed orderId,uint256 indexed tradeId,' +
    'address indexed trader,uint16 pairIndex,uint16 closePercentage)',
  `event MarketOpenTimeoutExecutedV2(uint256 indexed orderId,${PENDING_MARKET_ORDER_V2_TUPLE} order)`,
  `event MarketCloseTimeoutExecutedV2(uint256 indexed orderId,uint256 indexed tradeId,${PENDING_MARKET_ORDER_V2_TUPLE} order)`,
  'event DelegateAdded(address indexed delegator,address indexed delegate)',
  'event DelegateRemoved(address indexed delegator,address indexed delegate)',
] as const;

export const CALLBACKS_ABI = [
  `event MarketOpenExecuted(uint256 indexed orderId,${TRADE_TUPLE} t,uint256 priceImpactP,uint256 tradeNotional)`,
  'event MarketCloseExecuted(uint256 indexed orderId,uint256 indexed tradeId,uint256 price,' +
    'uint256 priceImpactP,int256 percentProfit,uint256 usdcSentToTrader)',
  'event MarketCloseExecutedV2(uint256 indexed orderId,uint256 indexed tradeId,uint256 price,' +
    'uint256 priceImpactP,int256 percentProfit,uint256 usdcSentToTrader,uint256 percentageClosed)',
  'event MarketOpenCanceled(uint256 indexed orderId,address indexed trader,uint256 indexed pairIndex,uint8 cancelReason)',
  'event MarketCloseCanceled(uint256 indexed orderId,uint256 indexed tradeId,address indexed trader,' +
    'uint256 pairIndex,uint256 index,uint8 cancelReason)',
  'event DevFeeCharged(uint256 indexed tradeId,address indexed trader,uint256 amount)',
  'event VaultOpeningFeeCharged(uint256 indexed tradeId,address indexed trader,uint256 amount)',
  'event OracleFeeCharged(uint256 indexed tradeId,address indexed trader,uint256 amount)',
  'event FeesCharged(uint256 indexed orderId,uint256 indexed tradeId,address indexed trader,uint256 rolloverFees,int256 fundingFees)',
] as const;

export const STORAGE_ABI = [
  // the public mapping getter returns the struct's fields (ABI-identical to returning the static tuple)
  'function openTrades(address _trader,uint16 _pairIndex,' +
    'uint8 _index) view returns (uint256 collateral,uint192 openPrice,uint192 tp,uint192 sl,' +
    'address trader,uint32 leverage,uint16 pairIndex,uint8 index,bool buy)',
  'function openTradesCount(address _trader,uint16 _pairIndex) view returns (uint32)',
  'function pendingOrderIdsCount(address _trader) view returns (uint256)',
  'function maxTradesPerPair() view returns (uint8)',
  'function maxPendingMarketOrders() view returns (uint8)',
  'function usdc() view returns (address)',
] as const;

export const ERC20_ABI = [
  'function balanceOf(address account) view returns (uint256)',
  'function allowance(address owner,address spender) view returns (uint256)',
  'function approve(address spender,uint256 value) returns (bool)',
  'function transfer(address to,uint256 value) returns (bool)',
  'function transferFrom(address from,address to,uint256 value) returns (bool)',
  'function decimals() view returns (uint8)',
  'event Transfer(address indexed from,address indexed to,uint256 value)',
  'event Approval(address indexed owner,address indexed spender,uint256 value)',
] as const;

/** OstiumRegistry, as Trading uses it (`registry.getContractAddress('callbacks')`, a bytes32 name). */
export const REGISTRY_ABI = ['function getContractAddress(bytes32 _name) view returns (address)'] as const;

/** Custom errors of Trading, Delegatable and TradingStorage. */
export const OSTIUM_ERRORS_ABI = [
  'error IsDone()',
  'error WrongTP()',
  'error WrongSL()',
  'error IsPaused()',
  'error WrongParams()',
  'error BelowMinLevPos()',
  'error ExposureLimits()',
  'error NotGov(address a)',
  'error NotManager(address a)',
  'error NotTradesUpKeep(address a)',
  'error AboveMaxAllowedCollateral()',
  'error PairNotListed(uint16 index)',
  'error WaitTimeout(uint256 orderId)',
  'error WrongLeverage(uint32 leverage)',
  'error NoTradeToTimeoutFound(uint256 orderId)',
  'error NotOpenMarketTimeoutOrder(uint256 orderId)',
  'error NotCloseMarketTimeoutOrder(uint256 orderId)',
  'error NotYourOrder(uint256 orderId,address trader)',
  'error MaxPendingMarketOrdersReached(address trader)',
  'error MaxTradesPerPairReached(address trader,uint16 pairIndex)',
  'error NoTradeFound(address trader,uint16 pairIndex,uint8 index)',
  'error NoLimitFound(address trader,uint16 pairIndex,uint8 index)',
  'error AlreadyMarketClosed(address trader,uint16 pairIndex,uint8 index)',
  'error TriggerPending(address sender,uint16 pairIndex,uint8 index)',
  'error RemoveAmountTooHigh()',
  // Delegatable
  'error NullAddr()',
  'error DelegatedActionFailed()',
  'error IsContract(address a)',
  'error NoDelegate(address a)',
  'error NotDelegate(address trader,address caller)',
  // TradingStorage
  'error NotEmptyIndex()',
  'error NotTrading(address a)',
  'error NotCallbacks(address a)',
] as const;

export const tradingInterface = new Interface([...TRADING_ABI, ...OSTIUM_ERRORS_ABI]);
export const callbacksInterface = new Interface(CALLBACKS_ABI);
export const storageInterface = new Interface(STORAGE_ABI);
export const erc20Interface = new Interface(ERC20_ABI);
export const registryInterface = new Interface(REGISTRY_ABI);
const errorsInterface = new Interface(OSTIUM_ERRORS_ABI);

/** IOstiumTradingStorage.OpenOrderType. */
export enum OstiumOrderType {
  MARKET = 0,
  LIMIT = 1,
  STOP = 2,
}

/** IOstiumTradingCallbacks.CancelReason, by its uint8 value. */
export const CANCEL_REASONS = [
  'NONE',
  'PAUSED',
  'MARKET_CLOSED',
  'SLIPPAGE',
  'TP_REACHED',
  'SL_REACHED',
  'EXPOSURE_LIMITS',
  'PRICE_IMPACT',
  'MAX_LEVERAGE',
  'NO_TRADE',
  'UNDER_LIQUIDATION',
  'NOT_HIT',
  'GAIN_LOSS',
  'DAY_TRADE_NOT_ALLOWED',
  'CLOSE_DAY_TRADE_NOT_ALLOWED',
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export function cancelReasonName(value: number | bigint): string {
  return CANCEL_REASONS[Number(value)] ?? `UNKNOWN_${value}`;
}

const ERROR_STRING = '0x08c379a0';
const PANIC = '0x4e487b71';

/**
 * Revert data as text: Error(string) gives its message, Panic(uint256) its code, a known custom error its
 * signature with arguments (`NotDelegate(0xabc…, 0xdef…)`); null for empty or unknown data.
 */
export function decodeRevert(data: string | null | undefined): string | null {
  if (!data || data === '0x' || data.length < 10) return null;
  const selector = data.slice(0, 10).toLowerCase();
  try {
    if (selector === ERROR_STRING) return AbiCoder.defaultAbiCoder().decode(['string'], '0x' + data.slice(10))[0] as string;
    if (selector === PANIC)
      return `Panic(0x${(AbiCoder.defaultAbiCoder().decode(['uint256'], '0x' + data.slice(10))[0] as bigint).toString(16)})`;
    const parsed = errorsInterface.parseError(data);
    if (parsed) return `${parsed.name}(${parsed.args.map((a) => String(a)).join(', ')})`;
  } catch {
    // fall through: undecodable
  }
  return null;
}

/** Why an Ostium call reverted, in words, with the contract's error name kept for searching logs. */
export function explainRevert(data: string | null | undefined): string {
  const decoded = decodeRevert(data);
  if (!decoded) return data && data !== '0x' ? `reverted with unknown data ${data.slice(0, 74)}` : 'reverted without a reason';
  const name = decoded.replace(/\(.*$/, '');
  const hint: Record<string, string> = {
    WrongTP: 'take-profit is on the wrong side of the open price',
    WrongSL: 'stop-loss is on the wrong side of the open price',
    WrongLeverage: "leverage is outside the pair's limits",
    WrongParams: 'invalid parameters (slippage must be between 0 and 100%, price non-zero)',
    BelowMinLevPos: "position (collateral × leverage) is below the pair's minimum",
    AboveMaxAllowedCollateral: 'collateral is above the maximum allowed',
    PairNotListed: 'pair is not listed',
    MaxTradesPerPairReached: 'the trader has the maximum number of trades on this pair',
    MaxPendingMarketOrdersReached: 'the trader has the maximum number of pending market orders',
    NotDelegate: "the agent wallet is not the trader's delegate on Ostium (the trader must call setDelegate(agent))",
    NoTradeFound: 'no open trade at that pair and slot',
    AlreadyMarketClosed: 'the trade is already being closed',
    IsPaused: 'Ostium trading is paused',
    IsDone: 'Ostium trading is shut down',
  };
  return hint[name] ? `${hint[name]} (${decoded})` : decoded;
}
