import { randomUUID } from 'crypto';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { Env } from '@conduit/config';
import {
  EXECUTOR_WORKER_OPTIONS,
  JobHandlers,
  JobName,
  jobId,
  JobProducer,
  QueueName,
  QueueProcessor,
  syncSchedules,
} from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { Closing } from './closing/closing';
import { PositionMonitor } from './monitor/position-monitor';
import { OpenBatcher } from './opening/open-batcher';
import { Opening } from './opening/opening';
import { PaperMarket } from './paper-market/paper-market';
import { VenuePermits } from './permits';
import { Reconciler } from './reconciliation/reconciler';
import { Settlement } from './settlement/settlement';
import { MarketSync } from './venues/market-sync';

/**
 * The executor's jobs, one handler each, and its schedules (libs/queue/src/schedules.ts). The work is in modules
 * named for their job: opening (one open path, batched), orders (the ledger and the sender), settlement of
 * asynchronous fills, closing, the position monitor, reconciliation with live venues, and the paper market.
 */
@Processor(QueueName.Executor, EXECUTOR_WORKER_OPTIONS)
export class ExecutorProcessor extends QueueProcessor<QueueName.Executor> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Executor;

  constructor(
    private readonly producer: JobProducer,
    private readonly opens: OpenBatcher,
    private readonly opening: Opening,
    private readonly closing: Closing,
    private readonly settlement: Settlement,
    private readonly monitor: PositionMonitor,
    private readonly reconciler: Reconciler,
    private readonly marketSync: MarketSync,
    private readonly paperMarket: PaperMarket,
    private readonly permits: VenuePermits,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  /** The worker takes EXECUTOR_CONCURRENCY jobs at once, so a fan-out's opens batch; everything else takes a permit. */
  override onModuleInit(): void {
    super.onModuleInit();
    if (this.worker) this.worker.concurrency = Math.max(this.env.EXECUTOR_CONCURRENCY, this.env.WORKER_CONCURRENCY);
  }

  protected handlers(): JobHandlers<QueueName.Executor> {
    const permit = <T>(task: () => Promise<T>) => this.permits.run(task);
    return {
      [JobName.ExecutorOpen]: (d) => this.opens.open(d),
      [JobName.ExecutorOpenMany]: (d) => this.opens.openMany(d.signalId, d.deploymentIds, d.traceId),
      [JobName.ExecutorClose]: (d) => permit(() => this.closing.close(d.positionId, d.reason, d.traceId)),
      [JobName.ExecutorMonitor]: () => permit(() => this.monitor.run()),
      [JobName.ExecutorPaperTick]: (_d, job) => permit(() => this.paperMarket.tick(job.timestamp)),
      [JobName.ExecutorSettle]: (d) => permit(() => this.settlement.settle(d.positionId, d.leg, d.round, d.reason, d.traceId)),
      [JobName.ExecutorVenueSync]: () => permit(() => this.marketSync.run()),
      // A scheduled or boot-time sweep starts its own trace: every adjustment it makes carries it.
      [JobName.ExecutorReconcile]: (d) => permit(() => this.reconciler.run(d.deploymentId, d.traceId ?? randomUUID())),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await syncSchedules(this.producer.queue(QueueName.Executor), QueueName.Executor, this.env);
    // Reconcile once at start: whatever happened while no executor ran is adopted before new work.
    if (this.env.LIVE_TRADING) {
      const minute = String(Math.floor(Date.now() / 60_000));
      await this.producer.emit({ name: JobName.ExecutorReconcile, data: {}, jobId: jobId(JobName.ExecutorReconcile, 'boot', minute) });
    }
  }

  /** After an open's last attempt: its deployments still waiting end FAILED at the executor with the reason. */
  protected override async onFinalFailure(job: Job, err: Error): Promise<void> {
    const reason = `executor gave up after ${job.attemptsMade + 1} attempt(s): ${err.message}`;
    if (job.name === JobName.ExecutorOpen) await this.opening.giveUp(job.data.signalId, [job.data.deploymentId], reason);
    if (job.name === JobName.ExecutorOpenMany) await this.opening.giveUp(job.data.signalId, job.data.deploymentIds, reason);
  }
}
