import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Env } from '@conduit/config';
import { JobHandlers, JobName, jobId, JobProducer, QueueName, QueueProcessor, syncSchedules, WORKER_OPTIONS } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { Channels, SendError } from './channels';
import { Deliveries } from './deliveries';

/**
 * The notifier (docs/NOTIFICATIONS.md). Nothing on the trading or billing path waits on it: they only write
 * `notifications` rows in their own transactions; this service reads them.
 * - notify.sweep (every NOTIFY_SWEEP_MS): fans new notifications out to one delivery per enabled channel, fails the
 *   deliveries a crash left `sending`, and queues one notify.deliver per due pending delivery (job id: delivery and
 *   attempt, so sweeps do not queue one attempt twice).
 * - notify.deliver: at most once per notification × channel. The delivery is claimed (pending → sending, a
 *   conditional update) before anything is sent; a definite failure goes back to pending with exponential backoff
 *   until NOTIFY_MAX_ATTEMPTS, then failed with its reason; an uncertain one (a timeout after the request left) is
 *   failed at once, since sending again could deliver twice.
 */
@Processor(QueueName.Notify, WORKER_OPTIONS)
export class NotifierProcessor extends QueueProcessor<QueueName.Notify> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Notify;

  constructor(
    private readonly deliveries: Deliveries,
    private readonly channels: Channels,
    private readonly producer: JobProducer,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  protected handlers(): JobHandlers<QueueName.Notify> {
    return {
      [JobName.NotifyDeliver]: (d) => this.deliver(d.deliveryId),
      [JobName.NotifySweep]: () => this.sweep(),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await syncSchedules(this.producer.queue(QueueName.Notify), QueueName.Notify, this.env);
  }

  async sweep(): Promise<{ fannedOut: number; interrupted: number; queued: number }> {
    const fannedOut = await this.deliveries.fanOut();
    const interrupted = await this.deliveries.failInterrupted();
    const due = await this.deliveries.due();
    await this.queue(due);
    return { fannedOut, interrupted, queued: due.length };
  }

  async deliver(deliveryId: string): Promise<{ status: string; error?: string }> {
    const d = await this.deliveries.claim(deliveryId);
    if (!d) return { status: 'not pending' }; // sent, failed, or being sent by another attempt
    try {
      await this.channels.send(d);
    } catch (err: any) {
      const error = err instanceof Error ? err.message : String(err);
      const definite = err instanceof SendError ? err.definite : false;
      if (definite && d.attempts < this.env.NOTIFY_MAX_ATTEMPTS) {
        const delay = this.env.NOTIFY_BACKOFF_MS * 2 ** (d.attempts - 1);
        await this.deliveries.retry(d.id, error, delay);
        await this.queue([{ id: d.id, attempts: d.attempts }], delay);
        this.logger.warn(`delivery ${d.id} (${d.channel}) attempt ${d.attempts} failed, retrying in ${delay} ms: ${error}`);
        return { status: 'pending', error };
      }
      const reason = definite ? `${error} (after ${d.attempts} attempts)` : error;
      await this.deliveries.fail(d.id, reason);
      this.logger.warn(`delivery ${d.id} (${d.channel}) failed: ${reason}`);
      return { status: 'failed', error: reason };
    }
    await this.deliveries.sent(d.id);
    return { status: 'sent' };
  }

  private async queue(due: { id: string; attempts: number }[], delay?: number): Promise<void> {
    await this.producer.emitBulk(
      due.map((d) => ({
        name: JobName.NotifyDeliver,
        data: { deliveryId: d.id },
        jobId: jobId(JobName.NotifyDeliver, d.id, String(d.attempts)),
        opts: delay ? { delay } : undefined,
      })),
    );
  }
}
