import { getAddress, zeroPadValue } from 'ethers';
// The chain decodes with the adapter's own fragments, as the Ostium chain does.
import { encodeGmxEventData, GmxEventItems } from '@conduit/venue';
import { EVENT_LOG1_TOPIC, EVENT_LOG2_TOPIC, gmxErrorsInterface, gmxEventEmitterInterface } from '@conduit/venue';
import { GmxNetwork } from '@conduit/venue';
import { EvmAccounts, lc, RawLog, Revert } from '../evm/evm-types';

export { lc, Revert } from '../evm/evm-types';

export interface GmxChainMarket {
  /** Index token symbol (ETH, BTC…): Conduit's symbol. */
  symbol: string;
  indexDecimals: number;
  /** Market token, index token addresses (made up unless given). */
  marketToken?: string;
  indexToken?: string;
  maxLeverage?: number;
  /** This market's position impact settings (overrides GmxChainOptions.positionImpact). */
  positionImpact?: GmxPositionImpactOption;
}

/**
 * A market's position impact settings as DataStore holds them: POSITION_IMPACT_FACTOR(market, true/false) and
 * POSITION_IMPACT_EXPONENT_FACTOR(market), each a decimal string ("0.000000001") or a 30-decimal bigint.
 */
export interface GmxPositionImpactOption {
  positiveFactor: string | bigint;
  negativeFactor: string | bigint;
  exponent: string | bigint;
}

export interface GmxChainOptions {
  /** Contract addresses; default GMX_NETWORKS.local. */
  network?: Partial<GmxNetwork>;
  chainId?: number;
  markets?: GmxChainMarket[];
  /** Position fee in bps of the size delta, charged on increase and decrease. Default 5 (0.05 %). */
  positionFeeBps?: bigint;
  /** Borrowing fee in USD (decimal string) charged on each decrease, as PositionFeesCollected.borrowingFeeUsd. Default 0. */
  borrowingFeeUsdPerDecrease?: string;
  /**
   * GMX's position price impact for every market (DataStore values; the keeper prices orders with them and tracks open
   * interest). Default: zero factors, exponent 2 — no impact.
   */
  positionImpact?: GmxPositionImpactOption;
  /** Legacy: a flat impact in bps against the trader on every execution, instead of positionImpact. Default: off. */
  priceImpactBps?: bigint;
  /** Smallest execution fee (wei) an order may carry. Default 10^14. */
  minExecutionFeeWei?: bigint;
  /** Seconds after which the account (or its subaccount) may cancel a market order. Default 300. */
  requestExpirationSec?: number;
  /** Execute every pending order this long after it is created (ms); off when undefined. */
  autoExecuteMs?: number;
  baseFeePerGas?: bigint;
}

export interface StoredOrder {
  key: string;
  account: string;
  receiver: string;
  cancellationReceiver: string;
  market: string;
  collateralToken: string;
  orderType: number;
  sizeDeltaUsd: bigint;
  collateralAmount: bigint;
  acceptablePrice: bigint;
  executionFee: bigint;
  isLong: boolean;
  isFrozen: boolean;
  updatedAtTime: number;
  referralCode: string;
}

export interface StoredPosition {
  key: string;
  account: string;
  market: string;
  collateralToken: string;
  isLong: boolean;
  sizeInUsd: bigint;
  sizeInTokens: bigint;
  collateralAmount: bigint;
  increasedAtTime: number;
  decreasedAtTime: number;
}

