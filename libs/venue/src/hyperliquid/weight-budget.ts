import type { Clock } from '@conduit/domain';

/**
 * Hyperliquid's /info rate limit, per IP: REST requests share 1,200 weight per minute. From the API docs' "Rate
 * limits" page (hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits): l2Book, allMids,
 * clearinghouseState, orderStatus, spotClearinghouseState and exchangeStatus weigh 2; userRole 60; every other
 * documented info request 20. Requests that return lists weigh 1 more per 20 items returned (the page lists
 * recentTrades, historicalOrders, userFills, userFillsByTime, fundingHistory, userFunding, nonUserFundingUpdates,
 * twapHistory, userTwapSliceFills(ByTime), delegatorHistory, delegatorRewards, validatorStats; candleSnapshot per 60).
 * userNonFundingLedgerUpdates is charged as a list too (the page's "nonUserFundingUpdates" reads as it; charging it
 * errs on the safe side). A 429 answer means the IP is over its limit.
 */
export const HL_WEIGHT_PER_MINUTE = 1200;

const LIGHT = new Set(['l2Book', 'allMids', 'clearinghouseState', 'orderStatus', 'spotClearinghouseState', 'exchangeStatus']);
const PER_20_ITEMS = new Set([
  'recentTrades',
  'historicalOrders',
  'userFills',
  'userFillsByTime',
  'fundingHistory',
  'userFunding',
  'userNonFundingLedgerUpdates',
  'twapHistory',
  'userTwapSliceFills',
  'userTwapSliceFillsByTime',
  'delegatorHistory',
  'delegatorRewards',
  'validatorStats',
]);

/** The weight an info request of this type costs before its answer is known. */
export function infoWeight(type: string): number {
  if (LIGHT.has(type)) return 2;
  if (type === 'userRole') return 60;
  return 20;
}

/** The extra weight of an answer of `items` items. */
export function itemWeight(type: string, items: number): number {
  if (PER_20_ITEMS.has(type)) return Math.floor(items / 20);
  if (type === 'candleSnapshot') return Math.floor(items / 60);
  return 0;
}

/** Waits `ms` of the budget's time; tests pass one that moves their clock instead of sleeping. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WeightBudgetOptions {
  /** Weight the bucket holds and refills per `windowMs`. Default 1,200. */
  capacity?: number;
  /** Default 60,000. */
  windowMs?: number;
  clock?: Clock;
  sleep?: Sleep;
}

/**
 * A token bucket of request weight whose tokens come back one window after they were spent (rather than trickling
 * back continuously, which would let a full bucket plus its refill spend twice the limit within one minute): no
 * `windowMs` span ever holds more than `capacity`. `take(w)` waits until w is available, callers served in arrival
 * order; `charge(w)` books weight learned only from an answer (items returned) and may run the budget into debt, which
 * the next `take` waits out; `drain()` marks it spent for a whole window (after a 429).
 */
export class WeightBudget {
  readonly capacity: number;
  readonly windowMs: number;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly sleep: Sleep;
  /** Weight spent and when, oldest first, within the last window. */
  private spent: { at: number; weight: number }[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: WeightBudgetOptions = {}) {
    this.capacity = opts.capacity ?? HL_WEIGHT_PER_MINUTE;
    this.windowMs = opts.windowMs ?? 60_000;
    if (!(this.capacity > 0) || !(this.windowMs > 0)) throw new Error('a weight budget needs a positive capacity and window');
    this.clock = opts.clock ?? { now: () => new Date() };
    this.sleep = opts.sleep ?? realSleep;
  }

  /** Weight available now (negative while in debt). */
  available(): number {
    return this.capacity - this.used(this.now());
  }

  /** Waits until `weight` (at most the capacity) is available, then spends it. */
  take(weight: number): Promise<void> {
    const turn = this.queue.then(() => this.spend(Math.min(weight, this.capacity)));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Spends weight without waiting (the budget may go below zero). */
  charge(weight: number): void {
    if (weight > 0) this.spent.push({ at: this.now(), weight });
  }

  /** Marks the whole capacity spent now: after a 429 the venue says there is nothing left, whatever we counted. */
  drain(): void {
    this.charge(this.available());
  }

  private async spend(weight: number): Promise<void> {
    for (;;) {
      const now = this.now();
      let used = this.used(now);
      if (used + weight <= this.capacity) {
        this.charge(weight);
        return;
      }
      // wait for the oldest charges to leave the window until the weight fits
      let until = now;
      for (const c of this.spent) {
        used -= c.weight;
        until = c.at + this.windowMs;
        if (used + weight <= this.capacity) break;
      }
      await this.sleep(Math.max(1, until - now));
    }
  }

  private used(now: number): number {
    this.spent = this.spent.filter((c) => c.at > now - this.windowMs);
    return this.spent.reduce((sum, c) => sum + c.weight, 0);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
