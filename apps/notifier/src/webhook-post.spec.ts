import { createServer, Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { AddressInfo } from 'node:net';
import { WebhookReceiver } from '@conduit/testing';
import { webhookSignature } from './channels';
import { SendError } from './send-error';
import { postWebhook } from './webhook-post';

const SECRET = 'webhook-secret-0123456789abcdef';

/** A resolver answering from a table, counting its calls. */
function resolver(table: Record<string, string[]>) {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    calls.push(host);
    return (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

/** The SendError a send ended with (fails the test if it was delivered). */
const failure = (p: Promise<void>): Promise<SendError> =>
  p.then(
    () => {
      throw new Error('expected the send to fail, it was delivered');
    },
    (e) => {
      expect(e).toBeInstanceOf(SendError);
      return e as SendError;
    },
  );

/**
 * The webhook's POST under the SSRF guard, against a local receiver: the connection goes only to the address that was
 * resolved and checked, non-public destinations are refused before any connection, redirects are not followed.
 */
describe('postWebhook', () => {
  const hook = new WebhookReceiver(SECRET);
  let redirector: Server;
  let redirectUrl = '';
  let port = 0;
  const body = (marker: string) => JSON.stringify({ payload: { marker } });
  /** The signature headers the receiver checks. */
  const signed = (b: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return { 'X-Conduit-Timestamp': timestamp, 'X-Conduit-Signature': webhookSignature(SECRET, timestamp, b) };
  };
  const got = (marker: string) => hook.received.filter((r) => r.body.payload.marker === marker);
  const allowed = { timeoutMs: 5000, allowPrivate: true };
  const guarded = { timeoutMs: 5000, allowPrivate: false };

  beforeAll(async () => {
    await hook.start();
    port = Number(new URL(hook.url).port);
    // answers every request with a redirect to the receiver
    redirector = createServer((_req, res) => res.writeHead(302, { Location: `${hook.url}/hook` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await hook.close();
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
  });

  it('connects to the address it resolved, not to a second answer for the name', async () => {
    // a name that exists nowhere but in this resolver: the POST arrives only if the connection used its answer
    const pinned = resolver({ 'rebind.invalid': ['127.0.0.1'] });
    await postWebhook(`http://rebind.invalid:${port}/hook`, body('pinned'), signed(body('pinned')), { ...allowed, resolve: pinned });
    expect(got('pinned')).toHaveLength(1);
    expect(got('pinned')[0].verified).toBe(true);
    expect(got('pinned')[0].headers.host).toBe(`rebind.invalid:${port}`);
    expect(pinned.calls).toEqual(['rebind.invalid']);

    // localhost is 127.0.0.1 to the system, where the receiver listens; this resolver said 127.0.0.2, where nothing does
    const rebound = resolver({ localhost: ['127.0.0.2'] });
    const refused = await failure(postWebhook(`http://localhost:${port}/hook`, body('rebound'), {}, { ...allowed, resolve: rebound }));
    expect(refused.message).toBe(`http://localhost:${port}: ECONNREFUSED connect ECONNREFUSED 127.0.0.2:${port}`);
    expect(refused.definite).toBe(true);
    expect(got('rebound')).toHaveLength(0);
  });

  it('refuses a non-public destination before connecting: failed, not retried, the receiver gets nothing', async () => {
    const names = resolver({ 'mixed.example': ['8.8.8.8', '127.0.0.1'] });
    const cases: [string, string][] = [
      [`http://127.0.0.1:${port}/hook`, `127.0.0.1 is not a public address (loopback)`],
      [`http://[::ffff:127.0.0.1]:${port}/hook`, `::ffff:7f00:1 is not a public address (IPv4-mapped loopback)`],
      [`http://mixed.example:${port}/hook`, `mixed.example resolves to 127.0.0.1, not a public address (loopback)`],
    ];
    for (const [url, why] of cases) {
      const refused = await failure(postWebhook(url, body('guarded'), {}, { ...guarded, resolve: names }));
      expect(refused.message).toBe(
        `${new URL(url).origin}: refused, ${why}; webhooks go to public addresses only (NOTIFY_WEBHOOK_ALLOW_PRIVATE)`,
      );
      expect(refused.definite).toBe(false);
    }
    // the system resolver: localhost is loopback
    const local = await failure(postWebhook(`http://localhost:${port}/hook`, body('guarded'), {}, guarded));
    expect(local.message).toMatch(
      new RegExp(`^http://localhost:${port}: refused, localhost resolves to (127\\.0\\.0\\.1|::1), not a public`),
    );
    expect(got('guarded')).toHaveLength(0);
  });

  it('does not follow a redirect: a definite failure naming it, and the redirect target gets nothing', async () => {
    const refused = await failure(postWebhook(redirectUrl, body('redirected'), {}, allowed));
    expect(refused.message).toBe(`HTTP 302 from ${new URL(redirectUrl).origin}: redirect refused (webhooks do not follow redirects)`);
    expect(refused.definite).toBe(true);
    expect(got('redirected')).toHaveLength(0);
  });

  it('names the origin only in its errors, never the path or query (they may hold the receiver token)', async () => {
    const closed = resolver({ 'closed.invalid': ['127.0.0.3'] });
    const url = `http://user:pw-secret@closed.invalid:${port}/hooks/path-secret?token=query-secret`;
    const refused = await failure(postWebhook(url, body('closed'), {}, { ...allowed, resolve: closed }));
    expect(refused.message).toBe(`http://closed.invalid:${port}: ECONNREFUSED connect ECONNREFUSED 127.0.0.3:${port}`);
    expect(refused.message).not.toMatch(/secret/);
  });

  it('an answer that does not come in time is uncertain (the request went out): not sent again', async () => {
    hook.hold();
    try {
      const late = await failure(postWebhook(`${hook.url}/hook`, body('held'), {}, { ...allowed, timeoutMs: 300 }));
      expect(late.message).toBe(`${hook.url}: timeout after 300 ms`);
      expect(late.definite).toBe(false);
      expect(got('held')).toHaveLength(1); // it did arrive: why a timeout is not retried
    } finally {
      hook.release();
    }
  });
});
