/**
 * The local server's per-IP request weight (test support): Hyperliquid's documented weights (its "Rate limits" page:
 * 2 for l2Book, allMids, clearinghouseState, orderStatus, spotClearinghouseState, exchangeStatus; 60 for userRole;
 * 20 for other info requests, plus 1 per 20 items for the list answers; 1 + floor(batch / 40) for exchange actions),
 * summed per IP over the last 60 s. A request that would go over the limit is answered 429 and not charged.
 */

const LIGHT = new Set(['l2Book', 'allMids', 'clearinghouseState', 'orderStatus', 'spotClearinghouseState', 'exchangeStatus']);
const LISTS = new Set(['historicalOrders', 'userFills', 'userFillsByTime', 'userFunding', 'userNonFundingLedgerUpdates']);
const WINDOW_MS = 60_000;

export function infoRequestWeight(type: unknown): number {
  if (typeof type === 'string' && LIGHT.has(type)) return 2;
  return type === 'userRole' ? 60 : 20;
}

export function infoItemWeight(type: unknown, answer: unknown): number {
  return typeof type === 'string' && LISTS.has(type) && Array.isArray(answer) ? Math.floor(answer.length / 20) : 0;
}

export function exchangeRequestWeight(body: any): number {
  const batch = body?.action?.orders ?? body?.action?.cancels;
  return 1 + Math.floor((Array.isArray(batch) ? batch.length : 0) / 40);
}

export interface HlSimRateLimit {
  /** Weight each IP may spend per 60 s. Hyperliquid's is 1,200. */
  weightPerMinute: number;
  /** The server's time for the window (a test passes its clock). Default Date.now. */
  now?: () => number;
}

export class WeightLedger {
  /** Per IP: what was charged when, oldest first. */
  private readonly charges = new Map<string, { at: number; weight: number }[]>();

  constructor(private readonly limit: HlSimRateLimit) {}

  /** Weight the IP spent in the last 60 s. */
  used(ip: string): number {
    return this.window(ip).reduce((sum, c) => sum + c.weight, 0);
  }

  /** False (nothing charged) when `weight` would take the IP over the limit. */
  admit(ip: string, weight: number): boolean {
    if (this.used(ip) + weight > this.limit.weightPerMinute) return false;
    this.charge(ip, weight);
    return true;
  }

  charge(ip: string, weight: number): void {
    if (weight > 0) this.window(ip).push({ at: this.now(), weight });
  }

  private window(ip: string): { at: number; weight: number }[] {
    const since = this.now() - WINDOW_MS;
    const kept = (this.charges.get(ip) ?? []).filter((c) => c.at > since);
    this.charges.set(ip, kept);
    return kept;
  }

  private now(): number {
    return this.limit.now ? this.limit.now() : Date.now();
  }
}
