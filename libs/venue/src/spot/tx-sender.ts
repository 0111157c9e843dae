import { getAddress, JsonRpcProvider, Transaction, TransactionReceipt, TransactionRequest, Wallet } from 'ethers';
import { KeyHandle } from '../adapter';
import { describe, revertOf, rpcErrorOf } from '../ostium/rpc-errors';

/** What became of a transaction: never signed (it would revert), refused by the node, or sent (or maybe sent). */
export type SpotSendResult =
  { status: 'reverted'; reason: string } | { status: 'refused'; hash: string; reason: string } | { status: 'sent'; hash: string };

/**
 * The agent wallet's transactions for SPOT (approve, transferFrom, swap, refund): simulated first (a revert is an
 * answer, nothing is signed), signed locally inside KeyHandle.use, the hash handed to `beforeBroadcast` (if that fails
 * nothing is sent), then broadcast. `exclusive` runs a whole trade (its several transactions) under the agent's lock,
 * so trades of one agent never interleave and nonces never collide.
 */
export class SpotTxSender {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly chainId: number,
    private readonly poll: { intervalMs: number; timeoutMs: number },
  ) {}

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

  /** Signs and sends one call (call inside `exclusive`). */
  async send(signer: KeyHandle, to: string, data: string, beforeBroadcast?: (hash: string) => Promise<void>): Promise<SpotSendResult> {
    const agent = getAddress(signer.address);
    let gas: bigint;
    try {
      gas = await this.provider.estimateGas({ from: agent, to, data });
    } catch (err) {
      const revert = revertOf(err);
      if (revert !== null) return { status: 'reverted', reason: revert };
      throw err;
    }
    const [nonce, fees] = await Promise.all([this.provider.getTransactionCount(agent, 'pending'), this.provider.getFeeData()]);
    const tx: TransactionRequest = {
      chainId: this.chainId,
      to,
      data,
      value: 0n,
      nonce,
      gasLimit: (gas * 13n) / 10n,
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

  /** Sends and waits until mined: the receipt, or why it failed (reverted before or on chain, refused, not mined in time). */
  async sendAndWait(
    signer: KeyHandle,
    to: string,
    data: string,
  ): Promise<{ ok: true; receipt: TransactionReceipt } | { ok: false; reason: string }> {
    const sent = await this.send(signer, to, data);
    if (sent.status !== 'sent') return { ok: false, reason: sent.reason };
    const receipt = await this.waitMined(sent.hash);
    if (!receipt) return { ok: false, reason: `transaction ${sent.hash} was not mined within ${this.poll.timeoutMs} ms` };
    if (receipt.status !== 1) return { ok: false, reason: `transaction ${sent.hash} reverted` };
    return { ok: true, receipt };
  }

  /** Polls the receipt until mined or the timeout (null then). */
  async waitMined(hash: string): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + this.poll.timeoutMs;
    for (;;) {
      const receipt = await this.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, this.poll.intervalMs));
    }
  }
}
