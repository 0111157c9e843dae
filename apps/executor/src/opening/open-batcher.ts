import { Injectable } from '@nestjs/common';
import { keyOf } from './open-context';
import { Opening, OpenJob, OpenResult } from './opening';

interface Waiting extends OpenJob {
  resolve(result: OpenResult): void;
  reject(err: unknown): void;
}

/** At most this many opens per batch (one statement each step for all of them). */
const MAX_BATCH = 200;
/** Batches in flight at once: one in the database while the next one forms. */
const MAX_FLUSHES = 2;

/**
 * Gathers the executor.open jobs the worker runs at the same time (a fan-out) into batches for the one open path
 * (Opening): the opens that arrive within one turn of the event loop form a batch; a lone open is a batch of one.
 * Each job still completes or fails on its own.
 */
@Injectable()
export class OpenBatcher {
  private queued: Waiting[] = [];
  private flushing = 0;
  private scheduled = false;

  constructor(private readonly opening: Opening) {}

  /**
   * The opens of a chunk of a signal's deployments (executor.open-many): each goes into the batches like any open.
   * Answers how many ended in each outcome; when one could not be settled (an infrastructure error), throws so the
   * job is retried (the opens that did settle find themselves settled).
   */
  async openMany(signalId: string, deploymentIds: readonly string[], traceId?: string): Promise<Record<string, number>> {
    const settled = await Promise.allSettled(deploymentIds.map((deploymentId) => this.open({ signalId, deploymentId, traceId })));
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed.length) {
      const first = failed[0].reason instanceof Error ? failed[0].reason.message : String(failed[0].reason);
      throw new Error(`${failed.length} of ${deploymentIds.length} opens did not settle: ${first}`);
    }
    const counts: Record<string, number> = {};
    for (const s of settled) if (s.status === 'fulfilled') counts[s.value.outcome] = (counts[s.value.outcome] ?? 0) + 1;
    return counts;
  }

  open(job: OpenJob): Promise<OpenResult> {
    return new Promise<OpenResult>((resolve, reject) => {
      this.queued.push({ ...job, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing >= MAX_FLUSHES || !this.queued.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    // The same open twice in a batch (a job and its retry): the second waits for the next batch.
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    const later: Waiting[] = [];
    for (const w of this.queued) {
      if (batch.length < MAX_BATCH && !keys.has(keyOf(w))) {
        keys.add(keyOf(w));
        batch.push(w);
      } else later.push(w);
    }
    this.queued = later;
    if (!batch.length) return;
    this.flushing++;
    try {
      const settled = await this.opening.open(batch);
      for (const w of batch) {
        const s = settled.get(keyOf(w));
        if (!s) w.reject(new Error(`open ${keyOf(w)} was not settled`));
        else if (s.ok) w.resolve(s.result);
        else w.reject(s.error);
      }
    } catch (err) {
      // Infrastructure: every job of the batch is retried by BullMQ, and the retry finds what this attempt left
      // (an order NEW: asked of the venue by its client id; a position: adopted).
      for (const w of batch) w.reject(err);
    } finally {
      this.flushing--;
      this.schedule();
    }
  }
}
