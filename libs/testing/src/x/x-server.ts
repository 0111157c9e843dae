/**
 * A local X API v2 server for tests (test support, not product code).
 *
 * Serves GET /2/users/:id/tweets (the "User Posts timeline") in X's wire shapes:
 * - bearer check (401 problem body); X authenticates before anything else;
 * - max_results 5..100 (default 10), since_id / until_id (exclusive, compared as BigInt), pagination_token;
 * - answers newest first: { data, includes.users, meta: { result_count, newest_id, oldest_id, next_token? } },
 *   or { meta: { result_count: 0 } } when nothing matches; tweet fields beyond id, text and edit_history_tweet_ids
 *   (created_at, author_id) appear only when tweet.fields asks for them, includes.users only with expansions=author_id;
 * - x-rate-limit-limit / -remaining / -reset on every answer (a 15-minute window); rateLimitNext() scripts a 429.
 *
 * Deliberately NOT simulated: the 3200-post timeline cap, previous_token, start_time / end_time, exclude,
 * user.fields beyond id/name/username, other tweet fields, unknown users (they have an empty timeline).
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface XServerPost {
  id: string;
  userId: string;
  username: string;
  text: string;
  /** ISO-8601 with milliseconds, as X writes it. */
  createdAt: string;
}

export interface XServerRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authOk: boolean;
  status: number;
}

export interface XServerOptions {
  /** Token the server accepts as `Authorization: Bearer <token>`. Default 'test-bearer-token'. */
  bearerToken?: string;
  /** Requests per 15-minute window before X answers 429 on its own. Default 1500. */
  rateLimit?: number;
}

const TWITTER_EPOCH_MS = 1288834974657n;
const FIRST_ID = 1850000000000000000n;
const WINDOW_S = 15 * 60;
const TWEET_FIELDS = new Set([
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
]);
const EXPANSIONS = new Set([
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'entities.note.mentions.username',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
]);
const USER_FIELDS = new Set([
  'affiliation',
  'confirmed_email',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
]);

/** Snowflake time: the id's upper bits are milliseconds since X's epoch. */
export function snowflakeTime(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + TWITTER_EPOCH_MS));
}

/** Starts a server on 127.0.0.1 with an ephemeral port. Close it with server.close(). */
export async function startXServer(opts: XServerOptions = {}): Promise<XServer> {
  const server = new XServer(opts);
  await server.listen();
  return server;
}

export class XServer {
  readonly bearerToken: string;
  readonly requests: XServerRequest[] = [];
  url = '';

  private readonly server: Server;
  private readonly rateLimit: number;
  private readonly posts = new Map<string, XServerPost>();
  private readonly users = new Map<string, { id: string; name: string; username: string }>();
  /** next_token → where the next page starts (ids strictly below `before`) and the query it belongs to. */
  private readonly cursors = new Map<string, { userId: string; before: bigint }>();
  private lastId = FIRST_ID;
  private step = 0n;
  private window = { reset: 0, remaining: 0 };
  private scripted429: number | null = null;

  constructor(opts: XServerOptions = {}) {
    this.bearerToken = opts.bearerToken ?? 'test-bearer-token';
    this.rateLimit = opts.rateLimit ?? 1500;
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections();
    await closed;
  }

  /**
   * Adds a post. Without an id it gets the next snowflake-like id (above every id so far, by a deterministic
   * pseudo-random step of 1–60 s); without createdAt it gets the time encoded in its id.
   */
  addPost(p: { userId: string; username: string; text: string; id?: string; createdAt?: string | Date; name?: string }): XServerPost {
    let id: bigint;
    if (p.id !== undefined) {
      if (!/^\d{1,19}$/.test(p.id)) throw new Error(`not a tweet id: ${p.id}`);
      id = BigInt(p.id);
      if (this.posts.has(p.id)) throw new Error(`post ${p.id} exists`);
    } else {
      // LCG over the step counter: deterministic, irregular gaps.
      this.step = (this.step * 1103515245n + 12345n) % 2147483648n;
      id = this.lastId + (1000n + (this.step % 59000n)) * 4194304n + (this.step % 4096n);
    }
    if (id > this.lastId) this.lastId = id;
    const post: XServerPost = {
      id: id.toString(),
      userId: p.userId,
      username: p.username,
      text: p.text,
      createdAt: new Date(p.createdAt ?? snowflakeTime(id.toString())).toISOString(),
    };
    this.posts.set(post.id, post);
    this.users.set(p.userId, { id: p.userId, name: p.name ?? p.username, username: p.username });
    return post;
  }

  /** Every stored post of a user, newest first. */
  postsOf(userId: string): XServerPost[] {
    return [...this.posts.values()].filter((p) => p.userId === userId).sort((a, b) => cmp(BigInt(b.id), BigInt(a.id)));
  }

