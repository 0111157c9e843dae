import { getAddress, MaxUint256 } from 'ethers';
import { KeyHandle, OrderResult, TradingAccount } from '../adapter';
import { pending, rejected } from '../ostium/orders';
import { describe } from '../evm/rpc-errors';
import { swapRouter02Interface } from './abi';
import { SpotChainReader } from './chain-reader';
import { spotErc20Interface } from './networks';
import { SpotTxSender } from './tx-sender';

/**
 * One SPOT trade's transactions, under the agent's lock: the agent's approve(router) once per token, the pull of the
 * input from the user (only what the agent lacks, so a retried trade never pulls twice), then the swap, whose hash goes
 * to `beforeBroadcast` first. A swap that cannot be sent, or that reverted, gives the agent's input back to the user.
 */
export class SpotTradeRunner {
  constructor(
    private readonly reader: SpotChainReader,
    private readonly sender: SpotTxSender,
    private readonly router: string,
  ) {}

  run(
    account: TradingAccount,
    cloid: string,
    tokenIn: string,
    amountIn: bigint,
    swapData: string,
    beforeBroadcast: (hash: string) => Promise<void>,
  ): Promise<OrderResult> {
    const signer = account.signer!;
    const agent = getAddress(signer.address);
    const user = getAddress(account.address);
    return this.sender.exclusive(agent, async () => {
      const router = this.router;
      if ((await this.reader.allowance(tokenIn, agent, router)) < amountIn) {
        const data = spotErc20Interface.encodeFunctionData('approve', [router, MaxUint256]);
        const approved = await this.sender.sendAndWait(signer, tokenIn, data);
        if (!approved.ok) return rejected(cloid, `the agent's router approval failed: ${approved.reason}`);
      }
      const held = await this.reader.balanceOf(tokenIn, agent);
      if (held < amountIn) {
        const need = amountIn - held;
        const [balance, allowance] = await Promise.all([this.reader.balanceOf(tokenIn, user), this.reader.allowance(tokenIn, user, agent)]);
        if (balance < need) return rejected(cloid, `the wallet holds ${balance} units of ${tokenIn}, the order needs ${need}`);
        if (allowance < need)
          return rejected(
            cloid,
            `the wallet allows the agent ${allowance} units of ${tokenIn}, the order needs ${need}: renew the approval`,
          );
        const data = spotErc20Interface.encodeFunctionData('transferFrom', [user, agent, need]);
        const pulled = await this.sender.sendAndWait(signer, tokenIn, data);
        if (!pulled.ok) return rejected(cloid, `pulling the order's input from the wallet failed: ${pulled.reason}`);
      }
      const sent = await this.sender.sendLocked(signer, { to: router, data: swapData }, beforeBroadcast);
      if (sent.status === 'sent') return pending(cloid, sent.hash);
      const refunded = await this.refundToken(signer, user, tokenIn).catch((err) => `refund failed: ${describe(err)}`);
      const why = sent.status === 'reverted' ? `the swap would revert: ${sent.reason}` : `the node refused the swap: ${sent.reason}`;
      return rejected(cloid, `${why}${typeof refunded === 'string' ? ` (${refunded})` : ''}`, sent.status === 'refused' ? sent.hash : null);
    });
  }

  /** After a reverted swap: what the agent holds of the swap's input goes back to the user (a no-op once done). */
  async refundAfter(account: TradingAccount, swapData: string): Promise<void> {
    if (!account.signer) return;
    const parsed = swapRouter02Interface.parseTransaction({ data: swapData });
    if (!parsed) return;
    const tokenIn = parsed.args[0].tokenIn as string;
    const signer = account.signer;
    await this.sender.exclusive(signer.address, () => this.refundToken(signer, getAddress(account.address), tokenIn));
  }

  private async refundToken(signer: KeyHandle, user: string, token: string): Promise<void> {
    const held = await this.reader.balanceOf(token, signer.address);
    if (held === 0n) return;
    const sent = await this.sender.sendAndWait(signer, token, spotErc20Interface.encodeFunctionData('transfer', [user, held]));
    if (!sent.ok) throw new Error(sent.reason);
  }
}
