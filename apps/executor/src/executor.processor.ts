import { randomUUID } from 'crypto';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { Env } from '@conduit/config';
import { audit } from '@conduit/db';
import Decimal from 'decimal.js';
import {
  checkExit,
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
  TrailingParams,
  walkStep,
} from '@conduit/domain';
import {
  EXECUTOR_WORKER_OPTIONS,
  JobHandlers,
  JobName,
  jobId,
  JobProducer,
  QueueName,
  QueueProcessor,
  syncJobScheduler,
  UnknownSubjectError,
} from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { OrderResult, OrderSide, TradingAccount, VenueAdapter } from '@conduit/venue';
import { TradingAccounts } from './accounts';
import { MarketSync } from './market-sync';
import { OpenBatcher, OpenRow, Permits } from './open-batch';
import { Reconciler } from './reconciler';

const PAPER_WALK_SCHEDULER = 'paper-walk';
const MONITOR_SCHEDULER = 'position-monitor';
const VENUE_SYNC_SCHEDULER = 'venue-sync';
const RECONCILE_SCHEDULER = 'reconcile';
/** How often an asynchronous fill is checked, and how many checks before giving up (the adapter times out first). */
const SETTLE_EVERY_MS = 1000;
const SETTLE_MAX_ROUNDS = 3600;

interface OrderLeg {
  adapter: VenueAdapter;
  account: TradingAccount;
  cloid: string;
  deploymentId: string;
  signalId: string;
  positionId: string | null;
  symbol: string;
  side: OrderSide;
  qty: string;
  reduceOnly: boolean;
  referencePrice?: string;
  leverage?: number;
  takeProfit?: string | null;
  stopLoss?: string | null;
  /** Closing an Ostium trade: its slot. */
  closeSlot?: number | null;
  /** false: a FILLED answer is left for the caller to store in its own transaction (any other answer is stored here). */
  storeFilled?: boolean;
}

type StoredFill = OrderResult & { slot?: number };

interface StoredOrder {
  status: 'NEW' | 'PENDING' | 'FILLED' | 'REJECTED';
  qty: string;
  limit_price: string | null;
  filled_qty: string | null;
  avg_fill_price: string | null;
  fee: string | null;
  venue_order_id: string | null;
  venue_slot: number | null;
  error: string | null;
  stale: boolean;
}

/** What open() reads in one round trip (see ExecutorProcessor.openContext): the shared row, with the stored order. */
interface OpenContext extends OpenRow {
  existing_status: string | null;
  stored_order: StoredOrder | null;
}

/** The final answer in a stored order, or null while it has none (NEW: maybe sent; PENDING: awaiting a fill). */
function fillOf(cloid: string, o: StoredOrder | null): StoredFill | null {
  if (!o || o.status === 'NEW' || o.status === 'PENDING') return null;
  return {
    clientOrderId: cloid,
    status: o.status,
    filledQty: o.filled_qty!,
    avgPrice: o.avg_fill_price,
    fee: o.fee ?? '0',
    venueOrderId: o.venue_order_id,
    slot: o.venue_slot ?? undefined,
    error: o.error ?? undefined,
  };
}

/**
 * Executor: opens one position per (deployment, signal) on the routed venue and closes positions.
 * Exactly-once: the client order id is derived from (deployment, signal, leg) and stored before the order is
 * sent; a retry asks the venue for that id before placing anything; positions_v3 UNIQUE(deployment_id,
 * signal_id) and the conditional close are the final guarantees.
 */
