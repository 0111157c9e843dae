import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { Env } from '@conduit/config';
import { audit } from '@conduit/db';
import {
  clientOrderId,
  dec,
  DomainError,
  realizedPnl,
  RiskModel,
  riskLevels,
  Side,
  SizeModel,
  sizePosition,
  toMoney,
  walkStep,
} from '@conduit/domain';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { OrderResult, OrderSide, VenueAdapter, VenueRegistry } from '@conduit/venue';

const PAPER_WALK_SCHEDULER = 'paper-walk';

interface OrderLeg {
  em?: EntityManager;
  adapter: VenueAdapter;
  account: string;
  cloid: string;
  deploymentId: string;
  signalId: string;
  positionId: string | null;
  symbol: string;
  side: OrderSide;
  qty: string;
  reduceOnly: boolean;
}

/**
 * Executor: opens one position per (deployment, signal) on the routed venue and closes positions.
 * Exactly-once: the client order id is derived from (deployment, signal, leg) and stored before the order is
 * sent; a retry asks the venue for that id before placing anything; positions_v3 UNIQUE(deployment_id,
 * signal_id) and the conditional close are the final guarantees.
 */
@Processor(QueueName.Executor)
export class ExecutorProcessor extends QueueProcessor<QueueName.Executor> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Executor;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly venues: VenueRegistry,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Executor> {
    return {
      [JobName.ExecutorOpen]: (d) => this.open(d.signalId, d.deploymentId, d.traceId),
      [JobName.ExecutorClose]: (d) => this.close(d.positionId, d.reason, d.traceId),
      [JobName.ExecutorPaperTick]: (_d, job) => this.paperTick(job.timestamp),
    };
  }

  /** The paper mark walk runs as one BullMQ job scheduler, whatever the number of executor replicas. */
  async onApplicationBootstrap(): Promise<void> {
    const queue = this.producer.queue(QueueName.Executor);
    if (this.env.PAPER_RANDOM_WALK) {
      await queue.upsertJobScheduler(
        PAPER_WALK_SCHEDULER,
        { every: this.env.PAPER_WALK_INTERVAL_MS },
        { name: JobName.ExecutorPaperTick, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
      );
    } else {
      await queue.removeJobScheduler(PAPER_WALK_SCHEDULER);
    }
  }

  // ---- open -------------------------------------------------------------------------------------------

  async open(signalId: string, deploymentId: string, traceId?: string): Promise<{ outcome: string; positionId?: string; reason?: string }> {
    const [outcome] = await this.ds.query(`SELECT outcome, position_id FROM signal_outcomes WHERE signal_id = $1 AND deployment_id = $2`, [
      signalId,
      deploymentId,
    ]);
    if (!outcome) throw new UnrecoverableError(`no policy decision for signal ${signalId} × deployment ${deploymentId}`);
    if (outcome.outcome !== 'PENDING') return { outcome: outcome.outcome, positionId: outcome.position_id ?? undefined };

    try {
      const positionId = await this.openPosition(signalId, deploymentId, traceId);
      await this.finishSignal(signalId);
      return { outcome: 'OPENED', positionId };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err; // infrastructure: retried, recorded after the last attempt
      await this.recordFailure(signalId, deploymentId, `${err.code}: ${err.message}`);
      return { outcome: 'FAILED', reason: err.message };
    }
  }

  private async openPosition(signalId: string, deploymentId: string, traceId?: string): Promise<string> {
    const [row] = await this.ds.query(
      `SELECT s.token_symbol, s.side, s.size_model, s.risk_model, s.final_venue, d.user_wallet,
              m.metadata->>'szDecimals' AS sz_decimals, m.min_position
         FROM signals_v3 s
         JOIN agent_deployments_v3 d ON d.id = $2
         LEFT JOIN venue_markets m ON m.venue = s.final_venue AND m.token_symbol = s.token_symbol
        WHERE s.id = $1`,
      [signalId, deploymentId],
    );
    if (!row) throw new UnrecoverableError(`signal ${signalId} or deployment ${deploymentId} vanished`);
    if (!row.final_venue) throw new UnrecoverableError(`signal ${signalId} has no venue yet`);
    if (!this.venues.has(row.final_venue)) throw new DomainError('NO_ADAPTER', `no adapter for ${row.final_venue}`);

    // A previous attempt may have opened it already.
    const [existing] = await this.ds.query(`SELECT id FROM positions_v3 WHERE deployment_id = $1 AND signal_id = $2`, [deploymentId, signalId]);
    if (existing) {
      await this.markOpened(this.ds.manager, signalId, deploymentId, existing.id);
      return existing.id;
    }

    const adapter = this.venues.get(row.final_venue);
    const side = row.side as Side;
    const cloid = clientOrderId(deploymentId, signalId, 'open');
    let fill = await this.knownFill(row.final_venue, cloid);
    if (!fill) {
      const mark = await adapter.markPrice(row.token_symbol);
      if (!mark) throw new DomainError('NO_PRICE', `no mark price for ${row.token_symbol} on ${row.final_venue}`);
      const size = sizePosition({
        equity: await this.equity(deploymentId),
        sizeModel: row.size_model as SizeModel,
        price: mark,
        sizeDecimals: row.sz_decimals != null ? Number(row.sz_decimals) : 8,
        minNotional: row.min_position,
      });
      fill = await this.sendOrder({
        adapter,
        account: row.user_wallet,
        cloid,
        deploymentId,
        signalId,
        positionId: null,
        symbol: row.token_symbol,
        side: side === 'LONG' ? 'BUY' : 'SELL',
        qty: toMoney(size.qty),
        reduceOnly: false,
      });
    }
    if (fill.status !== 'FILLED') throw new DomainError('ORDER_REJECTED', fill.error ?? 'rejected by the venue');

    const risk = riskLevels(side, fill.avgPrice!, row.risk_model as RiskModel);
    return this.ds.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, current_price,
                                   stop_loss, take_profit, trailing_params, status, entry_tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, 'OPEN', $11)
         ON CONFLICT (deployment_id, signal_id) DO NOTHING RETURNING id`,
        [
          deploymentId,
          signalId,
          row.final_venue,
          row.token_symbol,
          side,
          fill.filledQty,
          fill.avgPrice,
          risk.stopLoss ? toMoney(risk.stopLoss) : null,
          risk.takeProfit ? toMoney(risk.takeProfit) : null,
          risk.trailingParams,
          fill.venueOrderId,
        ],
      );
      const positionId: string =
        inserted[0]?.id ?? (await em.query(`SELECT id FROM positions_v3 WHERE deployment_id = $1 AND signal_id = $2`, [deploymentId, signalId]))[0].id;
      await em.query(`UPDATE venue_orders SET position_id = $3 WHERE venue = $1 AND client_order_id = $2`, [row.final_venue, cloid, positionId]);
      await this.markOpened(em, signalId, deploymentId, positionId);
      if (inserted.length) {
        await audit(em, 'v3.position.opened', 'position', positionId, {
          deployment_id: deploymentId,
          signal_id: signalId,
          venue: row.final_venue,
          token: row.token_symbol,
          side,
          qty: fill.filledQty,
          entry_price: fill.avgPrice,
          fee: fill.fee,
        }, traceId);
      }
      return positionId;
    });
  }

  private async markOpened(em: EntityManager, signalId: string, deploymentId: string, positionId: string) {
    await em.query(
      `UPDATE signal_outcomes SET outcome = 'OPENED', stage = 'executor', position_id = $3, reason = NULL, updated_at = now()
        WHERE signal_id = $1 AND deployment_id = $2 AND outcome = 'PENDING'`,
      [signalId, deploymentId, positionId],
    );
    await em.query(`UPDATE signals_v3 SET executed_at = COALESCE(executed_at, now()) WHERE id = $1`, [signalId]);
  }

  private async recordFailure(signalId: string, deploymentId: string, reason: string) {
    await this.ds.query(
      `UPDATE signal_outcomes SET outcome = 'FAILED', stage = 'executor', reason = $3, updated_at = now()
        WHERE signal_id = $1 AND deployment_id = $2 AND outcome = 'PENDING'`,
      [signalId, deploymentId, reason.slice(0, 1000)],
    );
    await this.finishSignal(signalId);
  }

  /** Once no deployment of the signal is pending, the signal is EXECUTED (any opened) or FAILED. Run after commit. */
  private async finishSignal(signalId: string) {
    await this.ds.query(
      `UPDATE signals_v3 s
          SET status = CASE WHEN EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'OPENED') THEN 'EXECUTED' ELSE 'FAILED' END,
              skipped_reason = CASE WHEN EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'OPENED') THEN s.skipped_reason
                                    ELSE 'no position opened: see signal_outcomes' END
        WHERE s.id = $1 AND s.status = 'ROUTED'
          AND NOT EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'PENDING')`,
      [signalId],
    );
  }

  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    if (job.name === JobName.ExecutorOpen) {
      const { signalId, deploymentId } = job.data;
      await this.recordFailure(signalId, deploymentId, `executor gave up after ${job.attemptsMade + 1} attempt(s): ${err.message}`);
    }
  }

  /** Paper equity: the starting balance plus realized PnL of the deployment's closed positions. */
  private async equity(deploymentId: string): Promise<string> {
    const [{ realized }] = await this.ds.query(
      `SELECT COALESCE(sum(pnl), 0)::text AS realized FROM positions_v3 WHERE deployment_id = $1 AND status = 'CLOSED'`,
      [deploymentId],
    );
    return dec(this.env.PAPER_STARTING_EQUITY_USD).plus(realized).toString();
  }

  // ---- orders ------------------------------------------------------------------------------------------

  /** A fill already recorded for this client order id (a previous attempt got that far). */
  private async knownFill(venue: string, cloid: string): Promise<OrderResult | null> {
    const [o] = await this.ds.query(
      `SELECT status, filled_qty, avg_fill_price, fee, venue_order_id, error FROM venue_orders WHERE venue = $1 AND client_order_id = $2`,
      [venue, cloid],
    );
    if (!o || o.status === 'NEW') return null;
    return { clientOrderId: cloid, status: o.status, filledQty: o.filled_qty, avgPrice: o.avg_fill_price, fee: o.fee ?? '0', venueOrderId: o.venue_order_id, error: o.error ?? undefined };
  }

  /** Stores the order under its client id, asks the venue whether it already has it, and only then places it. */
  private async sendOrder(leg: OrderLeg): Promise<OrderResult> {
    const venue = leg.adapter.venue;
    await this.ds.query(
      `INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, position_id, venue, token_symbol, side, reduce_only, qty, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'NEW') ON CONFLICT (venue, client_order_id) DO NOTHING`,
      [leg.cloid, leg.deploymentId, leg.signalId, leg.positionId, venue, leg.symbol, leg.side, leg.reduceOnly, leg.qty],
    );
    const result =
      (await leg.adapter.orderStatus(leg.account, leg.cloid)) ??
      (await leg.adapter.placeOrder({
        clientOrderId: leg.cloid,
        account: leg.account,
        symbol: leg.symbol,
        side: leg.side,
        qty: leg.qty,
        reduceOnly: leg.reduceOnly,
        maxSlippageBps: '50',
      }));
    await this.ds.query(
      `UPDATE venue_orders SET status = $3, filled_qty = $4, avg_fill_price = $5, fee = $6, venue_order_id = $7, error = $8, updated_at = now()
        WHERE venue = $1 AND client_order_id = $2`,
      [venue, leg.cloid, result.status, result.filledQty, result.avgPrice, result.fee, result.venueOrderId, result.error ?? null],
    );
    return result;
  }

  // ---- close -------------------------------------------------------------------------------------------

  async close(positionId: string, reason: string, traceId?: string): Promise<{ status: string; pnl: string | null }> {
    const [p] = await this.ds.query(
      `SELECT p.*, d.user_wallet FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id WHERE p.id = $1`,
      [positionId],
    );
    if (!p) throw new UnrecoverableError(`unknown position ${positionId}`);
    if (p.status === 'OPEN') {
      if (!this.venues.has(p.venue)) throw new UnrecoverableError(`no adapter for ${p.venue}`);
      const cloid = clientOrderId(p.deployment_id, p.signal_id, 'close');
      const fill =
        (await this.knownFill(p.venue, cloid)) ??
        (await this.sendOrder({
          adapter: this.venues.get(p.venue),
          account: p.user_wallet,
          cloid,
          deploymentId: p.deployment_id,
          signalId: p.signal_id,
          positionId,
          symbol: p.token_symbol,
          side: p.side === 'LONG' ? 'SELL' : 'BUY',
          qty: p.qty,
          reduceOnly: true,
        }));
      if (fill.status !== 'FILLED') throw new Error(`close order rejected: ${fill.error ?? 'unknown'}`); // retried

      const [{ fees }] = await this.ds.query(
        `SELECT COALESCE(sum(fee), 0)::text AS fees FROM venue_orders WHERE position_id = $1 AND status = 'FILLED'`,
        [positionId],
      );
      const pnl = realizedPnl({ side: p.side, qty: p.qty, entryPrice: p.entry_price, exitPrice: fill.avgPrice!, fees });
      await this.ds.transaction(async (em) => {
        const closed = await em.query(
          `WITH u AS (UPDATE positions_v3 SET status = 'CLOSED', exit_price = $2, current_price = $2, exit_reason = $3, closed_at = now(),
                                         pnl = $4, exit_tx_hash = $5
                       WHERE id = $1 AND status = 'OPEN' RETURNING id) SELECT id FROM u`,
          [positionId, fill.avgPrice, reason, toMoney(pnl), fill.venueOrderId],
        );
        if (closed.length) {
          await audit(em, 'v3.position.closed', 'position', positionId, { exit_price: fill.avgPrice, reason, pnl: toMoney(pnl), fees }, traceId);
        }
      });
    }
    // Emitted on every attempt; the billing job id makes it once.
    await this.producer.emit({
      name: JobName.BillingPositionClosed,
      data: { positionId, traceId },
      jobId: jobId(JobName.BillingPositionClosed, positionId),
    });
    const [after] = await this.ds.query(`SELECT status, pnl FROM positions_v3 WHERE id = $1`, [positionId]);
    return { status: after.status, pnl: after.pnl };
  }

  // ---- paper market ----------------------------------------------------------------------------------

  /** One step of the deterministic random walk for every paper mark; open positions follow their mark. */
  async paperTick(timestamp: number): Promise<{ moved: number }> {
    const tick = Math.floor(timestamp / this.env.PAPER_WALK_INTERVAL_MS);
    const markets: { id: string; token_symbol: string; current_price: string }[] = await this.ds.query(
      `SELECT id, token_symbol, current_price FROM venue_markets WHERE current_price IS NOT NULL AND is_active`,
    );
    const prices = markets.map((m) => toMoney(walkStep(m.current_price, this.env.PAPER_WALK_SEED, m.token_symbol, tick, this.env.PAPER_WALK_STEP_BPS)));
    await this.ds.query(
      `UPDATE venue_markets m SET current_price = v.p, last_synced = now() FROM unnest($1::uuid[], $2::numeric[]) AS v(id, p) WHERE m.id = v.id`,
      [markets.map((m) => m.id), prices],
    );
    await this.ds.query(
      `UPDATE positions_v3 p SET current_price = m.current_price FROM venue_markets m
        WHERE p.status = 'OPEN' AND m.venue = p.venue AND m.token_symbol = p.token_symbol AND m.current_price IS NOT NULL`,
    );
    return { moved: markets.length };
  }
}
