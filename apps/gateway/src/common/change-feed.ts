import { performance } from 'perf_hooks';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Env } from '@conduit/config';
import { CHANGES_CHANNEL, PgListener } from '@conduit/db';
import { ENV } from '@conduit/runtime';

/**
 * Waiting for an outcome, driven by Postgres notifications instead of polling. One LISTEN connection per gateway
 * process receives the change feed (`<table>:<id>`, see the ChangeFeed migration and changeKey in libs/db); a waiter
 * subscribes to the keys of the rows its outcome depends on and re-reads only when one of them changes.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(ChangeFeed.name);
  private readonly listener: PgListener;
  /** key → wake-up of each waiter subscribed to it. */
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(@Inject(ENV) private readonly env: Env) {
    this.listener = new PgListener({
      url: env.DATABASE_URL,
      channels: [CHANGES_CHANNEL],
      name: 'change feed',
      onNotification: (_, key) => this.waiters.get(key)?.forEach((wake) => wake()),
      // Changes committed while nobody listened were not notified: every pending waiter reads again.
      onListening: () => this.waiters.forEach((set) => set.forEach((wake) => wake())),
      warn: (message) => this.log.warn(message),
    });
  }

  onModuleInit(): Promise<void> {
    return this.listener.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener.close();
  }

  /**
   * Answers the first value `check` finds (not null or undefined). `check` runs once at the start, again on each
   * change of one of `keys` and whenever the LISTEN connection is back, and one last time at the deadline
   * (`timeoutMs`, by default GATEWAY_WAIT_MS): null when it still finds nothing. The waiter subscribes before its first
   * check, so a change committed in between wakes it. The deadline bounds a request's latency, so it is measured on
   * the monotonic clock, not the injected CLOCK (a test's clock standing still would hold the request forever).
   */
  async waitFor<T>(keys: string[], check: () => Promise<T | null | undefined>, timeoutMs = this.env.GATEWAY_WAIT_MS): Promise<T | null> {
    const deadline = performance.now() + timeoutMs;
    let changed = false;
    let wake: (() => void) | null = null;
    const onChange = () => {
      changed = true;
      wake?.();
    };
    for (const key of keys) this.subscribe(key, onChange);
    let lastCheck = false;
    try {
      for (;;) {
        changed = false;
        const value = await check();
        if (value !== null && value !== undefined) return value;
        const left = deadline - performance.now();
        if (lastCheck || left <= 0) return null;
        if (changed) continue; // a change arrived during the check: read again at once
        lastCheck = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), left);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        wake = null;
      }
    } finally {
      for (const key of keys) this.unsubscribe(key, onChange);
    }
  }

  private subscribe(key: string, wake: () => void): void {
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(wake);
  }

  private unsubscribe(key: string, wake: () => void): void {
    const set = this.waiters.get(key);
    set?.delete(wake);
    if (set?.size === 0) this.waiters.delete(key);
  }
}
