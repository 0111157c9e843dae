import type { Clock } from '@conduit/domain';

/** A clock the test sets: it stands still until told to move. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-06-15T09:30:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): this {
    this.current = new Date(at).getTime();
    return this;
  }

  advance(ms: number): this {
    this.current += ms;
    return this;
  }
}
