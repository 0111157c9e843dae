import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayload, QueueName } from './contract';
import { assertJobPayload } from './payloads';

export interface JobRequest<N extends JobName> {
  name: N;
  data: JobPayload<N>;
  /** Deterministic id (see jobId()); required for every effectful job. */
  jobId: string;
  opts?: Omit<JobsOptions, 'jobId'>;
}

/**
 * The one way services emit jobs: typed by name, routed to the right queue, ids mandatory, payloads validated
 * against their schema (an invalid one throws InvalidJobPayloadError and nothing is added).
 */
@Injectable()
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly moduleRef: ModuleRef) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.queues.set(name, q);
    }
    return q;
  }

  async emit<N extends JobName>(req: JobRequest<N>): Promise<void> {
    assertJobPayload(req.name, req.data);
    await this.queue(JOB_QUEUE[req.name]).add(req.name, req.data, { ...req.opts, jobId: req.jobId });
  }

  /**
   * For actions a user asks for again (close a position, execute a signal): a job under the same id that failed
   * after its last attempt is retried instead of silently ignored; otherwise the same as emit().
   * Returns what happened.
   */
  async emitOrRetry<N extends JobName>(req: JobRequest<N>): Promise<'added' | 'retried' | 'in-progress' | 'completed'> {
    assertJobPayload(req.name, req.data);
    const queue = this.queue(JOB_QUEUE[req.name]);
    const existing = await queue.getJob(req.jobId);
    if (existing) {
      if (await existing.isFailed()) {
        await existing.retry('failed');
        return 'retried';
      }
      return (await existing.isCompleted()) ? 'completed' : 'in-progress';
    }
    await this.emit(req);
    return 'added';
  }

  /** Emits many jobs of one name in one round trip per queue (fan-out). */
  async emitBulk<N extends JobName>(reqs: JobRequest<N>[]): Promise<void> {
    for (const r of reqs) assertJobPayload(r.name, r.data); // all or nothing
    const byQueue = new Map<QueueName, JobRequest<N>[]>();
    for (const r of reqs) {
      const q = JOB_QUEUE[r.name];
      const list = byQueue.get(q);
      if (list) list.push(r);
      else byQueue.set(q, [r]);
    }
    for (const [q, list] of byQueue) {
      for (let i = 0; i < list.length; i += 500) {
        await this.queue(q).addBulk(
          list.slice(i, i + 500).map((r) => ({ name: r.name, data: r.data, opts: { ...r.opts, jobId: r.jobId } })),
        );
      }
    }
  }
}
