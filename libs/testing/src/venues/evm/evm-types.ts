import { AbiCoder, Transaction } from 'ethers';

/** What every local chain of the tests shares: blocks, transactions, logs, reverts and RPC errors. */

/** The part of a chain's state the JSON-RPC server reads: ETH balances and nonces by lowercase address. */
export interface EvmAccounts {
  eth: Map<string, bigint>;
  nonces: Map<string, number>;
}

export interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

export interface StoredLog extends RawLog {
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
  logIndex: number;
}

export interface Block {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  transactions: string[];
  gasUsed: bigint;
  baseFeePerGas: bigint;
}

export interface MinedTx {
  tx: Transaction;
  blockNumber: number;
  blockHash: string;
  status: 0 | 1;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: StoredLog[];
}

/** A contract revert: its ABI-encoded data and the reason in words. */
export class Revert extends Error {
  constructor(
    readonly data: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** A JSON-RPC error answer. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
  }
}

export const abi = AbiCoder.defaultAbiCoder();
export const lc = (a: string) => a.toLowerCase();
export const MAX_UINT256 = (1n << 256n) - 1n;

export function errorString(message: string): Revert {
  return new Revert('0x08c379a0' + abi.encode(['string'], [message]).slice(2), message);
}