export interface GmxState extends EvmAccounts {
  /** ERC20 balances: token → owner → amount (lowercase addresses). */
  balances: Map<string, Map<string, bigint>>;
  /** `${token}|${owner}|${spender}` → allowance. */
  allowances: Map<string, bigint>;
  /** What the OrderVault has recorded of each token (recordTransferIn: balance − recorded is what was sent in). */
  vaultRecorded: Map<string, bigint>;
  /** account → its subaccounts. */
  subaccounts: Map<string, string[]>;
  /** `${account}|${subaccount}|${actionType}` → max count, count, expiresAt. */
  maxActions: Map<string, bigint>;
  actionCounts: Map<string, bigint>;
  expiresAt: Map<string, bigint>;
  orders: Map<string, StoredOrder>;
  positions: Map<string, StoredPosition>;
  /** DataStore.getUint values by key: impact factors and open interest (Keys.sol hashes). */
  uints: Map<string, bigint>;
  nonce: bigint;
  /** ETH sent with the transaction not yet used by sendWnt. */
  msgValueLeft: bigint;
}

export function emptyState(): GmxState {
  return {
    eth: new Map(),
    nonces: new Map(),
    balances: new Map(),
    allowances: new Map(),
    vaultRecorded: new Map(),
    subaccounts: new Map(),
    maxActions: new Map(),
    actionCounts: new Map(),
    expiresAt: new Map(),
    orders: new Map(),
    positions: new Map(),
    uints: new Map(),
    nonce: 0n,
    msgValueLeft: 0n,
  };
}

/** A call's context: a working copy of the state, the logs emitted, and the chain time (seconds). */
export interface Ctx {
  s: GmxState;
  logs: RawLog[];
  via: 'tx' | 'call' | 'estimateGas' | 'keeper';
  txHash: string | null;
  now: number;
  /** Orders created in this call (for the automatic keeper). */
  created: string[];
}

/** A decoded call, for tests to look at what was sent. */
export interface GmxChainCall {
  via: Ctx['via'];
  from: string;
  to: string;
  name: string;
  args: unknown;
}

export function balanceOf(s: GmxState, token: string, owner: string): bigint {
  return s.balances.get(lc(token))?.get(lc(owner)) ?? 0n;
}

export function setBalance(s: GmxState, token: string, owner: string, amount: bigint): void {
  let m = s.balances.get(lc(token));
  if (!m) s.balances.set(lc(token), (m = new Map()));
  m.set(lc(owner), amount);
}

/** ERC20 transfer semantics (reverts with the OpenZeppelin message when short). */
export function moveToken(s: GmxState, token: string, from: string, to: string, amount: bigint): void {
  const have = balanceOf(s, token, from);
  if (have < amount) throw errorRevert('ERC20: transfer amount exceeds balance');
  setBalance(s, token, from, have - amount);
  setBalance(s, token, to, balanceOf(s, token, to) + amount);
}

export function allowanceKey(token: string, owner: string, spender: string): string {
  return `${lc(token)}|${lc(owner)}|${lc(spender)}`;
}

export function errorRevert(message: string): Revert {
  return new Revert(gmxErrorsInterface.encodeErrorResult('Error', [message]), message);
}

/** A GMX custom error (contracts/error/Errors.sol) as a revert. */
export function customRevert(name: string, args: unknown[]): Revert {
  const data = gmxErrorsInterface.encodeErrorResult(name, args);
  return new Revert(data, `${name}(${args.map(String).join(', ')})`);
}

export const toTopic = (address: string): string => zeroPadValue(getAddress(address), 32).toLowerCase();

/** EventEmitter.emitEventLog1/2: the real EventLog1/EventLog2 log with its EventLogData. */
export function emitGmx(
  ctx: Ctx,
  eventEmitter: string,
  msgSender: string,
  name: string,
  topics: string[],
  items: Partial<GmxEventItems>,
): void {
  const fragment = gmxEventEmitterInterface.getEvent(topics.length === 1 ? 'EventLog1' : 'EventLog2')!;
  const encoded = gmxEventEmitterInterface.encodeEventLog(fragment, [msgSender, name, name, ...topics, encodeGmxEventData(items)]);
  if (encoded.topics[0] !== (topics.length === 1 ? EVENT_LOG1_TOPIC : EVENT_LOG2_TOPIC)) throw new Error('event topic mismatch');
  ctx.logs.push({ address: eventEmitter, topics: encoded.topics, data: encoded.data });
}
