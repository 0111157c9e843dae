import { Result } from 'ethers';
import { EVENT_LOG1_TOPIC, EVENT_LOG2_TOPIC, gmxEventEmitterInterface } from './contracts-abi';

/**
 * GMX v2 emits every event as EventEmitter's EventLog1/EventLog2 with an EventLogData payload of key/value items
 * (contracts/event/EventUtils.sol @ 01c7edee0cb412d31622180c504f17ba5f9224ee). This file turns such a log into plain
 * maps by item kind, and back (the local chain emits with `encodeGmxEventData`).
 */

export interface GmxEventItems {
  address: Record<string, string>;
  uint: Record<string, bigint>;
  int: Record<string, bigint>;
  bool: Record<string, boolean>;
  bytes32: Record<string, string>;
  bytes: Record<string, string>;
  string: Record<string, string>;
  addressArray: Record<string, string[]>;
}

export interface GmxEvent {
  name: string;
  msgSender: string;
  topic1: string;
  topic2: string | null;
  items: GmxEventItems;
  address: string;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
}

export interface LogLike {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  transactionHash: string;
  index?: number;
  logIndex?: number;
}

const KINDS = ['address', 'uint', 'int', 'bool', 'bytes32', 'bytes', 'string'] as const;

export function emptyItems(): GmxEventItems {
  return { address: {}, uint: {}, int: {}, bool: {}, bytes32: {}, bytes: {}, string: {}, addressArray: {} };
}

/** A GMX EventLog1/EventLog2 log, decoded; null for any other log. */
export function decodeGmxLog(log: LogLike): GmxEvent | null {
  const topic0 = log.topics[0]?.toLowerCase();
  if (topic0 !== EVENT_LOG1_TOPIC && topic0 !== EVENT_LOG2_TOPIC) return null;
  let parsed;
  try {
    parsed = gmxEventEmitterInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
  if (!parsed) return null;
  const data = parsed.args.eventData as Result;
  const items = emptyItems();
  KINDS.forEach((kind, i) => {
    const group = data[i] as Result;
    for (const item of group[0] as Result) (items[kind] as Record<string, unknown>)[item[0] as string] = item[1];
    if (kind === 'address') for (const item of group[1] as Result) items.addressArray[item[0] as string] = [...(item[1] as Result)];
  });
  return {
    name: parsed.args.eventName as string,
    msgSender: parsed.args.msgSender as string,
    topic1: parsed.args.topic1 as string,
    topic2: parsed.name === 'EventLog2' ? (parsed.args.topic2 as string) : null,
    items,
    address: log.address,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    logIndex: log.logIndex ?? log.index ?? 0,
  };
}

/** Items → the EventLogData tuple, in the order they were given (GMX's setItem order). */
export function encodeGmxEventData(items: Partial<GmxEventItems>): unknown[] {
  return KINDS.map((kind) => {
    const entries = Object.entries((items[kind] ?? {}) as Record<string, unknown>).map(([key, value]) => [key, value]);
    const arrays = kind === 'address' ? Object.entries(items.addressArray ?? {}).map(([key, value]) => [key, value]) : [];
    return [entries, arrays];
  });
}
