/**
 * Local servers the notifier's channels talk to in tests (test support, not product code): a webhook receiver that
 * verifies the signature, a Telegram Bot API server (sendMessage) and an SMTP server (smtp-server). Each records what
 * it accepted, and can refuse the next N requests (an answered error) or hold requests unanswered (a send in flight).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** What the HTTP fakes share: failing the next N requests (HTTP 500), holding requests (never answered). */
abstract class HttpFake {
  protected server!: Server;
  url = '';
  /** Requests answered 500 (not recorded as delivered). */
  refused = 0;
  private failing = 0;
  private holding = false;
  private held: ServerResponse[] = [];

  /** The next `n` requests are answered HTTP 500. */
  failNext(n: number): void {
    this.failing = n;
  }

  /** Requests are recorded but not answered until release() (a send in flight when its sender dies). */
  hold(on = true): void {
    this.holding = on;
  }

  /** Answers the held requests by destroying their connections. */
  release(): void {
    this.holding = false;
    for (const res of this.held.splice(0)) res.destroy();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = await listen(this.server);
    return this;
  }

  async close(): Promise<void> {
    this.release();
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.failing > 0) {
      this.failing--;
      this.refused++;
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"scripted failure"}');
      return;
    }
    const answer = this.accept(req, body);
    if (this.holding) {
      this.held.push(res);
      return;
    }
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  /** Records an accepted request; the answer to send. */
  protected abstract accept(req: IncomingMessage, body: string): { status: number; body: unknown };
}

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: any;
  /** The signature matched HMAC-SHA256(secret, `${timestamp}.${body}`). */
  verified: boolean;
}

/** A webhook endpoint at `${url}/hook`: records each POST and whether its X-Conduit-Signature verifies under `secret`. */
export class WebhookReceiver extends HttpFake {
  readonly received: ReceivedWebhook[] = [];

  constructor(readonly secret: string) {
    super();
  }

  protected accept(req: IncomingMessage, raw: string) {
    const timestamp = String(req.headers['x-conduit-timestamp'] ?? '');
    const signature = String(req.headers['x-conduit-signature'] ?? '');
    const expected = createHmac('sha256', this.secret).update(`${timestamp}.${raw}`).digest('hex');
    const verified =
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected)) &&
      Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
    this.received.push({ headers: req.headers as Record<string, string>, body: JSON.parse(raw), verified });
    return { status: verified ? 200 : 401, body: { ok: verified } };
  }
}

export interface TelegramMessage {
  token: string;
  chat_id: string;
  text: string;
}

/** Telegram's Bot API, the one method the notifier uses: POST /bot<token>/sendMessage {chat_id, text}. */
export class TelegramServer extends HttpFake {
  readonly messages: TelegramMessage[] = [];
  private nextId = 1;

  constructor(readonly token = 'test-bot-token') {
    super();
  }

  protected accept(req: IncomingMessage, raw: string) {
    const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    if (m[1] !== this.token) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    const body = JSON.parse(raw || '{}');
    if (!body.chat_id || !body.text)
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat_id and text are required' } };
    this.messages.push({ token: m[1], chat_id: String(body.chat_id), text: body.text });
    return {
      status: 200,
      body: {
        ok: true,
        result: { message_id: this.nextId++, chat: { id: body.chat_id }, date: Math.floor(Date.now() / 1000), text: body.text },
      },
    };
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** An SMTP server (no TLS, no auth) recording each accepted mail; failNext(n) answers the next n mails 451. */
export class SmtpTestServer {
  readonly mails: ReceivedMail[] = [];
  url = '';
  private server!: SMTPServer;
  private failing = 0;

  failNext(n: number): void {
    this.failing = n;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (raw += c));
        stream.on('end', () => {
          if (this.failing > 0) {
            this.failing--;
            const err = Object.assign(new Error('scripted failure, try again later'), { responseCode: 451 });
            return callback(err);
          }
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = ((this.server as any).server.address() as AddressInfo).port;
    this.url = `smtp://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
