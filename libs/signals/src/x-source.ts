/**
 * Post sources: where followed accounts' posts come from. XApiSource reads X API v2's User Posts timeline
 * (GET /2/users/:id/tweets) with an app bearer token.
 */

export interface SourcePost {
  tweetId: string;
  authorId: string;
  username: string | null;
  text: string;
  /** ISO-8601. */
  createdAt: string;
}

export interface PostSource {
  readonly name: string;
  /** Posts newer than sinceId (exclusive), oldest first; newestId is the newest id the source saw (null: none). */
  fetchUserPosts(userId: string, sinceId: string | null): Promise<{ posts: SourcePost[]; newestId: string | null }>;
}

export interface XApiSourceOptions {
  bearerToken: string;
  /** Default https://api.x.com. */
  baseUrl?: string;
  /** Per request. Default 10000. */
  timeoutMs?: number;
  /** Pages followed through meta.next_token per call. Default 5. */
  maxPages?: number;
  /** @internal max_results per page (X allows 5..100). Default 100. */
  pageSize?: number;
}

/** HTTP 429 from X; retry after resetAt (from x-rate-limit-reset). */
export class XRateLimitedError extends Error {
  constructor(
    readonly resetAt: Date,
    message = `X API rate limited until ${resetAt.toISOString()}`,
  ) {
    super(message);
    this.name = 'XRateLimitedError';
  }
}

/** A non-2xx answer from X other than 429. */
export class XApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'XApiError';
  }
}

const TWEET_ID = /^\d{1,19}$/;
/** Used when a 429 lacks x-rate-limit-reset: X's windows are 15 minutes. */
const DEFAULT_RESET_MS = 15 * 60 * 1000;

interface XTweet {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
}

interface XTimelinePage {
  data?: XTweet[];
  includes?: { users?: { id: string; username?: string }[] };
  meta?: { result_count?: number; newest_id?: string; oldest_id?: string; next_token?: string };
  errors?: unknown[];
}

export class XApiSource implements PostSource {
  readonly name = 'x';
  private readonly bearerToken: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly pageSize: number;

  constructor(opts: XApiSourceOptions) {
    if (!opts.bearerToken) throw new Error('XApiSource: bearerToken is required');
    this.bearerToken = opts.bearerToken;
    this.baseUrl = (opts.baseUrl ?? 'https://api.x.com').replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxPages = opts.maxPages ?? 5;
    this.pageSize = opts.pageSize ?? 100;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 5 || this.pageSize > 100)
      throw new Error('XApiSource: pageSize must be 5..100');
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) throw new Error('XApiSource: maxPages must be a positive integer');
  }

  /**
   * Reads up to maxPages pages (newest first on the wire) and returns them oldest first. When more pages remain after
   * maxPages, the oldest of the new posts are not returned. A 429 or error on any page throws: nothing is returned,
   * so the caller keeps its sinceId and loses nothing.
   */
  async fetchUserPosts(userId: string, sinceId: string | null): Promise<{ posts: SourcePost[]; newestId: string | null }> {
    if (!TWEET_ID.test(userId)) throw new Error(`XApiSource: not an X user id: ${JSON.stringify(userId)}`);
    if (sinceId !== null && !TWEET_ID.test(sinceId)) throw new Error(`XApiSource: not a post id: ${JSON.stringify(sinceId)}`);
    const since = sinceId === null ? null : BigInt(sinceId);

    const byId = new Map<string, SourcePost>();
    let newestId: string | null = null;
    let token: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const body = await this.getPage(userId, sinceId, token);
      const usernames = new Map((body.includes?.users ?? []).map((u) => [u.id, u.username ?? null]));
      for (const t of body.data ?? []) {
        if (typeof t?.id !== 'string' || !TWEET_ID.test(t.id)) continue;
        if (since !== null && BigInt(t.id) <= since) continue;
        const authorId = t.author_id ?? userId;
        byId.set(t.id, {
          tweetId: t.id,
          authorId,
          username: usernames.get(authorId) ?? null,
          text: t.text ?? '',
          createdAt: isoTime(t.created_at) ?? snowflakeTime(t.id),
        });
      }
      if (page === 0) newestId = body.meta?.newest_id ?? null;
      token = body.meta?.next_token;
      if (!token) break;
    }
    const posts = [...byId.values()].sort((a, b) => compareIds(a.tweetId, b.tweetId));
    if (newestId === null && posts.length) newestId = posts[posts.length - 1].tweetId;
    return { posts, newestId };
  }

  private async getPage(userId: string, sinceId: string | null, paginationToken: string | undefined): Promise<XTimelinePage> {
    const url = new URL(`${this.baseUrl}/2/users/${userId}/tweets`);
    url.searchParams.set('max_results', String(this.pageSize));
    if (sinceId !== null) url.searchParams.set('since_id', sinceId);
    if (paginationToken) url.searchParams.set('pagination_token', paginationToken);
    url.searchParams.set('tweet.fields', 'created_at,author_id');
    url.searchParams.set('expansions', 'author_id');
    url.searchParams.set('user.fields', 'username');

    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Bearer ${this.bearerToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if (err?.name === 'TimeoutError') throw new Error(`X API request timed out after ${this.timeoutMs} ms`);
      throw new Error(`X API request failed: ${err?.cause?.code ?? err?.message ?? err}`);
    }
    const text = await readText(res, this.timeoutMs);
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }

    if (res.status === 429) {
      const reset = Number(res.headers.get('x-rate-limit-reset'));
      throw new XRateLimitedError(Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date(Date.now() + DEFAULT_RESET_MS));
    }
    if (!res.ok) {
      const problem = [body?.title, body?.detail ?? body?.errors?.[0]?.message].filter((s) => typeof s === 'string' && s).join(': ');
      const what = res.status === 401 || res.status === 403 ? 'X API refused the bearer token' : 'X API error';
      throw new XApiError(res.status, redact(`${what}: HTTP ${res.status}${problem ? ` ${problem}` : ''}`, this.bearerToken));
    }
    if (body === null || typeof body !== 'object' || (body.data !== undefined && !Array.isArray(body.data))) {
      throw new XApiError(res.status, `X API error: HTTP ${res.status} with an unreadable body`);
    }
    // body.errors (partial errors) is ignored: the posts in data stand.
    return body as XTimelinePage;
  }
}

/** Orders decimal id strings numerically (snowflakes exceed 2^53). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isoTime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The time a snowflake id encodes (ms since X's epoch in its upper bits). */
function snowflakeTime(id: string): string {
  return new Date(Number((BigInt(id) >> 22n) + 1288834974657n)).toISOString();
}

async function readText(res: Response, timeoutMs: number): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    if (err?.name === 'TimeoutError') throw new Error(`X API request timed out after ${timeoutMs} ms`);
    throw new Error(`X API response could not be read: ${err?.message ?? err}`);
  }
}

function redact(message: string, secret: string): string {
  return message.split(secret).join('[redacted]');
}
