import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { pinnedLookup, Resolve, resolveWebhookHost, systemResolve, WebhookAddressError } from '@conduit/runtime';
import { NOT_CONNECTED, SendError } from './send-error';

export interface WebhookPostOptions {
  /** The whole send: connection, request and the answer's status. */
  timeoutMs: number;
  /** NOTIFY_WEBHOOK_ALLOW_PRIVATE: skip the address check (the connection is still pinned to what was resolved). */
  allowPrivate: boolean;
  /** How the host's name is resolved (tests give their own). */
  resolve?: Resolve;
}

/**
 * POSTs a webhook (a URL a user chose) under the SSRF guard: the host is resolved once and every address checked
 * (libs/runtime/src/webhook-address.ts), the connection goes only to those addresses (a pinned lookup: a second,
 * rebound answer is never asked for), and a redirect is refused, not followed. Resolves once a 2xx answered; throws a
 * SendError. Errors name the URL's origin only: its path and query may carry the receiver's token, and they are logged.
 *
 * - a destination that is not public: failed at once (not retried; the settings must change);
 * - the name does not resolve, the connection is refused, a redirect or another non-2xx answer: definite (nothing was
 *   delivered), retried;
 * - a timeout or a connection lost after the request went out: uncertain, not sent again.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, opts: WebhookPostOptions): Promise<void> {
  const target = new URL(url);
  const where = target.origin;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveWebhookHost(target.hostname, opts.allowPrivate, opts.resolve ?? systemResolve);
  } catch (err) {
    if (!(err instanceof WebhookAddressError)) throw err;
    if (err.reason === 'private')
      throw new SendError(`${where}: refused, ${err.message}; webhooks go to public addresses only (NOTIFY_WEBHOOK_ALLOW_PRIVATE)`, false);
    throw new SendError(`${where}: ${err.message}`, true);
  }
  const https = target.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    let connected = false; // the request could have left only once the connection (TLS included) was up
    let settled = false;
    const settle = (err?: SendError) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...headers },
        lookup: pinnedLookup(addresses) as any,
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => answered(res, where, settle),
    );
    req.on('socket', (socket) => socket.once(https ? 'secureConnect' : 'connect', () => (connected = true)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code;
      const what =
        err.name === 'AbortError' || code === 'ABORT_ERR' ? `timeout after ${opts.timeoutMs} ms` : `${code ?? err.name} ${err.message}`;
      settle(new SendError(`${where}: ${what}`.trim(), !connected || NOT_CONNECTED.has(code ?? '')));
    });
    req.end(body);
  });
}

/** The answer: 2xx accepted; a redirect refused; anything else an answered error (with the start of its body). */
function answered(res: IncomingMessage, where: string, settle: (err?: SendError) => void): void {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    res.resume();
    return settle();
  }
  if (status >= 300 && status < 400) {
    res.resume();
    return settle(new SendError(`HTTP ${status} from ${where}: redirect refused (webhooks do not follow redirects)`, true));
  }
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    if (text.length < 200) text += chunk;
  });
  const done = () => settle(new SendError(`HTTP ${status} ${text.slice(0, 200)}`.trim(), true));
  res.on('end', done);
  res.on('close', done);
  res.on('error', done);
}
