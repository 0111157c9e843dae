import { Injectable } from '@nestjs/common';
import { JobName, jobId, JobProducer } from '@conduit/queue';

/** How often an asynchronous fill is checked, and how many checks before giving up (the adapter times out first). */
export const SETTLE_EVERY_MS = 1000;
export const SETTLE_MAX_ROUNDS = 3600;

export type Leg = 'open' | 'close';

/** Queues the next check of an order the venue fills asynchronously (Ostium's oracle): one job per position, leg and round. */
@Injectable()
export class SettleScheduler {
  constructor(private readonly producer: JobProducer) {}

  async schedule(positionId: string, leg: Leg, round: number, reason?: string, traceId?: string): Promise<void> {
    await this.producer.emit({
      name: JobName.ExecutorSettle,
      data: { positionId, leg, round, reason, traceId },
      jobId: jobId(JobName.ExecutorSettle, positionId, leg, String(round)),
      opts: { delay: round === 0 ? 0 : SETTLE_EVERY_MS },
    });
  }
}
