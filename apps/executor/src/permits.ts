import { Inject, Injectable } from '@nestjs/common';
import { Env } from '@conduit/config';
import { ENV } from '@conduit/runtime';

/**
 * At most WORKER_CONCURRENCY tasks at once; the others wait their turn (first come, first served). The executor's
 * worker takes EXECUTOR_CONCURRENCY jobs at once so that a fan-out's opens can be batched; everything that talks to
 * a live venue, and every job other than an open, runs under these permits.
 */
@Injectable()
export class VenuePermits {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(@Inject(ENV) env: Env) {
    this.free = env.WORKER_CONCURRENCY;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
