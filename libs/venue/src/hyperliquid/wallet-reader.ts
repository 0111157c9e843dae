import { infoWeight, itemWeight, realSleep, Sleep, WeightBudget } from './weight-budget';
import { parseLedger, parseWalletFills, parseWalletState, WalletFill, WalletLedgerEntry, WalletState } from './wallet-parsers';

/**
 * Reads any wallet's activity from Hyperliquid's public /info endpoint (no key, no signature): its fills since a time,
 * its account (equity, positions) and its non-funding ledger (deposits, withdrawals, transfers). Every request first
 * takes its weight from a WeightBudget (shared by all readers of one IP), books the per-item weight of its answer, and
 * on HTTP 429 drains the budget and retries after an exponential backoff (capped), up to `maxRetries` times.
 */

/** Most fills one userFillsByTime answer holds (Hyperliquid's documented cap). */
export const HL_FILLS_PAGE = 2000;

/** One POST /info: the HTTP status and the parsed JSON (or text) body. */
export type InfoPost = (body: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

export interface WalletReaderOptions {
  /** Default https://api.hyperliquid.xyz (testnet: https://api.hyperliquid-testnet.xyz). */
  apiUrl?: string;
  /** Replaces the HTTP call (tests). */
  post?: InfoPost;
  /** Shared by every reader on this IP. Default: a fresh 1,200-per-minute budget on `sleep`. */
  budget?: WeightBudget;
  sleep?: Sleep;
  /** First backoff after a 429, doubled per retry up to `maxBackoffMs`. Defaults 1,000 and 60,000. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Retries after 429 or 5xx before giving up. Default 6. */
  maxRetries?: number;
  /** Page size at which another page is asked for. Default 2,000. */
  pageSize?: number;
  /** An answer slower than this is an error (the job retries). Default 10,000. */
  timeoutMs?: number;
}

/** An /info answer that was not a success (after retries, for 429 and 5xx). */
export class InfoRequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly body: unknown,
  ) {
    super(`Hyperliquid info ${type} answered HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

export class HyperliquidWalletReader {
  readonly budget: WeightBudget;
  private readonly post: InfoPost;
  private readonly sleep: Sleep;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetries: number;
  private readonly pageSize: number;

  constructor(opts: WalletReaderOptions = {}) {
    this.sleep = opts.sleep ?? realSleep;
    this.budget = opts.budget ?? new WeightBudget({ sleep: this.sleep });
    this.post = opts.post ?? fetchPost(opts.apiUrl ?? 'https://api.hyperliquid.xyz', opts.timeoutMs ?? 10_000);
    this.backoffMs = opts.backoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.maxRetries = opts.maxRetries ?? 6;
    this.pageSize = opts.pageSize ?? HL_FILLS_PAGE;
  }

  /**
   * Every fill of `user` at or after `startTime` (ms), oldest first. Pages through userFillsByTime: a full page moves
   * startTime to its last fill's time (not past it: one millisecond's fills can straddle pages), and fills already read
   * (same `hash:tid`) are dropped. A page shorter than the cap, or one that brought nothing new, ends the read.
   */
  async fillsSince(user: string, startTime: number, endTime?: number): Promise<WalletFill[]> {
    const seen = new Set<string>();
    const out: WalletFill[] = [];
    let from = startTime;
    for (;;) {
      const body = { type: 'userFillsByTime', user, startTime: from, ...(endTime === undefined ? {} : { endTime }) };
      const page = parseWalletFills(await this.request<any[]>(body));
      const fresh = page.filter((f) => !seen.has(f.key));
      for (const f of fresh) {
        seen.add(f.key);
        out.push(f);
      }
      if (page.length < this.pageSize || fresh.length === 0) return out;
      const last = page[page.length - 1].time;
      // a full page of one millisecond cannot be paged by time: go past it rather than ask the same page forever
      from = last > from ? last : last + 1;
    }
  }

  /** Equity and open positions (clearinghouseState, weight 2). */
  async accountState(user: string): Promise<WalletState> {
    return parseWalletState(await this.request({ type: 'clearinghouseState', user }));
  }

  /** Deposits, withdrawals and transfers at or after `startTime`, oldest first, each with its net USDC. */
  async ledgerSince(user: string, startTime: number, endTime?: number): Promise<WalletLedgerEntry[]> {
    const body = { type: 'userNonFundingLedgerUpdates', user, startTime, ...(endTime === undefined ? {} : { endTime }) };
    return parseLedger(await this.request<any[]>(body), user);
  }

  /** One /info request within the budget, retried on 429 and 5xx. */
  async request<T = unknown>(body: Record<string, unknown>): Promise<T> {
    const type = String(body.type);
    for (let attempt = 0; ; attempt++) {
      await this.budget.take(infoWeight(type));
      const answer = await this.post(body);
      if (answer.status === 200) {
        if (Array.isArray(answer.body)) this.budget.charge(itemWeight(type, answer.body.length));
        return answer.body as T;
      }
      const retryable = answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt >= this.maxRetries) throw new InfoRequestError(answer.status, type, answer.body);
      if (answer.status === 429) this.budget.drain();
      await this.sleep(Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt));
    }
  }
}

/** POST {apiUrl}/info with fetch, given up after `timeoutMs`. */
export function fetchPost(apiUrl: string, timeoutMs = 10_000): InfoPost {
  const url = `${apiUrl.replace(/\/+$/, '')}/info`;
  return async (body) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // a plain-text answer (422, 429, 5xx) stays text
    }
    return { status: res.status, body: parsed };
  };
}
