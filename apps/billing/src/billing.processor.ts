import { randomUUID } from 'crypto';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { audit } from '@conduit/db';
import { profitShare, toMoney } from '@conduit/domain';
import {
  collectJobOptions,
  JobHandlers,
  JobName,
  jobId,
  JobProducer,
  QueueName,
  QueueProcessor,
  syncJobScheduler,
  UnknownSubjectError,
  WORKER_OPTIONS,
} from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { Collector, HyperliquidUsdSendCollector, PaperLedgerCollector } from './collector';
import { PnlSnapshots } from './snapshots';

const SUBSCRIPTIONS_SCHEDULER = 'subscriptions';
const SNAPSHOT_SCHEDULER = 'pnl-snapshot';

/**
 * Billing.
 * - Profit share: a PROFIT_SHARE event for the agent's share (or PROFIT_SHARE_PCT) of each closed position's
 *   positive realized PnL, payable to the agent's profit receiver; none for a loss. Exactly one per position
 *   (partial unique index uq_billing_v3_profit_share_position).
 * - Subscriptions: after the trial, one SUBSCRIPTION event per deployment and period (unique on deployment and
 *   period_start), next_billing_at advanced in the same statement; a scheduler runs it.
 * - Collection: each event PENDING → COLLECTED through a collector (the paper ledger for paper deployments),
 *   retried with exponential backoff; after the last attempt FAILED with the reason in metadata, and a failed
 *   subscription turns sub_active off (Agent How then stops new entries once the trial is over).
 */
