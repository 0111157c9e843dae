import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  audit,
  confirmOpen,
  exec,
  failOutcome,
  failOver,
  failPosition,
  findPosition,
  first,
  markOpened,
  PositionRow,
  rows,
  settleSignals,
  stampExecuted,
} from '@conduit/db';
import { clientOrderId, positionLevels, positionLiquidation, RiskModel, toMoney } from '@conduit/domain';
import { JobName, jobId, JobProducer, UnknownSubjectError } from '@conduit/queue';
import { TradingAccounts } from '../accounts/trading-accounts';
import { Closing } from '../closing/closing';
import { finalAnswer, OrderLedger } from '../orders/order-ledger';
import { Leg, SETTLE_MAX_ROUNDS, SettleScheduler } from './settle-scheduler';

/**
 * Follows an order the venue fills asynchronously (open or close) until the venue reports it filled or refused: a
 * PENDING position becomes OPEN at the fill (or FAILED with the venue's reason), an OPEN one with a pending close
 * becomes CLOSED. The adapter turns an order the oracle never fills into REJECTED after its timeout. An open the venue
 * refuses later (a GMX order cancelled or frozen, a keeper or oracle that never fills it) fails over as a refusal at
 * the time of sending does (Opening.failOver): to the deployment's next candidate venue, while one is left.
 */
@Injectable()
export class Settlement {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
    private readonly ledger: OrderLedger,
    private readonly scheduler: SettleScheduler,
    private readonly closing: Closing,
    private readonly producer: JobProducer,
  ) {}

  async settle(positionId: string, leg: Leg, round: number, reason?: string, traceId?: string): Promise<{ status: string }> {
    const p = await findPosition(this.ds, positionId);
    if (!p) {
      // Removed by a failover whose queued open a crash may have lost: queued again (the same job id, so once).
      if (await this.requeueFailover(positionId, traceId)) return { status: 'FAILED_OVER' };
      throw new UnknownSubjectError(`unknown position ${positionId}`);
    }
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
      const why = `ORDER_REJECTED: ${answer.error ?? 'refused by the venue'}`;
      if (await this.failOver(p, why, traceId)) return { status: 'FAILED_OVER' };
      await this.failPending(p, why, traceId);
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

  /**
   * The venue refused the awaited open and the deployment has another candidate venue: in one transaction the outcome
   * moves to it (its reason names the refusal), the position that never opened is removed (its refused order stays in
   * venue_orders, the refusal in the outcome's reason and the audit) so the next venue's open makes the deployment's
   * one position of the signal, and the open is queued again (once: its job id names the venue refused). False when
   * no candidate is left.
   */
  private async failOver(p: PositionRow, reason: string, traceId?: string): Promise<boolean> {
    const moved = await this.ds.transaction(async (em) => {
      const move = await failOver(em, p.signal_id, p.deployment_id, reason);
      if (!move) return null;
      await exec(em, `UPDATE venue_orders SET position_id = NULL WHERE position_id = $1`, [p.id]);
      const gone = await rows(em, `DELETE FROM positions_v3 WHERE id = $1 AND status = 'PENDING' RETURNING id`, [p.id]);
      if (!gone.length) throw new Error(`position ${p.id} is no longer PENDING; failover abandoned`);
      // Audited on the removed position (idx_audit_entity finds it again, requeueFailover).
      const payload = { signal_id: p.signal_id, deployment_id: p.deployment_id, from: move.from, to: move.to, reason };
      await audit(em, 'v3.order.failover', 'position', p.id, payload, traceId);
      return move;
    });
    if (!moved) return false;
    await this.queueOpen(p.signal_id, p.deployment_id, moved.from, traceId);
    return true;
  }

  private async requeueFailover(positionId: string, traceId?: string): Promise<boolean> {
    const done = await first<{ signal_id: string; deployment_id: string; from: string | null }>(
      this.ds,
      `SELECT payload->>'signal_id' AS signal_id, payload->>'deployment_id' AS deployment_id, payload->>'from' AS "from" FROM audit_logs
        WHERE entity_type = 'position' AND entity_id = $1 AND action = 'v3.order.failover' LIMIT 1`,
      [positionId],
    );
    if (!done) return false;
    await this.queueOpen(done.signal_id, done.deployment_id, done.from, traceId);
    return true;
  }

  private queueOpen(signalId: string, deploymentId: string, from: string | null, traceId?: string): Promise<unknown> {
    return this.producer.emit({
      name: JobName.ExecutorOpen,
      data: { signalId, deploymentId, ...(traceId ? { traceId } : {}) },
      jobId: jobId(JobName.ExecutorOpen, signalId, deploymentId, `after-${from ?? 'none'}`),
    });
  }

  /** The awaited open never filled: the position FAILED, and so its deployment's outcome, with the reason. */
  private async failPending(p: PositionRow, reason: string, traceId?: string): Promise<void> {
    await this.ds.transaction((em) => failPosition(em, p.id, reason, traceId));
    await failOutcome(this.ds, p.signal_id, p.deployment_id, reason);
    await settleSignals(this.ds, [p.signal_id]);
  }
}
