import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  confirmOpen,
  failOutcome,
  failPosition,
  findPosition,
  first,
  markOpened,
  PositionRow,
  settleSignals,
  stampExecuted,
} from '@conduit/db';
import { clientOrderId, positionLevels, positionLiquidation, RiskModel, toMoney } from '@conduit/domain';
import { UnknownSubjectError } from '@conduit/queue';
import { TradingAccounts } from '../accounts/trading-accounts';
import { Closing } from '../closing/closing';
import { finalAnswer, OrderLedger } from '../orders/order-ledger';
import { Leg, SETTLE_MAX_ROUNDS, SettleScheduler } from './settle-scheduler';

/**
 * Follows an order the venue fills asynchronously (open or close) until the venue reports it filled or refused: a
 * PENDING position becomes OPEN at the fill (or FAILED with the venue's reason), an OPEN one with a pending close
 * becomes CLOSED. The adapter turns an order the oracle never fills into REJECTED after its timeout.
 */
@Injectable()
export class Settlement {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
    private readonly ledger: OrderLedger,
    private readonly scheduler: SettleScheduler,
    private readonly closing: Closing,
  ) {}

  async settle(positionId: string, leg: Leg, round: number, reason?: string, traceId?: string): Promise<{ status: string }> {
    const p = await findPosition(this.ds, positionId);
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if (leg === 'close' && p.status === 'CLOSED') {
      // Closed by an earlier attempt whose hand-off may have been lost: handed over again (once, by the job ids).
      await this.closing.handOff(p.id, traceId);
      return { status: p.status };
    }
    if ((leg === 'open' && p.status !== 'PENDING') || (leg === 'close' && p.status !== 'OPEN')) return { status: p.status };
    const cloid = clientOrderId(p.deployment_id, p.signal_id, leg);
    const order = await this.ledger.find(p.venue, cloid);
    const { adapter, account } = await this.accounts.resolve(p.deployment_id, p.venue);
    const ref = { clientOrderId: cloid, venueOrderId: order?.venue_order_id, symbol: p.token_symbol };
    let answer = finalAnswer(order) ?? (await adapter.orderStatus(account, ref));
    if (answer?.status === 'REJECTED' && leg === 'open' && adapter.releaseOrder) {
      // The venue could still fill a timed-out order: release it, then look once more (it may have filled meanwhile).
      await adapter.releaseOrder(account, ref);
      answer = (await adapter.orderStatus(account, ref)) ?? answer;
      if (answer.status === 'PENDING') answer = { ...answer, status: 'REJECTED', error: answer.error ?? 'released after the fill timeout' };
    }

    if (!answer || answer.status === 'PENDING') {
      if (round >= SETTLE_MAX_ROUNDS) {
        if (leg === 'open') await this.failPending(p, `no fill observed after ${round} checks`, traceId);
        return { status: leg === 'open' ? 'FAILED' : 'OPEN' };
      }
      await this.scheduler.schedule(positionId, leg, round + 1, reason, traceId);
      return { status: 'PENDING' };
    }
    await this.ledger.record([{ venue: p.venue, clientOrderId: cloid, answer }]);

    if (leg === 'close') {
      if (answer.status !== 'FILLED') throw new UnrecoverableError(`close order refused: ${answer.error ?? 'unknown'}`);
      await this.closing.finish(p, answer, reason ?? 'closed', traceId);
      await this.closing.handOff(p.id, traceId);
      return { status: 'CLOSED' };
    }
    if (answer.status !== 'FILLED') {
      await this.failPending(p, `ORDER_REJECTED: ${answer.error ?? 'refused by the venue'}`, traceId);
      return { status: 'FAILED' };
    }
    const signal = await first<{ risk_model: RiskModel; max_leverage: number | null }>(
      this.ds,
      `SELECT s.risk_model, m.max_leverage FROM signals_v3 s
         LEFT JOIN venue_markets m ON m.venue = $2 AND m.token_symbol = $3 WHERE s.id = $1`,
      [p.signal_id, p.venue, p.token_symbol],
    );
    const levels = positionLevels(p.side, answer.avgPrice!, signal?.risk_model ?? { type: 'none' });
    // The liquidation price follows the entry: taken again at the fill (the leverage is the one the order was sent with).
    const liquidationPrice = p.leverage ? positionLiquidation(p.side, answer.avgPrice!, p.leverage, signal?.max_leverage) : null;
    await this.ds.transaction(async (em) => {
      const fill = { qty: answer.filledQty, entryPrice: toMoney(answer.avgPrice!), ...levels, liquidationPrice };
      await confirmOpen(em, p, fill, {
        mode: adapter.mode,
        fee: answer.fee,
        clientOrderId: cloid,
        venueOrderId: answer.venueOrderId,
        traceId,
      });
      await markOpened(em, [{ signalId: p.signal_id, deploymentId: p.deployment_id, positionId }]);
      await stampExecuted(em, [p.signal_id]);
    });
    await settleSignals(this.ds, [p.signal_id]);
    return { status: 'OPEN' };
  }

  /** The awaited open never filled: the position FAILED, and so its deployment's outcome, with the reason. */
  private async failPending(p: PositionRow, reason: string, traceId?: string): Promise<void> {
    await this.ds.transaction((em) => failPosition(em, p.id, reason, traceId));
    await failOutcome(this.ds, p.signal_id, p.deployment_id, reason);
    await settleSignals(this.ds, [p.signal_id]);
  }
}