@Processor(QueueName.Executor, EXECUTOR_WORKER_OPTIONS)
export class ExecutorProcessor extends QueueProcessor<QueueName.Executor> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Executor;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly accounts: TradingAccounts,
    private readonly marketSync: MarketSync,
    private readonly reconciler: Reconciler,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
    this.permits = new Permits(env.WORKER_CONCURRENCY);
    this.openBatch = new OpenBatcher(
      ds,
      accounts,
      env,
      (s, d, t) => this.permits.run(() => this.open(s, d, t)),
      (s) => this.finishSignal(s),
    );
  }

  /** The worker takes EXECUTOR_CONCURRENCY jobs at once; all but the batched opens share WORKER_CONCURRENCY permits. */
  private readonly permits: Permits;
  private readonly openBatch: OpenBatcher;

  override onModuleInit(): void {
    super.onModuleInit();
    if (this.worker) this.worker.concurrency = Math.max(this.env.EXECUTOR_CONCURRENCY, this.env.WORKER_CONCURRENCY);
  }

  protected handlers(): JobHandlers<QueueName.Executor> {
    return {
      // Opens running at the same time (a fan-out) are done together; see OpenBatcher.
      [JobName.ExecutorOpen]: (d) => this.openBatch.open(d.signalId, d.deploymentId, d.traceId),
      [JobName.ExecutorClose]: (d) => this.permits.run(() => this.close(d.positionId, d.reason, d.traceId)),
      [JobName.ExecutorMonitor]: () => this.permits.run(() => this.monitor()),
      [JobName.ExecutorPaperTick]: (_d, job) => this.permits.run(() => this.paperTick(job.timestamp)),
      [JobName.ExecutorSettle]: (d) => this.permits.run(() => this.settle(d.positionId, d.leg, d.round, d.reason, d.traceId)),
      [JobName.ExecutorVenueSync]: () => this.permits.run(() => this.marketSync.run()),
      // A scheduled or boot-time sweep starts its own trace: every adjustment it makes carries it.
      [JobName.ExecutorReconcile]: (d) => this.permits.run(() => this.reconcile(d.deploymentId, d.traceId ?? randomUUID())),
    };
  }

  /** The repeatable work, one BullMQ job scheduler each whatever the number of executor replicas. */
  async onApplicationBootstrap(): Promise<void> {
    const queue = this.producer.queue(QueueName.Executor);
    const live = (every: number) => (this.env.LIVE_TRADING ? every : 0);
    await syncJobScheduler(
      queue,
      PAPER_WALK_SCHEDULER,
      this.env.PAPER_RANDOM_WALK ? this.env.PAPER_WALK_INTERVAL_MS : 0,
      JobName.ExecutorPaperTick,
    );
    await syncJobScheduler(queue, MONITOR_SCHEDULER, this.env.MONITOR_INTERVAL_MS, JobName.ExecutorMonitor);
    // Live venues: market list/health sync and reconciliation.
    await syncJobScheduler(queue, VENUE_SYNC_SCHEDULER, live(this.env.VENUE_SYNC_INTERVAL_MS), JobName.ExecutorVenueSync);
    await syncJobScheduler(queue, RECONCILE_SCHEDULER, live(this.env.RECONCILE_INTERVAL_MS), JobName.ExecutorReconcile);
    // Reconcile once at start: whatever happened while no executor ran is adopted before new work.
    if (this.env.LIVE_TRADING) {
      await this.producer.emit({
        name: JobName.ExecutorReconcile,
        data: {},
        jobId: jobId(JobName.ExecutorReconcile, 'boot', String(Math.floor(Date.now() / 60_000))),
      });
    }
  }

  // ---- open -------------------------------------------------------------------------------------------

  async open(signalId: string, deploymentId: string, traceId?: string): Promise<{ outcome: string; positionId?: string; reason?: string }> {
    let context: OpenContext | undefined = await this.openContext(signalId, deploymentId);
    if (!context) throw new UnknownSubjectError(`no policy decision for signal ${signalId} × deployment ${deploymentId}`);
    if (context.outcome !== 'PENDING') return { outcome: context.outcome, positionId: context.position_id ?? undefined };

    // Failover: a venue that refuses the order (or cannot take it) hands the open to the next ranked venue the
    // deployment enables, as the router left them on the outcome; the last refusal is the recorded failure.
    for (;;) {
      try {
        // The first try uses what open() read; after a failover the venue (and so market and order) changed.
        const positionId = await this.openPosition(signalId, deploymentId, traceId, context);
        context = undefined;
        await this.finishSignal(signalId);
        return { outcome: 'OPENED', positionId };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err; // infrastructure: retried, recorded after the last attempt
        const why = `${err.code}: ${err.message}`;
        context = undefined;
        if (await this.failover(signalId, deploymentId, why, traceId)) continue;
        await this.recordFailure(signalId, deploymentId, why);
        return { outcome: 'FAILED', reason: err.message };
      }
    }
  }

  /** Moves a pending open to its next candidate venue; false when none is left. The trail stays in the reason. */
  private async failover(signalId: string, deploymentId: string, why: string, traceId?: string): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      const moved: { from: string | null; to: string }[] = await em.query(
        // (wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count])
        `WITH u AS (UPDATE signal_outcomes o
            SET venue = o.venue_candidates[1]::venue_v3_t, venue_candidates = o.venue_candidates[2:],
                reason = concat_ws('; ', o.reason, concat(o.venue, ' refused: ', $3::text, ' -> ', o.venue_candidates[1])), updated_at =
                  now()
           FROM (SELECT venue::text AS venue FROM signal_outcomes WHERE signal_id = $1 AND deployment_id = $2) old
          WHERE o.signal_id = $1 AND o.deployment_id = $2 AND o.outcome = 'PENDING' AND cardinality(o.venue_candidates) > 0
          RETURNING old.venue AS "from", o.venue::text AS "to") SELECT * FROM u`,
        [signalId, deploymentId, why.slice(0, 300)],
      );
      if (!moved.length) return false;
      await audit(
        em,
        'v3.order.failover',
        'signal',
        signalId,
        { deployment_id: deploymentId, from: moved[0].from, to: moved[0].to, reason: why },
        traceId,
      );
      return true;
    });
  }

  /**
   * Everything an open reads, in one round trip: the outcome, the signal with the deployment's final size and
   * venue, the market, the position and the order an earlier attempt may have left, and the realized PnL a paper
   * equity adds. Undefined when the signal × deployment has no outcome (no policy decision).
   */
  private async openContext(signalId: string, deploymentId: string): Promise<OpenContext | undefined> {
    const [row] = await this.ds.query(
      `SELECT o.outcome, o.position_id,
              s.token_symbol, s.side, COALESCE(pd.size_model, s.size_model) AS size_model, s.risk_model,
              COALESCE(o.venue, s.final_venue)::text AS final_venue,
              m.metadata->>'szDecimals' AS sz_decimals, m.min_position, m.max_leverage,
              p.id AS existing_id, p.status AS existing_status,
              CASE WHEN vo.id IS NOT NULL THEN json_build_object(
                'status', vo.status, 'qty', vo.qty::text, 'limit_price', vo.limit_price::text, 'filled_qty', vo.filled_qty::text,
                'avg_fill_price', vo.avg_fill_price::text, 'fee', vo.fee::text, 'venue_order_id', vo.venue_order_id,
                'venue_slot', vo.venue_slot, 'error', vo.error, 'stale', vo.updated_at < now() - interval '60 seconds') END AS stored_order,
              (SELECT COALESCE(sum(c.pnl), 0)::text FROM positions_v3 c WHERE c.deployment_id = $2 AND c.status = 'CLOSED') AS realized,
              d.trading_mode, d.user_wallet
         FROM signal_outcomes o
         JOIN signals_v3 s ON s.id = o.signal_id
         LEFT JOIN agent_deployments_v3 d ON d.id = o.deployment_id
         LEFT JOIN policy_decisions pd ON pd.signal_id = s.id AND pd.deployment_id = $2
         LEFT JOIN venue_markets m ON m.venue = COALESCE(o.venue, s.final_venue) AND m.token_symbol = s.token_symbol
         LEFT JOIN positions_v3 p ON p.deployment_id = $2 AND p.signal_id = $1
         LEFT JOIN venue_orders vo ON vo.venue = COALESCE(o.venue, s.final_venue) AND vo.client_order_id = $3
        WHERE o.signal_id = $1 AND o.deployment_id = $2`,
      [signalId, deploymentId, clientOrderId(deploymentId, signalId, 'open')],
    );
    return row;
  }

  private async openPosition(signalId: string, deploymentId: string, traceId?: string, context?: OpenContext): Promise<string> {
    const row = context ?? (await this.openContext(signalId, deploymentId));
    if (!row) throw new UnknownSubjectError(`signal ${signalId} vanished`);
    // Retried like any error (the router records the venue before it fans out); FAILED after the last attempt.
    if (!row.final_venue) throw new Error(`signal ${signalId} has no venue yet`);

    // A previous attempt may have opened it already (or left it waiting for an asynchronous fill).
    const existing = row.existing_id ? { id: row.existing_id, status: row.existing_status } : undefined;
    if (existing?.status === 'PENDING') {
      await this.scheduleSettle(existing.id, 'open', 0, undefined, traceId);
      return existing.id;
    }
    if (existing) {
      await this.markOpened(this.ds.manager, signalId, deploymentId, existing.id);
      return existing.id;
    }

    // A paper deployment's account from the row just read; anything else (live keys, no adapter) through resolve().
    const paper = row.trading_mode === 'paper' && row.user_wallet ? this.accounts.paper(row.final_venue, row.user_wallet) : null;
    const { adapter, account, mode } = paper ?? (await this.accounts.resolve(deploymentId, row.final_venue));
    const side = row.side;
    const sizeModel = row.size_model as SizeModel;
    const riskModel = row.risk_model as RiskModel;
    const cloid = clientOrderId(deploymentId, signalId, 'open');
    let fill = fillOf(cloid, row.stored_order);
    let mark: string | undefined;
    if (!fill) {
      const px = await adapter.markPrice(row.token_symbol);
      if (!px) throw new DomainError('NO_PRICE', `no mark price for ${row.token_symbol} on ${row.final_venue}`);
      mark = px.toString();
      const size = sizePosition({
        equity: await this.equity(mode, adapter, account.address, row.realized),
        sizeModel,
        price: px,
        sizeDecimals: row.sz_decimals != null ? Number(row.sz_decimals) : 8,
        minNotional: row.min_position,
      });
      const leverage = Math.max(1, Math.min(Number(sizeModel.leverage ?? 1), Number(row.max_leverage ?? 1) || 1));
      const wanted = riskLevels(side, px, riskModel);
      // Live margin follows the signal's leverage (capped by the market's); Ostium takes it per trade instead.
      if (mode === 'live') await adapter.setLeverage(account, row.token_symbol, leverage);
      fill = await this.sendOrder({
        adapter,
        account,
        cloid,
        deploymentId,
        signalId,
        positionId: null,
        symbol: row.token_symbol,
        side: side === 'LONG' ? 'BUY' : 'SELL',
        qty: toMoney(size.qty),
        reduceOnly: false,
        referencePrice: mark,
        leverage,
        takeProfit: wanted.takeProfit ? toMoney(wanted.takeProfit) : null,
        stopLoss: wanted.stopLoss ? toMoney(wanted.stopLoss) : null,
        // A fill is stored with the position below, in one commit (a crash in between: the retry asks the venue).
        storeFilled: false,
      });
    }
    if (fill.status === 'REJECTED') throw new DomainError('ORDER_REJECTED', fill.error ?? 'rejected by the venue');

    const pending = fill.status === 'PENDING';
    // A pending order (oracle-filled venue) gets a PENDING position at the wanted price until the fill is seen.
    const stored = pending ? await this.storedOrder(row.final_venue, cloid) : null;
    const entry = pending ? (mark ?? stored!.limit_price!) : fill.avgPrice!;
    const qty = pending ? stored!.qty : fill.filledQty;
    const risk = riskLevels(side, entry, riskModel);
    const positionId = await this.ds.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price, current_price,
                                   stop_loss, take_profit, trailing_params, status, entry_tx_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (deployment_id, signal_id) DO NOTHING RETURNING id`,
        [
          deploymentId,
          signalId,
          row.final_venue,
          row.token_symbol,
          side,
          qty,
          toMoney(entry),
          risk.stopLoss ? toMoney(risk.stopLoss) : null,
          risk.takeProfit ? toMoney(risk.takeProfit) : null,
          risk.trailingParams,
          pending ? 'PENDING' : 'OPEN',
          fill.venueOrderId,
        ],
      );
      const id: string =
        inserted[0]?.id ??
        (await em.query(`SELECT id FROM positions_v3 WHERE deployment_id = $1 AND signal_id = $2`, [deploymentId, signalId]))[0].id;
      if (pending) {
        await em.query(`UPDATE venue_orders SET position_id = $3 WHERE venue = $1 AND client_order_id = $2`, [row.final_venue, cloid, id]);
        return id;
      }
      await this.storeOrderResult(row.final_venue!, cloid, fill!, id, em);
      await this.markOpened(em, signalId, deploymentId, id);
      if (inserted.length) {
        await audit(
          em,
          'v3.position.opened',
          'position',
          id,
          {
            deployment_id: deploymentId,
            signal_id: signalId,
            venue: row.final_venue,
            mode,
            token: row.token_symbol,
            side,
            qty: fill!.filledQty,
            entry_price: fill!.avgPrice,
            fee: fill!.fee,
            client_order_id: cloid,
          },
          traceId,
        );
      }
      return id;
    });
    if (pending) await this.scheduleSettle(positionId, 'open', 0, undefined, traceId);
    return positionId;
  }

  private async markOpened(em: EntityManager, signalId: string, deploymentId: string, positionId: string) {
    await em.query(
      `UPDATE signal_outcomes SET outcome = 'OPENED', stage = 'executor', position_id = $3, updated_at = now()
        WHERE signal_id = $1 AND deployment_id = $2 AND outcome = 'PENDING'`,
      [signalId, deploymentId, positionId],
    );
    // Only the first open of a signal writes (and locks) its row: a fan-out's opens do not queue behind one another.
    await em.query(`UPDATE signals_v3 SET executed_at = now() WHERE id = $1 AND executed_at IS NULL`, [signalId]);
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
          SET status = CASE WHEN EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'OPENED') THEN 'EXECUTED'
            ELSE 'FAILED' END,
              skipped_reason = CASE WHEN EXISTS (SELECT 1 FROM signal_outcomes o WHERE o.signal_id = s.id AND o.outcome = 'OPENED') THEN
                s.skipped_reason
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

  /**
   * Equity a percentage size is taken of: live, the venue's account value of the user; paper, the starting
   * balance plus realized PnL of the deployment's closed positions.
   */
  private async equity(mode: string, adapter: VenueAdapter, address: string, realized: string): Promise<string> {
    if (mode === 'live') return (await adapter.accountState(address)).equity;
    return dec(this.env.PAPER_STARTING_EQUITY_USD).plus(realized).toString();
  }

  // ---- orders ------------------------------------------------------------------------------------------

  /** Our record of an order under its client id (null before it was stored), with whether it is a minute old. */
  private async storedOrder(venue: string, cloid: string): Promise<StoredOrder | null> {
    const [o] = await this.ds.query(
      `SELECT status, qty, limit_price, filled_qty, avg_fill_price, fee, venue_order_id, venue_slot, error,
              updated_at < now() - interval '60 seconds' AS stale
         FROM venue_orders WHERE venue = $1 AND client_order_id = $2`,
      [venue, cloid],
    );
    return o ?? null;
  }

  /** A final answer already recorded for this client order id (a previous attempt got that far). */
  private async knownFill(venue: string, cloid: string): Promise<StoredFill | null> {
    return fillOf(cloid, await this.storedOrder(venue, cloid));
  }

  /**
   * Stores the order under its client id, asks the venue whether it already has it, and only then places it.
   * A venue without client ids reports its own id (a transaction hash) before submitting; it is stored at once
   * so the question can be asked after a crash too.
   */
  private async sendOrder(leg: OrderLeg): Promise<StoredFill> {
    const venue = leg.adapter.venue;
    // Stored (committed) before the venue hears of it; an earlier attempt's row is read back in the same statement.
    const [row]: { venue_order_id: string | null; stale: boolean }[] = await this.ds.query(
      `WITH ins AS (
         INSERT INTO venue_orders (client_order_id, deployment_id, signal_id, position_id, venue, token_symbol, side, reduce_only, qty,
           limit_price, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'NEW') ON CONFLICT (venue, client_order_id) DO NOTHING RETURNING venue_order_id)
       SELECT venue_order_id, FALSE AS stale FROM ins
       UNION ALL
       SELECT venue_order_id, updated_at < now() - interval '60 seconds' FROM venue_orders WHERE venue = $5 AND client_order_id = $1`,
      [
        leg.cloid,
        leg.deploymentId,
        leg.signalId,
        leg.positionId,
        venue,
        leg.symbol,
        leg.side,
        leg.reduceOnly,
        leg.qty,
        leg.referencePrice ?? null,
      ],
    );
    // Neither inserted nor visible: a concurrent attempt committed it after this statement's snapshot.
    const stored = row ?? (await this.storedOrder(venue, leg.cloid));
    const ref = { clientOrderId: leg.cloid, venueOrderId: stored?.venue_order_id ?? null, symbol: leg.symbol };
    const known = await leg.adapter.orderStatus(leg.account, ref);
    let result: StoredFill;
    if (known) {
      result = known;
    } else if (ref.venueOrderId && leg.adapter.mode === 'live' && !stored?.stale) {
      // Submitted moments ago and not visible yet: ask again later rather than submit a second time. A submitted
      // order the venue still does not know after a minute was lost in transit: it may be sent again.
      throw new Error(`order ${leg.cloid} was submitted as ${ref.venueOrderId} and is not visible yet`);
    } else {
      const onSubmitting = async (venueOrderId: string) => {
        await this.ds.query(`UPDATE venue_orders SET venue_order_id = $3, updated_at = now() WHERE venue = $1 AND client_order_id = $2`, [
          venue,
          leg.cloid,
          venueOrderId,
        ]);
      };
      result =
        leg.closeSlot != null
          ? await leg.adapter.closePosition(leg.account, leg.symbol, leg.cloid, this.env.ORDER_MAX_SLIPPAGE_BPS, leg.closeSlot)
          : await leg.adapter.placeOrder({
              clientOrderId: leg.cloid,
              account: leg.account,
              symbol: leg.symbol,
              side: leg.side,
              qty: leg.qty,
              reduceOnly: leg.reduceOnly,
              maxSlippageBps: this.env.ORDER_MAX_SLIPPAGE_BPS,
              referencePrice: leg.referencePrice,
              leverage: leg.leverage,
              takeProfit: leg.takeProfit,
              stopLoss: leg.stopLoss,
              onSubmitting,
            });
    }
    if (result.status !== 'FILLED' || leg.storeFilled !== false) await this.storeOrderResult(venue, leg.cloid, result);
    return result;
  }

  /** Records the venue's answer on the order (and the position it belongs to, when given). */
  private async storeOrderResult(
    venue: string,
    cloid: string,
    result: StoredFill,
    positionId?: string,
    em: EntityManager = this.ds.manager,
  ) {
    await em.query(
      `UPDATE venue_orders SET status = $3, filled_qty = $4, avg_fill_price = $5, fee = $6, venue_order_id = COALESCE($7, venue_order_id),
                               venue_slot = COALESCE($8, venue_slot), error = $9, position_id = COALESCE($10, position_id), updated_at =
                                 now()
        WHERE venue = $1 AND client_order_id = $2`,
      [
        venue,
        cloid,
        result.status,
        result.filledQty,
        result.avgPrice,
        result.fee,
        result.venueOrderId,
        result.slot ?? null,
        result.error ?? null,
        positionId ?? null,
      ],
    );
  }

  // ---- asynchronous fills --------------------------------------------------------------------------------

  private async scheduleSettle(positionId: string, leg: 'open' | 'close', round: number, reason?: string, traceId?: string) {
    await this.producer.emit({
      name: JobName.ExecutorSettle,
      data: { positionId, leg, round, reason, traceId },
      jobId: jobId(JobName.ExecutorSettle, positionId, leg, String(round)),
      opts: { delay: round === 0 ? 0 : SETTLE_EVERY_MS },
    });
  }

  /**
   * Follows a PENDING order (open or close) until the venue reports it filled or refused. The adapter turns an
   * order the oracle never fills into REJECTED after its timeout; the open then ends FAILED with that reason.
   */
  async settle(positionId: string, leg: 'open' | 'close', round: number, reason?: string, traceId?: string): Promise<{ status: string }> {
    const [p] = await this.ds.query(`SELECT * FROM positions_v3 WHERE id = $1`, [positionId]);
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if ((leg === 'open' && p.status !== 'PENDING') || (leg === 'close' && p.status !== 'OPEN')) return { status: p.status };
    const cloid = clientOrderId(p.deployment_id, p.signal_id, leg);
    const order = await this.storedOrder(p.venue, cloid);
    const { adapter, account } = await this.accounts.resolve(p.deployment_id, p.venue);
    const ref = { clientOrderId: cloid, venueOrderId: order?.venue_order_id, symbol: p.token_symbol };
    let result = fillOf(cloid, order) ?? (await adapter.orderStatus(account, ref));
    if (result?.status === 'REJECTED' && leg === 'open' && adapter.releaseOrder) {
      // The venue could still fill a timed-out order: release it, then look once more (it may have filled meanwhile).
      await adapter.releaseOrder(account, ref);
      result = (await adapter.orderStatus(account, ref)) ?? result;
      if (result.status === 'PENDING') result = { ...result, status: 'REJECTED', error: result.error ?? 'released after the fill timeout' };
    }

    if (!result || result.status === 'PENDING') {
      if (round >= SETTLE_MAX_ROUNDS) {
        const why = `no fill observed after ${round} checks`;
        if (leg === 'open') await this.failPending(p, why, traceId);
        return { status: leg === 'open' ? 'FAILED' : 'OPEN' };
      }
      await this.scheduleSettle(positionId, leg, round + 1, reason, traceId);
      return { status: 'PENDING' };
    }
    await this.storeOrderResult(p.venue, cloid, result);

    if (leg === 'close') {
      if (result.status !== 'FILLED') throw new UnrecoverableError(`close order refused: ${result.error ?? 'unknown'}`);
      await this.finishClose(p, result, reason ?? 'closed', traceId);
      return { status: 'CLOSED' };
    }
    if (result.status !== 'FILLED') {
      await this.failPending(p, `ORDER_REJECTED: ${result.error ?? 'refused by the venue'}`, traceId);
      return { status: 'FAILED' };
    }
    const risk = riskLevels(p.side as Side, result.avgPrice!, (await this.riskModel(p.signal_id)) as RiskModel);
    await this.ds.transaction(async (em) => {
      const opened = await em.query(
        `WITH u AS (UPDATE positions_v3 SET status = 'OPEN', qty = $2, entry_price = $3, current_price = $3, stop_loss = $4, take_profit =
          $5,
                                          trailing_params = $6, opened_at = now()
                     WHERE id = $1 AND status = 'PENDING' RETURNING id) SELECT id FROM u`,
        [
          positionId,
          result.filledQty,
          result.avgPrice,
          risk.stopLoss ? toMoney(risk.stopLoss) : null,
          risk.takeProfit ? toMoney(risk.takeProfit) : null,
          risk.trailingParams,
        ],
      );
      await this.markOpened(em, p.signal_id, p.deployment_id, positionId);
      if (opened.length) {
        await audit(
          em,
          'v3.position.opened',
          'position',
          positionId,
          {
            deployment_id: p.deployment_id,
            signal_id: p.signal_id,
            venue: p.venue,
            token: p.token_symbol,
            side: p.side,
            qty: result.filledQty,
            entry_price: result.avgPrice,
            fee: result.fee,
            venue_order_id: result.venueOrderId,
          },
          traceId,
        );
      }
    });
    await this.finishSignal(p.signal_id);
    return { status: 'OPEN' };
  }

  private async riskModel(signalId: string): Promise<unknown> {
    const [s] = await this.ds.query(`SELECT risk_model FROM signals_v3 WHERE id = $1`, [signalId]);
    return s?.risk_model ?? { type: 'none' };
  }

  private async failPending(p: { id: string; signal_id: string; deployment_id: string }, reason: string, traceId?: string) {
    await this.ds.transaction(async (em) => {
      const failed = await em.query(
        `WITH u AS (UPDATE positions_v3 SET status = 'FAILED', exit_reason = $2, closed_at = now() WHERE id = $1 AND status = 'PENDING'
          RETURNING id)
         SELECT id FROM u`,
        [p.id, reason.slice(0, 500)],
      );
      if (failed.length) await audit(em, 'v3.position.failed', 'position', p.id, { reason }, traceId);
    });
    await this.recordFailure(p.signal_id, p.deployment_id, reason);
  }

  // ---- close -------------------------------------------------------------------------------------------

  async close(positionId: string, reason: string, traceId?: string): Promise<{ status: string; pnl: string | null }> {
    const [p] = await this.ds.query(`SELECT * FROM positions_v3 WHERE id = $1`, [positionId]);
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if (p.status === 'OPEN') {
      const { adapter, account } = await this.accounts.resolve(p.deployment_id, p.venue);
      const cloid = clientOrderId(p.deployment_id, p.signal_id, 'close');
      const open = await this.storedOrder(p.venue, clientOrderId(p.deployment_id, p.signal_id, 'open'));
      const fill =
        (await this.knownFill(p.venue, cloid)) ??
        (await this.sendOrder({
          adapter,
          account,
          cloid,
          deploymentId: p.deployment_id,
          signalId: p.signal_id,
          positionId,
          symbol: p.token_symbol,
          side: p.side === 'LONG' ? 'SELL' : 'BUY',
          qty: p.qty,
          reduceOnly: true,
          referencePrice: (await adapter.markPrice(p.token_symbol))?.toString(),
          closeSlot: open?.venue_slot ?? null,
        }));
      if (fill.status === 'PENDING') {
        await this.scheduleSettle(positionId, 'close', 0, reason, traceId);
        return { status: 'CLOSING', pnl: null };
      }
      if (fill.status !== 'FILLED') throw new Error(`close order rejected: ${fill.error ?? 'unknown'}`); // retried
      await this.finishClose(p, fill, reason, traceId);
    }
    const [after] = await this.ds.query(`SELECT status, pnl FROM positions_v3 WHERE id = $1`, [positionId]);
    return { status: after.status, pnl: after.pnl };
  }

  /** Records the close (once, whatever the races) and hands the position to billing. */
  private async finishClose(
    p: { id: string; side: string; qty: string; entry_price: string },
    fill: OrderResult,
    reason: string,
    traceId?: string,
  ) {
    const [{ fees }] = await this.ds.query(
      `SELECT COALESCE(sum(fee), 0)::text AS fees FROM venue_orders WHERE position_id = $1 AND status = 'FILLED'`,
      [p.id],
    );
    const pnl = realizedPnl({ side: p.side as Side, qty: p.qty, entryPrice: p.entry_price, exitPrice: fill.avgPrice!, fees });
    await this.ds.transaction(async (em) => {
      const closed = await em.query(
        `WITH u AS (UPDATE positions_v3 SET status = 'CLOSED', exit_price = $2, current_price = $2, exit_reason = $3, closed_at = now(),
                                       pnl = $4, exit_tx_hash = $5
                     WHERE id = $1 AND status = 'OPEN' RETURNING id) SELECT id FROM u`,
        [p.id, fill.avgPrice, reason, toMoney(pnl), fill.venueOrderId],
      );
      if (closed.length) {
        await audit(em, 'v3.position.closed', 'position', p.id, { exit_price: fill.avgPrice, reason, pnl: toMoney(pnl), fees }, traceId);
      }
    });
    await this.bill(p.id, traceId);
  }

  /**
   * Hands a closed position to billing and to Agent What (impact factors of the posts behind it). Emitted on
   * every attempt; the job ids make each once.
   */
  private async bill(positionId: string, traceId?: string) {
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

  // ---- position monitor ------------------------------------------------------------------------------

  /**
   * Every open position against its mark (paper: the market table; live: the venue's marks, one request per
   * venue): the trailing state moves with the best price, and a crossed stop, take profit, trailing stop or holding
   * time queues the position's close (one close job per position; the close itself is conditional, so two monitors
   * or a user's close racing it close it once). The rules are pure (libs/domain/src/exits.ts).
   */
  async monitor(): Promise<{ checked: number; closing: number; trailed: number }> {
    const open: {
      id: string;
      venue: string;
      token_symbol: string;
      side: Side;
      entry_price: string;
      stop_loss: string | null;
      take_profit: string | null;
      trailing_params: TrailingParams | null;
      opened_at: Date;
      trading_mode: 'paper' | 'live';
      paper_mark: string | null;
    }[] = await this.ds.query(
      `SELECT p.id, p.venue::text AS venue, p.token_symbol, p.side, p.entry_price, p.stop_loss, p.take_profit, p.trailing_params,
        p.opened_at,
              d.trading_mode,
              (SELECT m.current_price FROM venue_markets m WHERE m.token_symbol = p.token_symbol AND m.current_price IS NOT NULL
                ORDER BY (m.venue = p.venue) DESC, m.is_active DESC LIMIT 1) AS paper_mark
         FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
        WHERE p.status = 'OPEN'`,
    );
    const liveMarks = new Map<string, Map<string, Decimal>>();
    for (const venue of new Set(open.filter((p) => p.trading_mode === 'live').map((p) => p.venue))) {
      try {
        liveMarks.set(venue, await this.accounts.liveAdapter(venue).markPrices());
      } catch {
        // A venue that does not answer: its positions wait for the next round.
      }
    }
    const maxHoldMs = dec(this.env.MAX_HOLDING_HOURS).mul(3_600_000).toNumber();
    const now = new Date();
    const updates: { id: string; trail: TrailingParams | null; mark: string }[] = [];
    const exits: { id: string; reason: string }[] = [];
    for (const p of open) {
      const mark = p.trading_mode === 'live' ? liveMarks.get(p.venue)?.get(p.token_symbol)?.toString() : p.paper_mark;
      if (!mark) continue;
      const check = checkExit(
        {
          side: p.side,
          entryPrice: p.entry_price,
          stopLoss: p.stop_loss,
          takeProfit: p.take_profit,
          trailing: p.trailing_params,
          openedAt: p.opened_at,
        },
        mark,
        now,
        maxHoldMs,
      );
      updates.push({ id: p.id, trail: check.trailing, mark });
      if (check.exit) exits.push({ id: p.id, reason: check.exit });
    }
    if (updates.length) {
      await this.ds.query(
        `UPDATE positions_v3 p SET current_price = t.mark, trailing_params = COALESCE(t.trail, p.trailing_params)
           FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, trail jsonb, mark numeric)
          WHERE p.id = t.id AND p.status = 'OPEN'`,
        [JSON.stringify(updates)],
      );
    }
    await this.producer.emitBulk(
      // Each automated close starts its own trace (close, bill, collection carry it).
      exits.map((e) => ({
        name: JobName.ExecutorClose,
        data: { positionId: e.id, reason: e.reason, traceId: randomUUID() },
        jobId: jobId(JobName.ExecutorClose, e.id),
      })),
    );
    return { checked: open.length, closing: exits.length, trailed: updates.filter((u) => u.trail).length };
  }

  // ---- reconciliation --------------------------------------------------------------------------------

  async reconcile(deploymentId?: string, traceId?: string) {
    const report = await this.reconciler.run(deploymentId, traceId);
    for (const positionId of report.closedPositionIds) await this.bill(positionId, traceId);
    for (const positionId of report.pendingPositionIds) await this.scheduleSettle(positionId, 'open', 0, undefined, traceId);
    return report;
  }
  // ---- paper market ----------------------------------------------------------------------------------

  /** One step of the deterministic random walk for every paper mark; open positions follow their mark. */
  async paperTick(timestamp: number): Promise<{ moved: number }> {
    const tick = Math.floor(timestamp / this.env.PAPER_WALK_INTERVAL_MS);
    const markets: { id: string; token_symbol: string; current_price: string }[] = await this.ds.query(
      `SELECT id, token_symbol, current_price FROM venue_markets WHERE current_price IS NOT NULL AND is_active`,
    );
    const prices = markets.map((m) =>
      toMoney(walkStep(m.current_price, this.env.PAPER_WALK_SEED, m.token_symbol, tick, this.env.PAPER_WALK_STEP_BPS)),
    );
    await this.ds.query(
      `UPDATE venue_markets m SET current_price = v.p, last_synced = now() FROM unnest($1::uuid[], $2::numeric[]) AS v(id, p) WHERE m.id =
        v.id`,
      [markets.map((m) => m.id), prices],
    );
    await this.ds.query(
      `UPDATE positions_v3 p SET current_price = m.current_price FROM venue_markets m
        WHERE p.status = 'OPEN' AND m.venue = p.venue AND m.token_symbol = p.token_symbol AND m.current_price IS NOT NULL`,
    );
    return { moved: markets.length };
  }
}
