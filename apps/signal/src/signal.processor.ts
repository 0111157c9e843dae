import { randomUUID } from 'crypto';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { rows } from '@conduit/db';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor, syncSchedules, WORKER_OPTIONS } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { PostClassification } from './classification';
import { SignalGeneration } from './generation';
import { ImpactFeedback } from './impact';
import { SignalStore } from './signal-store';
import { TraderCycle } from './trader/trader-cycle';
import { TraderSchedule } from './trader/trader-schedule';
import { WalletAnalysis } from './wallets/wallet-analysis';
import { WalletBias } from './wallets/wallet-bias';
import { WalletPoller } from './wallets/wallet-poller';
import { XPoller } from './x-poller';

/**
 * Agent What's consumers: stores proposed signals, classifies posts, generates each agent's signals from its
 * sources, polls X, feeds position outcomes back into impact factors, runs the llm_traders' cycles, and watches
 * smart-money wallets (poll, analyse each event, bias per asset).
 */
@Processor(QueueName.Signal, WORKER_OPTIONS)
export class SignalProcessor extends QueueProcessor<QueueName.Signal> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Signal;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly store: SignalStore,
    private readonly classification: PostClassification,
    private readonly generation: SignalGeneration,
    private readonly impact: ImpactFeedback,
    private readonly poller: XPoller,
    private readonly trader: TraderCycle,
    private readonly traderSchedule: TraderSchedule,
    private readonly walletPoller: WalletPoller,
    private readonly walletAnalysis: WalletAnalysis,
    private readonly walletBias: WalletBias,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Signal> {
    return {
      [JobName.SignalIngest]: (d) => this.store.ingest(d),
      [JobName.SignalClassifyPost]: (d) => this.classification.classify(d.postId, d.traceId),
      [JobName.SignalGenerate]: (d) => this.generation.generate(d.agentId, d.bucket, d.traceId),
      [JobName.SignalGenerateAll]: (_d, job) => this.generateAll(job.timestamp),
      [JobName.SignalPollX]: () => this.poller.poll(),
      [JobName.SignalPositionClosed]: (d) => this.impact.positionClosed(d.positionId),
      [JobName.SignalTraderCycle]: (d) => this.trader.run(d.agentId, d.slot, d.traceId),
      [JobName.SignalTraderCycles]: () => this.traderSchedule.due(),
      [JobName.SignalWalletPolls]: (_d, job) => this.walletPoller.pollAll(job.timestamp),
      [JobName.SignalWalletPoll]: (d) => this.walletPoller.poll(d.walletId, d.traceId),
      [JobName.SignalWalletAnalyse]: (d) => this.walletAnalysis.analyse(d.eventId, d.traceId),
      [JobName.SignalWalletBias]: (d) => this.walletBias.recompute(d.asset, d.traceId),
    };
  }

  /** The periodic generation and the X poll (libs/queue/src/schedules.ts). */
  async onApplicationBootstrap(): Promise<void> {
    await syncSchedules(this.producer.queue(QueueName.Signal), QueueName.Signal, this.env);
  }

  private async generateAll(tick: number): Promise<{ agents: number }> {
    const agents = await rows<{ id: string }>(this.ds, `SELECT id FROM agents_v3 WHERE status = 'ACTIVE' AND kind = 'signal'`);
    await this.producer.emitBulk(
      // One trace per agent and tick: the signal it may emit, its policy, route, positions and bills carry it.
      agents.map(({ id }) => ({
        name: JobName.SignalGenerate,
        data: { agentId: id, traceId: randomUUID() },
        jobId: jobId(JobName.SignalGenerate, id, 'tick', String(tick)),
      })),
    );
    return { agents: agents.length };
  }
}
