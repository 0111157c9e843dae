import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test support: the local X API server
import { startXServer, XServer } from '../../testing/src/x/x-server';
import { XApiError, XApiSource, XRateLimitedError } from './x-source';

const TOKEN = 'AAAAAAAAAAAAAAAAAAAAAsecret%2Dbearer%3Dtoken';
const USER = '44196397';
const OTHER = '295218901';

describe('XApiSource against a local X API v2 server', () => {
  let x: XServer;
  const source = (extra: Partial<ConstructorParameters<typeof XApiSource>[0]> = {}) =>
    new XApiSource({ bearerToken: TOKEN, baseUrl: x.url, ...extra });

  beforeEach(async () => {
    x = await startXServer({ bearerToken: TOKEN });
  });
  afterEach(() => x.close());

  it('fetches posts oldest first with usernames, timestamps and the newest id', async () => {
    const a = x.addPost({ userId: USER, username: 'elonmusk', text: 'first' });
    x.addPost({ userId: OTHER, username: 'VitalikButerin', text: 'someone else' });
    const b = x.addPost({ userId: USER, username: 'elonmusk', text: 'second', createdAt: '2024-11-01T10:00:00Z' });
    const c = x.addPost({ userId: USER, username: 'elonmusk', text: 'third $ETH long' });

    const { posts, newestId } = await source().fetchUserPosts(USER, null);

    expect(posts).toEqual([
      { tweetId: a.id, authorId: USER, username: 'elonmusk', text: 'first', createdAt: a.createdAt },
      { tweetId: b.id, authorId: USER, username: 'elonmusk', text: 'second', createdAt: '2024-11-01T10:00:00.000Z' },
      { tweetId: c.id, authorId: USER, username: 'elonmusk', text: 'third $ETH long', createdAt: c.createdAt },
    ]);
    expect(newestId).toBe(c.id);
    expect(x.requests).toHaveLength(1);
    expect(x.requests[0]).toMatchObject({
      method: 'GET',
      path: `/2/users/${USER}/tweets`,
      authOk: true,
      status: 200,
      query: { max_results: '100', 'tweet.fields': 'created_at,author_id', expansions: 'author_id', 'user.fields': 'username' },
    });
    expect(x.requests[0].query.since_id).toBeUndefined();
  });

  it('returns only posts newer than since_id (exclusive)', async () => {
    const old1 = x.addPost({ userId: USER, username: 'cobie', text: 'old 1' });
    const old2 = x.addPost({ userId: USER, username: 'cobie', text: 'old 2' });
    const new1 = x.addPost({ userId: USER, username: 'cobie', text: 'new 1' });
    const new2 = x.addPost({ userId: USER, username: 'cobie', text: 'new 2' });

    const first = await source().fetchUserPosts(USER, old1.id);
    expect(first.posts.map((p) => p.tweetId)).toEqual([old2.id, new1.id, new2.id]);
    expect(x.requests[0].query.since_id).toBe(old1.id);

    const { posts, newestId } = await source().fetchUserPosts(USER, old2.id);
    expect(posts.map((p) => p.text)).toEqual(['new 1', 'new 2']);
    expect(newestId).toBe(new2.id);

    const none = await source().fetchUserPosts(USER, new2.id);
    expect(none).toEqual({ posts: [], newestId: null });
  });

  it('follows next_token across pages and gathers every post', async () => {
    const added = Array.from({ length: 23 }, (_, i) => x.addPost({ userId: USER, username: 'hsaka', text: `post ${i}` }));

    const { posts, newestId } = await source({ pageSize: 5 }).fetchUserPosts(USER, null);

    expect(posts.map((p) => p.tweetId)).toEqual(added.map((p) => p.id));
    expect(newestId).toBe(added[22].id);
    expect(x.requests.map((r) => r.query.max_results)).toEqual(['5', '5', '5', '5', '5']);
    expect(x.requests[0].query.pagination_token).toBeUndefined();
    const tokens = x.requests.slice(1).map((r) => r.query.pagination_token);
    expect(tokens.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    expect(new Set(tokens).size).toBe(4);
  });

  it('stops after maxPages, keeping the newest posts and the first page newest_id', async () => {
    const added = Array.from({ length: 12 }, (_, i) => x.addPost({ userId: USER, username: 'hsaka', text: `post ${i}` }));

    const { posts, newestId } = await source({ pageSize: 5, maxPages: 2 }).fetchUserPosts(USER, null);

    expect(posts.map((p) => p.tweetId)).toEqual(added.slice(2).map((p) => p.id));
    expect(newestId).toBe(added[11].id);
    expect(x.requests).toHaveLength(2);
  });

  it('paginates within since_id', async () => {
    const added = Array.from({ length: 14 }, (_, i) => x.addPost({ userId: USER, username: 'hsaka', text: `post ${i}` }));

    const { posts } = await source({ pageSize: 5 }).fetchUserPosts(USER, added[3].id);

    expect(posts.map((p) => p.tweetId)).toEqual(added.slice(4).map((p) => p.id));
    expect(x.requests.every((r) => r.query.since_id === added[3].id)).toBe(true);
  });

  it('returns [] and a null newestId for an empty timeline', async () => {
    x.addPost({ userId: OTHER, username: 'VitalikButerin', text: 'not this user' });

    expect(await source().fetchUserPosts(USER, null)).toEqual({ posts: [], newestId: null });
    expect(x.requests[0].status).toBe(200);
  });

  it('throws XRateLimitedError with resetAt from x-rate-limit-reset on 429', async () => {
    x.addPost({ userId: USER, username: 'cobie', text: 'gm' });
    x.rateLimitNext(120);
    const before = Math.floor(Date.now() / 1000);

    const err = await source()
      .fetchUserPosts(USER, null)
      .catch((e) => e);

    expect(err).toBeInstanceOf(XRateLimitedError);
    expect(err.resetAt).toBeInstanceOf(Date);
    const resetS = err.resetAt.getTime() / 1000;
    expect(Number.isInteger(resetS)).toBe(true);
    expect(resetS).toBeGreaterThanOrEqual(before + 120);
    expect(resetS).toBeLessThanOrEqual(before + 122);
    expect(x.requests[0].status).toBe(429);

    // Only the next request: the one after it succeeds.
    expect((await source().fetchUserPosts(USER, null)).posts).toHaveLength(1);
  });

  it('a 429 on a later page throws too (the caller keeps its sinceId)', async () => {
    Array.from({ length: 8 }, (_, i) => x.addPost({ userId: USER, username: 'hsaka', text: `post ${i}` }));
    const src = source({ pageSize: 5 });
    const orig = (src as any).getPage.bind(src);
    let calls = 0;
    (src as any).getPage = (...args: unknown[]) => {
      if (++calls === 2) x.rateLimitNext();
      return orig(...args);
    };

    await expect(src.fetchUserPosts(USER, null)).rejects.toBeInstanceOf(XRateLimitedError);
    expect(x.requests.map((r) => r.status)).toEqual([200, 429]);
  });

  it('a wrong token fails with the status and X problem text, never the token', async () => {
    const wrong = 'wrong-token-XYZ-123456';
    const err = await new XApiSource({ bearerToken: wrong, baseUrl: x.url }).fetchUserPosts(USER, null).catch((e) => e);

    expect(err).toBeInstanceOf(XApiError);
    expect(err.status).toBe(401);
    expect(err.message).toContain('401');
    expect(err.message).toContain('Unauthorized');
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(TOKEN);
    expect(String(err.stack)).not.toContain(wrong);
    expect(x.requests[0].authOk).toBe(false);
  });

  it('keeps ids above 2^53 exact as strings and orders them numerically', async () => {
    // Adjacent above 2^53 (Number would merge them), plus ids of different length (string order would misplace them).
    const big = ['1850000000000000001', '1850000000000000002', '1850000000000000003'];
    expect(Number(big[0])).toBe(Number(big[1]));
    x.addPost({ userId: USER, username: 'whale', text: 'c', id: big[2] });
    x.addPost({ userId: USER, username: 'whale', text: 'a', id: big[0] });
    x.addPost({ userId: USER, username: 'whale', text: 'b', id: big[1] });
    x.addPost({ userId: USER, username: 'whale', text: 'short', id: '999999999999999999' });

    const all = await source({ pageSize: 5 }).fetchUserPosts(USER, null);
    expect(all.posts.map((p) => p.tweetId)).toEqual(['999999999999999999', ...big]);
    expect(all.newestId).toBe(big[2]);

    const since = await source().fetchUserPosts(USER, big[0]);
    expect(since.posts.map((p) => p.tweetId)).toEqual([big[1], big[2]]);
    expect(x.requests[1].query.since_id).toBe(big[0]);
  });

  it('rejects ids that are not decimal strings before calling X', async () => {
    await expect(source().fetchUserPosts('../1/tweets', null)).rejects.toThrow(/user id/);
    await expect(source().fetchUserPosts(USER, '1.8e18')).rejects.toThrow(/post id/);
    expect(x.requests).toHaveLength(0);
  });

  it('the server speaks X shapes: newest first, fields on request, max_results validated', async () => {
    const a = x.addPost({ userId: USER, username: 'cobie', text: 'one', name: 'Cobie' });
    const b = x.addPost({ userId: USER, username: 'cobie', text: 'two' });
    const auth = { authorization: `Bearer ${TOKEN}` };

    const plain = await fetch(`${x.url}/2/users/${USER}/tweets`, { headers: auth });
    expect(plain.headers.get('x-rate-limit-limit')).toBe('1500');
    expect(plain.headers.get('x-rate-limit-remaining')).toBe('1499');
    expect(Number(plain.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(await plain.json()).toEqual({
      data: [
        { edit_history_tweet_ids: [b.id], id: b.id, text: 'two' },
        { edit_history_tweet_ids: [a.id], id: a.id, text: 'one' },
      ],
      meta: { newest_id: b.id, oldest_id: a.id, result_count: 2 },
    });

    const full = await fetch(`${x.url}/2/users/${USER}/tweets?tweet.fields=created_at,author_id&expansions=author_id`, { headers: auth });
    const body: any = await full.json();
    expect(body.data[0]).toEqual({ created_at: b.createdAt, author_id: USER, edit_history_tweet_ids: [b.id], id: b.id, text: 'two' });
    expect(body.includes).toEqual({ users: [{ id: USER, name: 'cobie', username: 'cobie' }] });

    const tooMany = await fetch(`${x.url}/2/users/${USER}/tweets?max_results=101`, { headers: auth });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      errors: [{ parameters: { max_results: ['101'] }, message: 'The `max_results` query parameter value [101] is not between 5 and 100' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    });

    const badToken = await fetch(`${x.url}/2/users/${USER}/tweets?pagination_token=nope`, { headers: auth });
    expect(badToken.status).toBe(400);
    expect(((await badToken.json()) as any).errors[0].parameters).toEqual({ pagination_token: ['nope'] });

    const noAuth = await fetch(`${x.url}/2/users/${USER}/tweets`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
  });
});

describe('XApiSource against hand-written answers', () => {
  let server: Server;
  let url: string;
  let answer: (res: import('node:http').ServerResponse) => void;

  beforeEach(async () => {
    server = createServer((req, res) => {
      req.resume();
      answer(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const json = (status: number, body: unknown) => (res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('keeps the posts of a 200 answer that also carries partial errors', async () => {
    answer = json(200, {
      data: [
        {
          id: '1850000000000000123',
          text: 'still here',
          author_id: USER,
          created_at: '2024-10-26T02:22:26.000Z',
          edit_history_tweet_ids: ['1850000000000000123'],
        },
      ],
      includes: { users: [{ id: USER, name: 'X', username: 'x' }] },
      errors: [
        {
          title: 'Authorization Error',
          detail: 'Sorry, you are not authorized to see the Tweet with id: [1].',
          type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
        },
      ],
      meta: { result_count: 1, newest_id: '1850000000000000123', oldest_id: '1850000000000000123' },
    });
    const { posts, newestId } = await new XApiSource({ bearerToken: TOKEN, baseUrl: url }).fetchUserPosts(USER, null);
    expect(posts).toEqual([
      { tweetId: '1850000000000000123', authorId: USER, username: 'x', text: 'still here', createdAt: '2024-10-26T02:22:26.000Z' },
    ]);
    expect(newestId).toBe('1850000000000000123');
  });

  it('403 names the status and X title/detail; other statuses name the status', async () => {
    answer = json(403, {
      title: 'Client Forbidden',
      detail: 'This request must be made using an approved developer account.',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
      reason: 'client-not-enrolled',
    });
    const src = new XApiSource({ bearerToken: TOKEN, baseUrl: url });
    const forbidden = await src.fetchUserPosts(USER, null).catch((e) => e);
    expect(forbidden).toMatchObject({ status: 403 });
    expect(forbidden.message).toMatch(/403 Client Forbidden: This request must be made/);
    expect(forbidden.message).not.toContain(TOKEN);

    answer = (res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Unavailable</html>');
    };
    const down = await src.fetchUserPosts(USER, null).catch((e) => e);
    expect(down).toBeInstanceOf(XApiError);
    expect(down.status).toBe(503);
    expect(down.message).toContain('503');
  });

  it('a 429 without x-rate-limit-reset still carries a resetAt', async () => {
    answer = json(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    const err = await new XApiSource({ bearerToken: TOKEN, baseUrl: url }).fetchUserPosts(USER, null).catch((e) => e);
    expect(err).toBeInstanceOf(XRateLimitedError);
    expect(err.resetAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('times out a silent server with AbortSignal.timeout', async () => {
    answer = () => undefined;
    const started = Date.now();
    await expect(new XApiSource({ bearerToken: TOKEN, baseUrl: url, timeoutMs: 200 }).fetchUserPosts(USER, null)).rejects.toThrow(
      /timed out after 200 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
