import { getAddress, JsonRpcProvider, Transaction, TransactionRequest, Wallet } from 'ethers';
import { KeyHandle } from '../adapter';
import { describe, rpcErrorOf } from '../ostium/rpc-errors';
import { explainGmxRevert } from './contracts-abi';

/** What became of a transaction: never signed (it would revert), refused by the node, or sent (or maybe sent). */
export type GmxSendResult =
  { status: 'reverted'; reason: string } | { status: 'refused'; hash: string; reason: string } | { status: 'sent'; hash: string };

/** The revert of a failed eth_estimateGas in words (GMX custom errors decoded), or null when it was not a revert. */
export function gmxRevertOf(err: unknown): string | null {
  const e = err as { code?: string; data?: unknown };
  const rpc = rpcErrorOf(err);
  if (e?.code !== 'CALL_EXCEPTION' && rpc?.code !== 3) return null;
  const data = typeof e.data === 'string' && e.data !== '0x' ? e.data : typeof rpc?.data === 'string' ? rpc.data : null;
  if (data && data !== '0x') return explainGmxRevert(data);
  return rpc?.message ?? 'reverted without a reason';
}

/**
 * Sends the agent wallet's transactions (with a value: the execution fee): simulates (a revert is an answer, nothing is
 * signed), signs locally inside KeyHandle.use, hands the hash to `beforeBroadcast` (if that fails nothing is sent),
 * then broadcasts. One transaction at a time per agent wallet, so nonces do not collide.
 */
export class GmxTxSender {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly chainId: number,
  ) {}

  send(
    signer: KeyHandle,
    to: string,
    data: string,
    value: bigint,
    beforeBroadcast: (hash: string) => Promise<void>,
  ): Promise<GmxSendResult> {
    const agent = getAddress(signer.address);
    return this.serialize(agent, async (): Promise<GmxSendResult> => {
      let gas: bigint;
      try {
        gas = await this.provider.estimateGas({ from: agent, to, data, value });
      } catch (err) {
        const revert = gmxRevertOf(err);
        if (revert !== null) return { status: 'reverted', reason: revert };
        throw err; // transport failure: nothing was sent
      }
      const [nonce, fees] = await Promise.all([this.provider.getTransactionCount(agent, 'pending'), this.provider.getFeeData()]);
      const tx: TransactionRequest = {
        chainId: this.chainId,
        to,
        data,
        value,
        nonce,
        gasLimit: (gas * 12n) / 10n,
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
      await beforeBroadcast(hash);
      try {
        await this.provider.send('eth_sendRawTransaction', [raw]);
      } catch (err) {
        const rpc = rpcErrorOf(err);
        // a JSON-RPC error is the node's answer (unless it already has the transaction); anything else leaves it
        // unknown: report it sent, a look-up by the hash tells whether it landed
        if (rpc && !/already known/i.test(rpc.message ?? '') && !(await this.provider.getTransaction(hash).catch(() => null)))
          return { status: 'refused', hash, reason: rpc.message ?? describe(err) };
      }
      return { status: 'sent', hash };
    });
  }

  private serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
}
