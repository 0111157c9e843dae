import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { closePosition, findPosition, PositionRow } from '@conduit/db';
import { clientOrderId, planClose, realizedPnl, toMoney } from '@conduit/domain';
import { JobName, jobId, JobProducer, UnknownSubjectError } from '@conduit/queue';
import { TradingAccounts } from '../accounts/trading-accounts';
import { finalAnswer, OrderLedger, VenueAnswer } from '../orders/order-ledger';
import { OrderSender } from '../orders/order-sender';
import { SettleScheduler } from '../settlement/settle-scheduler';

/**
 * Closes positions: a reduce-only order for the whole size under the close's deterministic client order id (sent at
 * most once, OrderSender), the realized PnL net of both legs' fees, the conditional close (once, whatever the
 * races), then the hand-off to billing and to Agent What's impact factors.
 *
 * A LIQUIDATION (the monitor saw a paper position's mark at or through its liquidation price) takes the same path,
 * with the paper venue's forced fill at the liquidation price in place of the order (VenueAdapter.liquidate): the exit
 * is the liquidation price even when the mark gapped past it, the close leg pays the taker fee there, and the PnL is
 * the usual one at that price net of both legs' fees. The trader thus loses the initial margin less the maintenance
 * margin (plus fees), as on Hyperliquid when the book absorbs the liquidation; a gap's further loss is the venue's
 * (on Hyperliquid a backstop liquidation also keeps the maintenance margin: not modelled). A venue that liquidates
 * by itself (live) has no liquidate(): a LIQUIDATION close there is an ordinary reduce-only close.
 */
@Injectable()
export class Closing {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
    private readonly ledger: OrderLedger,
    private readonly sender: OrderSender,
    private readonly settle: SettleScheduler,
    private readonly producer: JobProducer,
  ) {}

  async close(positionId: string, reason: string, traceId?: string): Promise<{ status: string; pnl: string | null }> {
    const p = await findPosition(this.ds, positionId);
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if (p.status === 'OPEN') {
      const { adapter, account } = await this.accounts.resolve(p.deployment_id, p.venue);
      const plan = planClose({ deploymentId: p.deployment_id, signalId: p.signal_id, side: p.side, qty: p.qty });
      const liquidationPrice = reason === 'LIQUIDATION' && adapter.liquidate ? p.liquidation_price : null;
      const answer =
        finalAnswer(await this.ledger.find(p.venue, plan.clientOrderId)) ??
        (await this.sender.storeAndSend(
          {
            clientOrderId: plan.clientOrderId,
            deploymentId: p.deployment_id,
            signalId: p.signal_id,
            positionId,
            venue: p.venue,
            symbol: p.token_symbol,
            side: plan.orderSide,
            reduceOnly: true,
            qty: plan.qty,
            referencePrice: liquidationPrice ?? (await adapter.markPrice(p.token_symbol))?.toString() ?? null,
            liquidationPrice,
            adapter,
            account,
            // Ostium closes a trade by its slot, which the open's fill reported.
            closeSlot: (await this.ledger.find(p.venue, clientOrderId(p.deployment_id, p.signal_id, 'open')))?.venue_slot ?? null,
          },
          true,
        ));
      if (answer.status === 'PENDING') {
        await this.settle.schedule(positionId, 'close', 0, reason, traceId);
        return { status: 'CLOSING', pnl: null };
      }
      if (answer.status !== 'FILLED') throw new Error(`close order rejected: ${answer.error ?? 'unknown'}`); // retried
      await this.finish(p, answer, reason, traceId);
    }
    const after = (await findPosition(this.ds, positionId))!;
    // On every attempt, as every hand-off: a close whose commit landed but whose jobs were lost (Redis away, the process
    // killed in between) finds the position CLOSED on its retry and hands it over then; the job ids make each once.
    if (after.status === 'CLOSED') await this.handOff(positionId, traceId);
    return { status: after.status, pnl: after.pnl };
  }

  /** Records the close at the fill (once); the caller hands the position over (handOff) after it, on every attempt. */
  async finish(p: Pick<PositionRow, 'id' | 'side' | 'qty' | 'entry_price'>, fill: VenueAnswer, reason: string, traceId?: string) {
    const fees = await this.ledger.fees(p.id);
    const pnl = toMoney(realizedPnl({ side: p.side, qty: p.qty, entryPrice: p.entry_price, exitPrice: fill.avgPrice!, fees }));
    await this.ds.transaction((em) =>
      closePosition(
        em,
        p.id,
        { exitPrice: fill.avgPrice!, reason, pnl, exitTxHash: fill.venueOrderId },
        { event: 'v3.position.closed', payload: { exit_price: fill.avgPrice, reason, pnl, fees }, traceId },
      ),
    );
  }

  /**
   * Hands a closed position to billing and to Agent What (impact factors of the posts behind it). Emitted on every
   * attempt; the job ids make each once.
   */
  async handOff(positionId: string, traceId?: string): Promise<void> {
    await this.producer.emit({
      name: JobName.BillingPositionClosed,
      data: { positionId, traceId },
      jobId: jobId(JobName.BillingPositionClosed, positionId),
    });
    await this.producer.emit({
      name: JobName.SignalPositionClosed,
      data: { positionId, traceId },
      jobId: jobId(JobName.SignalPositionClosed, positionId),
    });
  }
}
