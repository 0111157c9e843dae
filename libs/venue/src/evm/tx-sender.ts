import { getAddress, JsonRpcProvider, Transaction, TransactionRequest, Wallet } from 'ethers';
import { KeyHandle } from '../adapter';
import { describe, rpcErrorOf } from './rpc-errors';

/** What became of a transaction: never signed (it would revert), refused by the node, or sent (or maybe sent). */
export type SendResult =
  { status: 'reverted'; reason: string } | { status: 'refused'; hash: string; reason: string } | { status: 'sent'; hash: string };

/** One call of the agent wallet: a contract, its calldata and the wei sent with it (GMX's execution fee). */
export interface EvmCall {
  to: string;
  data: string;
  value?: bigint;
}

export interface EvmTxSenderOptions {
  /** The revert of a failed estimate in words (the venue's errors decoded), or null when it was not a revert. */
  revertOf: (err: unknown) => string | null;
  /** Gas limit over the estimate, in percent. Default 120. */
  gasPercent?: bigint;
}

/**
 * Sends an agent wallet's transactions on an EVM chain (Ostium, GMX, SPOT): simulates (a revert is an answer, nothing
 * is signed), signs locally inside KeyHandle.use, hands the hash to `beforeBroadcast` (the caller stores it; if that
 * fails nothing is sent), then broadcasts. A JSON-RPC error is the node's refusal unless it already has the
 * transaction; anything else (timeout, reset socket) leaves it unknown and is reported sent: a look-up by the hash
 * tells whether it landed. One agent's transactions go one at a time (`send`, or a whole multi-transaction trade
 * under `exclusive`), so nonces never collide.
 */
export class EvmTxSender {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly provider: JsonRpcProvider,
    private readonly chainId: number,
    private readonly options: EvmTxSenderOptions,
  ) {}

  /** One transaction, under the agent's lock. */
  send(signer: KeyHandle, call: EvmCall, beforeBroadcast?: (hash: string) => Promise<void>): Promise<SendResult> {
    return this.exclusive(signer.address, () => this.sendLocked(signer, call, beforeBroadcast));
  }

  /** Runs `fn` alone among the agent's sends (a trade of several transactions calls sendLocked inside it). */
  exclusive<T>(agent: string, fn: () => Promise<T>): Promise<T> {
    const key = getAddress(agent);
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  /** One transaction; the caller holds the agent's lock (`exclusive`). */
  async sendLocked(signer: KeyHandle, call: EvmCall, beforeBroadcast?: (hash: string) => Promise<void>): Promise<SendResult> {
    const agent = getAddress(signer.address);
    const value = call.value ?? 0n;
    let gas: bigint;
    try {
      gas = await this.provider.estimateGas({ from: agent, to: call.to, data: call.data, value });
    } catch (err) {
      const revert = this.options.revertOf(err);
      if (revert !== null) return { status: 'reverted', reason: revert };
      throw err; // transport failure: nothing was sent
    }
    const [nonce, fees] = await Promise.all([this.provider.getTransactionCount(agent, 'pending'), this.provider.getFeeData()]);
    const tx: TransactionRequest = {
      chainId: this.chainId,
      to: call.to,
      data: call.data,
      value,
      nonce,
      gasLimit: (gas * (this.options.gasPercent ?? 120n)) / 100n,
      ...(fees.maxFeePerGas != null
        ? { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n }
        : { type: 0, gasPrice: fees.gasPrice ?? undefined }),
    };
    const raw = await signer.use(async (privateKey) => {
      const wallet = new Wallet(privateKey);
      if (wallet.address !== agent) throw new Error('the agent key does not match the agent address');
      return wallet.signTransaction(tx);
    });
    const hash = Transaction.from(raw).hash!;
    await beforeBroadcast?.(hash);
    try {
      await this.provider.send('eth_sendRawTransaction', [raw]);
    } catch (err) {
      const rpc = rpcErrorOf(err);
      if (rpc && !/already known/i.test(rpc.message ?? '') && !(await this.provider.getTransaction(hash).catch(() => null)))
        return { status: 'refused', hash, reason: rpc.message ?? describe(err) };
    }
    return { status: 'sent', hash };
  }
}