  /** The next authenticated request answers 429; its x-rate-limit-reset is now + resetInSeconds (default: the window's end). */
  rateLimitNext(resetInSeconds?: number): void {
    this.rollWindow();
    this.scripted429 = resetInSeconds === undefined ? this.window.reset : Math.floor(Date.now() / 1000) + resetInSeconds;
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(u.searchParams);
    const authOk = req.headers.authorization === `Bearer ${this.bearerToken}`;
    const entry: XServerRequest = { method: req.method ?? '', path: u.pathname, query, authOk, status: 0 };
    this.requests.push(entry);
    req.resume();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-rate-limit-limit': String(this.rateLimit),
        'x-rate-limit-remaining': String(this.window.remaining),
        'x-rate-limit-reset': String(this.window.reset),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    try {
      this.rollWindow();
      if (!authOk) return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      const m = /^\/2\/users\/([^/]+)\/tweets$/.exec(u.pathname);
      if (!m) return send(404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });
      if (req.method !== 'GET')
        return send(405, { title: 'Method Not Allowed', type: 'about:blank', status: 405, detail: 'Method Not Allowed' });

      if (this.scripted429 !== null || this.window.remaining <= 0) {
        const reset = this.scripted429 ?? this.window.reset;
        this.scripted429 = null;
        return send(
          429,
          { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
          {
            'x-rate-limit-remaining': '0',
            'x-rate-limit-reset': String(reset),
          },
        );
      }
      this.window.remaining--;
      const answer = this.timeline(decodeURIComponent(m[1]), u.searchParams);
      send(answer.status, answer.body);
    } catch (err) {
      send(500, { title: 'Internal Server Error', type: 'about:blank', status: 500, detail: String(err) });
    }
  }

  private timeline(userId: string, q: URLSearchParams): { status: number; body: unknown } {
    const invalid: { parameters: Record<string, string[]>; message: string }[] = [];
    const bad = (name: string, value: string, message: string) => invalid.push({ parameters: { [name]: [value] }, message });

    if (!/^\d{1,19}$/.test(userId)) bad('id', userId, `The \`id\` query parameter value [${userId}] is not valid`);
    const maxRaw = q.get('max_results');
    const max = maxRaw === null ? 10 : Number(maxRaw);
    if (maxRaw !== null && (!/^\d+$/.test(maxRaw) || max < 5 || max > 100)) {
      bad('max_results', maxRaw, `The \`max_results\` query parameter value [${maxRaw}] is not between 5 and 100`);
    }
    const idParam = (name: string) => {
      const v = q.get(name);
      if (v === null) return null;
      if (!/^\d{1,19}$/.test(v)) {
        bad(name, v, `The \`${name}\` query parameter value [${v}] is not valid`);
        return null;
      }
      return BigInt(v);
    };
    const sinceId = idParam('since_id');
    const untilId = idParam('until_id');
    const tweetFields = list(q.get('tweet.fields'));
    const expansions = list(q.get('expansions'));
    const userFields = list(q.get('user.fields'));
    for (const [name, values, allowed] of [
      ['tweet.fields', tweetFields, TWEET_FIELDS],
      ['expansions', expansions, EXPANSIONS],
      ['user.fields', userFields, USER_FIELDS],
    ] as const) {
      for (const v of values) {
        if (!allowed.has(v)) bad(name, v, `The \`${name}\` query parameter value [${v}] is not one of [${[...allowed].join(',')}]`);
      }
    }
    let before: bigint | null = null;
    const token = q.get('pagination_token');
    if (token !== null) {
      const cursor = this.cursors.get(token);
      if (!cursor || cursor.userId !== userId)
        bad('pagination_token', token, `The \`pagination_token\` query parameter value [${token}] is not valid`);
      else before = cursor.before;
    }
    if (invalid.length) {
      return {
        status: 400,
        body: {
          errors: invalid,
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        },
      };
    }

    const matching = this.postsOf(userId).filter((p) => {
      const id = BigInt(p.id);
      return (sinceId === null || id > sinceId) && (untilId === null || id < untilId) && (before === null || id < before);
    });
    const page = matching.slice(0, max);
    if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };

    const withField = (f: string) => tweetFields.includes(f);
    const data = page.map((p) => ({
      ...(withField('created_at') ? { created_at: p.createdAt } : {}),
      ...(withField('author_id') ? { author_id: p.userId } : {}),
      edit_history_tweet_ids: [p.id],
      id: p.id,
      text: p.text,
    }));
    const meta: Record<string, unknown> = { newest_id: page[0].id, oldest_id: page[page.length - 1].id, result_count: page.length };
    if (matching.length > page.length) {
      const next = { userId, before: BigInt(page[page.length - 1].id) };
      const nextToken = opaqueToken(`${userId}:${next.before}:${this.cursors.size}`);
      this.cursors.set(nextToken, next);
      meta.next_token = nextToken;
    }
    const body: Record<string, unknown> = { data };
    if (expansions.includes('author_id')) {
      const user = this.users.get(userId)!;
      body.includes = { users: [{ id: user.id, name: user.name, username: user.username }] };
    }
    body.meta = meta;
    return { status: 200, body };
  }

  /** A 15-minute window per server (X keeps one per app and endpoint). */
  private rollWindow(): void {
    const now = Math.floor(Date.now() / 1000);
    if (now >= this.window.reset) this.window = { reset: now + WINDOW_S, remaining: this.rateLimit };
  }
}

function list(v: string | null): string[] {
  return v === null || v === '' ? [] : v.split(',');
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-case base-36 token like X's next_token (e.g. "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"). */
function opaqueToken(seed: string): string {
  const n = BigInt(`0x${createHash('sha256').update(seed).digest('hex')}`);
  return n.toString(36).slice(0, 45).padStart(45, '7');
}
