import { randomUUID } from 'crypto';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { collectBill, createProfitShare, createSubscriptionBills, failBill, first, lockBillForCollection, noteBill } from '@conduit/db';
import { Clock, PositionStatus, profitShare, toMoney } from '@conduit/domain';
import {
  collectJobOptions,
  JobHandlers,
  JobName,
  jobId,
  JobProducer,
  QueueName,
  QueueProcessor,
  syncSchedules,
  UnknownSubjectError,
  WORKER_OPTIONS,
} from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { AgentPerformanceSnapshots } from './agent-performance';
import { DailyPerformance } from './daily-performance';
import { Collector, HyperliquidUsdSendCollector, PaperLedgerCollector } from './collector';
import { Retention } from './retention';
import { Reports } from './reports';
import { PnlSnapshots } from './snapshots';

/** Subscription bills per statement: a run bills every due deployment, this many at a time. */
const SUBSCRIPTION_BATCH = 500;

interface ClosedPosition {
  status: PositionStatus;
  pnl: string | null;
  deployment_id: string;
  agent_id: string;
  profit_receiver_address: string;
  profit_share_pct: string | null;
  book: boolean;
}

/**
 * Billing. Bills move through their lifecycle only in libs/db/src/lifecycle/bill.ts.
 * - Profit share: a PROFIT_SHARE bill for the agent's share (or PROFIT_SHARE_PCT) of each closed position's
 *   positive realized PnL, payable to the agent's profit receiver; none for a loss. Exactly one per position.
 * - Subscriptions: after the trial, one SUBSCRIPTION bill per deployment and period; a scheduler runs it.
 * - Collection: each bill PENDING → COLLECTED through a collector (the paper ledger for paper deployments), retried
 *   with exponential backoff; after the last attempt FAILED with the reason, and a failed subscription turns
 *   sub_active off (Agent How then stops new entries once the trial is over).
 * Beside the bills, the periodic bookkeeping: daily PnL snapshots, LLM traders' performance snapshots
 * (agent-performance.ts), seed 004's retention (retention.ts) and the 4h and daily reports (reports.ts).
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
    private readonly performance: AgentPerformanceSnapshots,
    private readonly retention: Retention,
    private readonly daily: DailyPerformance,
    private readonly reports: Reports,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Billing> {
    return {
      [JobName.BillingPositionClosed]: (d) => this.positionClosed(d.positionId, d.traceId),
      [JobName.BillingSubscriptions]: () => this.subscriptions(),
      [JobName.BillingCollect]: (d, job) => this.collect(d.billingEventId, d.traceId, (job?.attemptsMade ?? 0) + 1),
      [JobName.BillingPnlSnapshot]: (d) => this.snapshots.snapshot(d.day),
      [JobName.BillingAgentPerformance]: () => this.performance.snapshot(),
      [JobName.BillingRetention]: () => this.retention.run(),
      [JobName.BillingDailyPerformance]: () => this.daily.refresh(),
      [JobName.BillingReports]: (d) => this.reports.run(d),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await syncSchedules(this.producer.queue(QueueName.Billing), QueueName.Billing, this.env);
  }

  async positionClosed(positionId: string, traceId?: string): Promise<{ billed: boolean; amount?: string; reason?: string }> {
    const p = await first<ClosedPosition>(
      this.ds,
      `SELECT p.status, p.pnl::text AS pnl, p.deployment_id, a.id AS agent_id, a.profit_receiver_address,
              a.profit_share_pct::text AS profit_share_pct, d.book
         FROM positions_v3 p
         JOIN agent_deployments_v3 d ON d.id = p.deployment_id
         JOIN agents_v3 a ON a.id = d.agent_id
        WHERE p.id = $1`,
      [positionId],
    );
    if (!p) throw new UnknownSubjectError(`unknown position ${positionId}`);
    if (p.status !== 'CLOSED' || p.pnl === null) throw new Error(`position ${positionId} is not closed yet`); // retried

    if (p.book) return { billed: false, reason: "the agent's own book pays no profit share" };
    const sharePct = p.profit_share_pct ?? this.env.PROFIT_SHARE_PCT;
    const amount = profitShare(p.pnl, sharePct);
    if (amount.lte(0)) return { billed: false, reason: `realized PnL ${p.pnl} is not a profit` };
    const bill = {
      positionId,
      deploymentId: p.deployment_id,
      amount: toMoney(amount),
      metadata: { realized_pnl: p.pnl, share_pct: sharePct, receiver: p.profit_receiver_address, agent_id: p.agent_id },
    };
    const billId = await this.ds.transaction((em) => createProfitShare(em, bill, traceId));
    await this.emitCollect(billId, traceId);
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
   * Bills every deployment whose next_billing_at has passed, one SUBSCRIPTION per period (a deployment several
   * periods behind gets one per period, in the next rounds).
   */
  async subscriptions(): Promise<{ billed: number }> {
    let billed = 0;
    // An automated action starts its own trace: every bill of this run and its collection carry it.
    const traceId = randomUUID();
    const price = toMoney(this.env.SUBSCRIPTION_PRICE_USD);
    for (let round = 0; round < 100; round++) {
      const asOf = this.clock.now();
      const bills = await this.ds.transaction((em) =>
        createSubscriptionBills(em, price, this.env.SUBSCRIPTION_PERIOD, asOf, SUBSCRIPTION_BATCH, traceId),
      );
      if (!bills.length) break;
      billed += bills.length;
      for (const b of bills) await this.emitCollect(b.id, traceId);
    }
    return { billed };
  }

  /**
   * One collection attempt (`attempt`: the job's attempt number); a refusal throws so BullMQ retries it with backoff, and
   * the last one records FAILED. A collector's FAILED (a live usdSend the venue refused: its nonce cannot be submitted
   * again) records FAILED at once, and the job completes.
   */
  async collect(billingEventId: string, traceId?: string, attempt = 1): Promise<{ status: string; reason?: string }> {
    const outcome = await this.ds.transaction(async (em): Promise<{ status: string; reason?: string }> => {
      const b = await lockBillForCollection(em, billingEventId);
      if (!b) throw new UnknownSubjectError(`unknown billing event ${billingEventId}`);
      if (b.status !== 'PENDING') return { status: b.status };
      const collector: Collector = b.trading_mode === 'live' ? this.live : this.paper;
      const bill = {
        id: b.id,
        kind: b.kind,
        deploymentId: b.deployment_id!,
        amount: b.amount,
        tradingMode: b.trading_mode,
        userWallet: b.user_wallet,
        metadata: b.metadata ?? {},
      };
      const result = await collector.collect(em, bill);
      if (result.status === 'PENDING') {
        await noteBill(em, b.id, { collector: collector.name, note: result.reason, ...(result.metadata ?? {}) });
        return { status: 'PENDING', reason: result.reason };
      }
      if (result.status === 'REFUSED') return { status: 'REFUSED', reason: result.reason };
      if (result.status === 'FAILED') {
        await noteBill(em, b.id, { collector: collector.name, last_error: result.reason, last_attempt_at: this.clock.now().toISOString() });
        await failBill(em, b.id, result.reason, attempt, traceId);
        return { status: 'FAILED', reason: result.reason };
      }
      await collectBill(em, b, { collector: collector.name, reference: result.reference, collectedAt: this.clock.now() }, traceId);
      return { status: 'COLLECTED' };
    });
    if (outcome.status !== 'REFUSED') return outcome;
    // Every refusal is kept (the gateway answers a payer with it); the job is retried with backoff.
    await noteBill(this.ds, billingEventId, { last_error: outcome.reason, last_attempt_at: this.clock.now().toISOString() });
    throw new Error(outcome.reason);
  }

  /** After the last attempt: FAILED with the reason; a failed subscription ends the deployment's subscription. */
  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    if (job.name !== JobName.BillingCollect) return;
    await this.ds.transaction((em) => failBill(em, job.data.billingEventId, err.message, job.attemptsMade + 1, job.data.traceId));
  }
}
