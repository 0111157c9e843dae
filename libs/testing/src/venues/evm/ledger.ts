import { randomBytes } from 'crypto';
import { getAddress, isHexString, keccak256, Transaction } from 'ethers';
import { Block, EvmAccounts, lc, MinedTx, RawLog, RpcError, StoredLog } from './evm-types';

export interface LogFilter {
  address?: string | string[] | null;
  topics?: (string | string[] | null)[];
  fromBlock?: string;
  toBlock?: string;
  blockHash?: string;
}

/**
 * The chain's state and history: the live state, one block per transaction with a snapshot of the state after it
 * (so eth_call at an older block sees the state of then), mined transactions with their receipts, and the logs.
 */
export class ChainLedger<S extends EvmAccounts = EvmAccounts> {
  state: S;
  readonly blocks: Block[] = [];
  private readonly snapshots = new Map<number, S>();
  private readonly txs = new Map<string, MinedTx>();
  private readonly logs: StoredLog[] = [];

  constructor(
    private readonly chainId: number,
    readonly baseFee: bigint,
    initial: S,
    /** Names the chain in its block hashes. */
    private readonly name = 'local',
  ) {
    this.state = initial;
  }

  get blockNumber(): number {
    return this.blocks.length - 1;
  }

  /** Mines one block with these transactions (and their logs) and snapshots the live state after them. */
  mine(entries: { tx: Transaction; status: 0 | 1; gasUsed: bigint; logs: RawLog[] }[]): Block {
    const parent = this.blocks[this.blocks.length - 1];
    const number = this.blocks.length;
    const hash = keccak256(Buffer.concat([Buffer.from(`${this.name}-${this.chainId}-${number}-`), randomBytes(16)]));
    const timestamp = Math.max(Math.floor(Date.now() / 1000), parent?.timestamp ?? 0);
    const block: Block = {
      number,
      hash,
      parentHash: parent?.hash ?? '0x' + '00'.repeat(32),
      timestamp,
      transactions: [],
      gasUsed: 0n,
      baseFeePerGas: this.baseFee,
    };
    entries.forEach((e, txIndex) => {
      const hashTx = e.tx.hash!;
      const stored = e.logs.map((l) => {
        const log: StoredLog = {
          ...l,
          blockNumber: number,
          blockHash: hash,
          transactionHash: hashTx,
          transactionIndex: txIndex,
          logIndex: this.logsInBlock(number),
        };
        this.logs.push(log);
        return log;
      });
      block.transactions.push(hashTx);
      block.gasUsed += e.gasUsed;
      this.txs.set(lc(hashTx), {
        tx: e.tx,
        blockNumber: number,
        blockHash: hash,
        status: e.status,
        gasUsed: e.gasUsed,
        effectiveGasPrice: this.effectiveGasPrice(e.tx),
        logs: stored,
      });
    });
    this.blocks.push(block);
    this.snapshots.set(number, structuredClone(this.state));
    return block;
  }