@Processor(QueueName.Billing, WORKER_OPTIONS)
export class BillingProcessor extends QueueProcessor<QueueName.Billing> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Billing;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly paper: PaperLedgerCollector,
    private readonly live: HyperliquidUsdSendCollector,
    private readonly snapshots: PnlSnapshots,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Billing> {
    return {
      [JobName.BillingPositionClosed]: (d) => this.positionClosed(d.positionId, d.traceId),
      [JobName.BillingSubscriptions]: () => this.subscriptions(),
      [JobName.BillingCollect]: (d) => this.collect(d.billingEventId, d.traceId),
      [JobName.BillingPnlSnapshot]: (d) => this.snapshots.snapshot(d.day),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.producer.queue(QueueName.Billing);
    await syncJobScheduler(queue, SUBSCRIPTIONS_SCHEDULER, this.env.BILLING_INTERVAL_MS, JobName.BillingSubscriptions);
    // Today's snapshot as often; a finished day keeps its last one.
    await syncJobScheduler(queue, SNAPSHOT_SCHEDULER, this.env.BILLING_INTERVAL_MS, JobName.BillingPnlSnapshot);
  }

  async positionClosed(positionId: string, traceId?: string): Promise<{ billed: boolean; amount?: string; reason?: string }> {
    const [p] = await this.ds.query(
      `SELECT p.status, p.pnl, p.deployment_id, a.id AS agent_id, a.profit_receiver_address, a.profit_share_pct::text AS profit_share_pct
         FROM positions_v3 p
         JOIN agent_deployments_v3 d ON d.id = p.deployment_id
         JOIN agents_v3 a ON a.id = d.agent_id
        WHERE p.id = $1`,
      [positionId],
    );
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if (p.status !== 'CLOSED' || p.pnl === null) throw new Error(`position ${positionId} is not closed yet`); // retried

    const sharePct = p.profit_share_pct ?? this.env.PROFIT_SHARE_PCT;
    const amount = profitShare(p.pnl, sharePct);
    if (amount.lte(0)) return { billed: false, reason: `realized PnL ${p.pnl} is not a profit` };

    const billed = await this.ds.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO billing_events_v3 (position_id, deployment_id, kind, amount, asset, status, metadata)
         VALUES ($1, $2, 'PROFIT_SHARE', $3, 'USDC', 'PENDING', $4)
         ON CONFLICT (position_id) WHERE kind = 'PROFIT_SHARE' DO NOTHING RETURNING id`,
        [
          positionId,
          p.deployment_id,
          toMoney(amount),
          { realized_pnl: p.pnl, share_pct: sharePct, receiver: p.profit_receiver_address, agent_id: p.agent_id },
        ],
      );
      if (inserted.length) {
        await audit(
          em,
          'v3.bill.created',
          'billing_event',
          inserted[0].id,
          { kind: 'PROFIT_SHARE', position_id: positionId, amount: toMoney(amount) },
          traceId,
        );
      }
      const [row] = await em.query(`SELECT id FROM billing_events_v3 WHERE position_id = $1 AND kind = 'PROFIT_SHARE'`, [positionId]);
      return row.id as string;
    });
    await this.emitCollect(billed, traceId);
    return { billed: true, amount: toMoney(amount) };
  }

  private async emitCollect(billingEventId: string, traceId?: string) {
    await this.producer.emit({
      name: JobName.BillingCollect,
      data: { billingEventId, traceId },
      jobId: jobId(JobName.BillingCollect, billingEventId),
      opts: collectJobOptions(this.env),
    });
  }

  /**
   * Bills every deployment (not STOPPED) whose next_billing_at has passed: one SUBSCRIPTION event for the period
   * starting then, and next_billing_at one period later, in one statement. A deployment several periods behind
   * gets one event per period (the loop). Rows are locked, not skipped: a collection holding a deployment's row
   * only delays it, and a concurrent run waits, then finds next_billing_at moved (the unique index is the backstop).
   */
  async subscriptions(): Promise<{ billed: number }> {
    let billed = 0;
    // An automated action starts its own trace: every bill of this run and its collection carry it.
    const traceId = randomUUID();
    for (let round = 0; round < 100; round++) {
      const rows: { id: string; deployment_id: string; amount: string; period_start: Date }[] = await this.ds.query(
        `WITH due AS (
           SELECT id, next_billing_at FROM agent_deployments_v3
            WHERE status <> 'STOPPED' AND next_billing_at IS NOT NULL AND next_billing_at <= now()
            ORDER BY next_billing_at LIMIT 500 FOR UPDATE),
         advanced AS (
           UPDATE agent_deployments_v3 d SET next_billing_at = due.next_billing_at + $2::interval FROM due WHERE d.id = due.id RETURNING
             d.id)
         INSERT INTO billing_events_v3 (deployment_id, kind, amount, asset, status, period_start, metadata)
         SELECT due.id, 'SUBSCRIPTION', $1::numeric, 'USDC', 'PENDING', due.next_billing_at,
                jsonb_build_object('period', $2::text, 'period_end', due.next_billing_at + $2::interval)
           FROM due JOIN advanced ON advanced.id = due.id
         ON CONFLICT (deployment_id, period_start) WHERE kind = 'SUBSCRIPTION' DO NOTHING
         RETURNING id, deployment_id, amount::text, period_start`,
        [toMoney(this.env.SUBSCRIPTION_PRICE_USD), this.env.SUBSCRIPTION_PERIOD],
      );
      if (!rows.length) break;
      billed += rows.length;
      for (const r of rows) {
        await audit(
          this.ds.manager,
          'v3.bill.created',
          'billing_event',
          r.id,
          { kind: 'SUBSCRIPTION', deployment_id: r.deployment_id, amount: r.amount, period_start: r.period_start },
          traceId,
        );
        await this.emitCollect(r.id, traceId);
      }
    }
    return { billed };
  }

  /** One collection attempt; a refusal throws so BullMQ retries it with backoff, and the last one records FAILED. */
  async collect(billingEventId: string, traceId?: string): Promise<{ status: string; reason?: string }> {
    const outcome = await this.ds.transaction(async (em): Promise<{ status: string; reason?: string }> => {
      const [b] = await em.query(
        `SELECT b.id, b.deployment_id, b.amount::text AS amount, b.status, b.kind, b.metadata, d.trading_mode
           FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
          WHERE b.id = $1 FOR UPDATE OF d, b`,
        [billingEventId],
      );
      if (!b) throw new UnknownSubjectError(`unknown billing event ${billingEventId}`);
      if (b.status !== 'PENDING') return { status: b.status };
      const collector: Collector = b.trading_mode === 'live' ? this.live : this.paper;
      const result = await collector.collect(em, {
        id: b.id,
        kind: b.kind,
        deploymentId: b.deployment_id,
        amount: b.amount,
        tradingMode: b.trading_mode,
        metadata: b.metadata ?? {},
      });
      if (result.status === 'PENDING') {
        await em.query(`UPDATE billing_events_v3 SET metadata = COALESCE(metadata, '{}'::jsonb) || $2 WHERE id = $1`, [
          b.id,
          { collector: collector.name, note: result.reason, ...(result.metadata ?? {}) },
        ]);
        return { status: 'PENDING', reason: result.reason };
      }
      if (result.status === 'REFUSED') return { status: 'REFUSED', reason: result.reason };
      await em.query(
        `UPDATE billing_events_v3 SET status = 'COLLECTED', metadata = COALESCE(metadata, '{}'::jsonb) || $2 WHERE id = $1 AND status =
          'PENDING'`,
        [b.id, { collector: collector.name, reference: result.reference, collected_at: new Date().toISOString() }],
      );
      await audit(em, 'v3.bill.collected', 'billing_event', b.id, { kind: b.kind, amount: b.amount, collector: collector.name }, traceId);
      return { status: 'COLLECTED' };
    });
    if (outcome.status !== 'REFUSED') return outcome;
    // Every refusal is kept (the gateway answers a payer with it); the job is retried with backoff.
    await this.ds.query(
      `UPDATE billing_events_v3 SET metadata = COALESCE(metadata, '{}'::jsonb) || $2 WHERE id = $1 AND status = 'PENDING'`,
      [billingEventId, { last_error: outcome.reason, last_attempt_at: new Date().toISOString() }],
    );
    throw new Error(outcome.reason);
  }

  /** After the last attempt: FAILED with the reason; a failed subscription ends the deployment's subscription. */
  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    if (job.name !== JobName.BillingCollect) return;
    await this.ds.transaction(async (em) => {
      const failed = await em.query(
        `WITH u AS (UPDATE billing_events_v3 SET status = 'FAILED',
                           metadata = COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('failure_reason', $2::text, 'attempts', $3::int)
                     WHERE id = $1 AND status = 'PENDING' RETURNING id, kind, deployment_id) SELECT * FROM u`,
        [job.data.billingEventId, err.message, job.attemptsMade + 1],
      );
      if (!failed.length) return;
      await audit(em, 'v3.bill.failed', 'billing_event', failed[0].id, { kind: failed[0].kind, reason: err.message }, job.data.traceId);
      if (failed[0].kind === 'SUBSCRIPTION') {
        await em.query(`UPDATE agent_deployments_v3 SET sub_active = FALSE WHERE id = $1`, [failed[0].deployment_id]);
        await audit(
          em,
          'v3.deployment.subscription_lapsed',
          'deployment',
          failed[0].deployment_id,
          { billing_event_id: failed[0].id },
          job.data.traceId,
        );
      }
    });
  }
}
