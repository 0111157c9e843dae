import { JsonRpcProvider, TransactionReceipt } from 'ethers';
import { KeyHandle } from '../adapter';
import { EvmTxSender } from '../evm/tx-sender';
import { revertOf } from '../ostium/rpc-errors';

/**
 * The agent wallet's transactions for SPOT (approve, transferFrom, swap, refund): EvmTxSender's, with a trade's
 * several transactions run under the agent's lock (`exclusive`, each sent with `sendLocked`) and the ones a trade must
 * see mined first waited for (`sendAndWait`).
 */
export class SpotTxSender extends EvmTxSender {
  constructor(
    provider: JsonRpcProvider,
    chainId: number,
    private readonly poll: { intervalMs: number; timeoutMs: number },
  ) {
    super(provider, chainId, { revertOf, gasPercent: 130n });
  }

  /** Sends (under the caller's lock) and waits until mined: the receipt, or why it failed. */
  async sendAndWait(
    signer: KeyHandle,
    to: string,
    data: string,
  ): Promise<{ ok: true; receipt: TransactionReceipt } | { ok: false; reason: string }> {
    const sent = await this.sendLocked(signer, { to, data });
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