  /**
   * A raw signed transaction checked as a node admits one (the same checks for every local chain): it decodes, is
   * signed, replay-protected for this chain, not already known (`pending`: also one held unmined), calls a contract,
   * carries exactly the sender's next nonce, a fee at least the base fee, the intrinsic gas, and the sender can pay gas
   * × price + value. Returns it with its sender and that nonce; throws the node's RpcError otherwise.
   */
  admit(raw: string, pending: (hash: string) => boolean = () => false): { tx: Transaction & { to: string }; from: string; nonce: number } {
    let tx: Transaction;
    try {
      tx = Transaction.from(raw);
    } catch (err) {
      throw new RpcError(-32000, `invalid transaction: ${(err as Error).message}`);
    }
    if (!tx.signature || !tx.from) throw new RpcError(-32000, 'invalid transaction: unsigned');
    if (tx.chainId === 0n) throw new RpcError(-32000, 'only replay-protected (EIP-155) transactions allowed over RPC');
    if (tx.chainId !== BigInt(this.chainId)) throw new RpcError(-32000, `invalid chain id: have ${tx.chainId}, want ${this.chainId}`);
    if (this.tx(tx.hash!) || pending(tx.hash!)) throw new RpcError(-32000, 'already known');
    if (!tx.to) throw new RpcError(-32000, 'contract creation is not supported by the local chain');
    const from = getAddress(tx.from);
    const nonce = this.state.nonces.get(lc(from)) ?? 0;
    if (tx.nonce < nonce) throw new RpcError(-32000, `nonce too low: next nonce ${nonce}, tx nonce ${tx.nonce}`);
    if (tx.nonce > nonce) throw new RpcError(-32000, `nonce too high: next nonce ${nonce}, tx nonce ${tx.nonce}`);
    const maxFee = tx.type === 2 ? (tx.maxFeePerGas ?? 0n) : (tx.gasPrice ?? 0n);
    if (maxFee < this.baseFee)
      throw new RpcError(-32000, `max fee per gas less than block base fee: maxFeePerGas ${maxFee}, baseFee ${this.baseFee}`);
    if (tx.gasLimit < 21_000n) throw new RpcError(-32000, 'intrinsic gas too low');
    const balance = this.state.eth.get(lc(from)) ?? 0n;
    if (balance < tx.gasLimit * maxFee + tx.value)
      throw new RpcError(-32000, `insufficient funds for gas * price + value: have ${balance} want ${tx.gasLimit * maxFee + tx.value}`);
    return { tx: tx as Transaction & { to: string }, from, nonce };
  }

  tx(hash: string): MinedTx | undefined {
    return this.txs.get(lc(hash));
  }

  blockByHash(hash: string): Block | undefined {
    return this.blocks.find((b) => lc(b.hash) === lc(hash));
  }

  effectiveGasPrice(tx: Transaction): bigint {
    if (tx.type === 2) {
      const tip = tx.maxPriorityFeePerGas ?? 0n;
      const cap = tx.maxFeePerGas ?? 0n;
      return cap < this.baseFee + tip ? cap : this.baseFee + tip;
    }
    return tx.gasPrice ?? this.baseFee;
  }

  /** State as of the end of a block (live state for the latest block). */
  stateAt(tag: unknown): S {
    const n = this.blockTag(tag);
    if (n === this.blockNumber) return this.state;
    const snapshot = this.snapshots.get(n);
    if (!snapshot) throw new RpcError(-32000, 'header not found');
    return snapshot;
  }

  blockTag(tag: unknown): number {
    if (tag === undefined || tag === null || tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized')
      return this.blockNumber;
    if (tag === 'earliest') return 0;
    if (typeof tag === 'object' && tag !== null && 'blockNumber' in tag)
      return this.blockTag((tag as { blockNumber: unknown }).blockNumber);
    if (typeof tag === 'string' && isHexString(tag)) {
      const n = Number(BigInt(tag));
      if (n > this.blockNumber) throw new RpcError(-32000, 'header not found');
      return n;
    }
    throw new RpcError(-32602, `invalid block tag ${JSON.stringify(tag)}`);
  }

  getLogs(filter: LogFilter): StoredLog[] {
    let from: number;
    let to: number;
    if (filter.blockHash) {
      const block = this.blockByHash(filter.blockHash);
      if (!block) return [];
      from = to = block.number;
    } else {
      from = this.blockTag(filter.fromBlock ?? 'latest');
      to = this.blockTag(filter.toBlock ?? 'latest');
    }
    const addresses = filter.address == null ? null : (Array.isArray(filter.address) ? filter.address : [filter.address]).map(lc);
    const topics = filter.topics ?? [];
    return this.logs.filter((l) => {
      if (l.blockNumber < from || l.blockNumber > to) return false;
      if (addresses && !addresses.includes(lc(l.address))) return false;
      return topics.every((t, i) => {
        if (t == null) return true;
        const wanted = (Array.isArray(t) ? t : [t]).map(lc);
        return wanted.length === 0 || (l.topics[i] !== undefined && wanted.includes(lc(l.topics[i])));
      });
    });
  }

  private logsInBlock(number: number): number {
    let n = 0;
    for (let i = this.logs.length - 1; i >= 0 && this.logs[i].blockNumber === number; i--) n++;
    return n;
  }
}
