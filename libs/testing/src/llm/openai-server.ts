// A local OpenAI chat-completions server for tests: real wire format, scripted replies, a rule-based default
// (a post classification, HOLD for an llm_trader's trading-decision request, a routine wallet event analysis).
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LosslessNumber, stringify } from 'lossless-json';

export type OpenAiReply =
  /** content = JSON.stringify(body); model overrides the response's model (e.g. a dated snapshot name) */
  | { kind: 'json'; body: object; model?: string; usage?: ReplyUsage | null }
  /** content as given: malformed JSON, prose, a fenced block */
  | { kind: 'text'; content: string; model?: string; usage?: ReplyUsage | null }
  /** waits delayMs, then answers with `then` */
  | { kind: 'slow'; delayMs: number; then: OpenAiReply }
  /** an OpenAI error body with this HTTP status */
  | { kind: 'error'; status: number; message: string };

/** The response's usage as scripted (default: about 4 characters a token); null leaves usage out of the response. */
export interface ReplyUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface OpenAiServer {
  /** http://127.0.0.1:port (configure clients with `${url}/v1`) */
  url: string;
  apiKey: string;
  /** Parsed body of every request that reached the endpoint, in order. */
  requests: Array<Record<string, any>>;
  /** Scripts the next answer; when the queue is empty the default responder answers. */
  enqueue(...replies: OpenAiReply[]): void;
  close(): Promise<void>;
}

const PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_${randomBytes(12).toString('hex')}`,
  });
  res.end(text);
}

function errorBody(message: string, type: string, code: string | null = null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('\n');
  return '';
}

/**
 * Unscripted answer: a cashtag plus "long"/"bullish" → LONG (0.8), plus "short"/"bearish" → SHORT (0.8),
 * anything else (or both directions) → not a signal. Reads the last user message only.
 */
export function defaultClassification(userText: string) {
  const tokens = [...new Set([...userText.matchAll(/\$([A-Za-z][A-Za-z0-9]{0,9})\b/g)].map((m) => m[1].toUpperCase()))];
  const long = /\b(long|bullish)\b/i.test(userText);
  const short = /\b(short|bearish)\b/i.test(userText);
  const side = tokens.length && long !== short ? (long ? 'LONG' : 'SHORT') : null;
  return side
    ? {
        is_signal: true,
        tokens,
        side,
        confidence: 0.8,
        reasoning: `default responder: ${side === 'LONG' ? 'long/bullish' : 'short/bearish'} word with a cashtag`,
      }
    : { is_signal: false, tokens, side: null, confidence: 0.2, reasoning: 'default responder: no cashtag with a single direction word' };
}

/** The response_format json_schema name of an llm_trader's decision (libs/signals TRADER_DECISION_SCHEMA_NAME). */
export const TRADING_DECISION_SCHEMA_NAME = 'trading_decision';

/** A trading decision as a test scripts it; numbers may be given as decimal strings and are written as JSON numbers. */
export interface TraderAnswer {
  action: 'OPEN_LONG' | 'OPEN_SHORT' | 'CLOSE_POSITION' | 'HOLD' | string;
  coin: string;
  size_usd: string | number;
  leverage: string | number;
  stop_loss_price: string | number | null;
  take_profit_price: string | number | null;
  confidence: string | number;
  reasoning: string;
}

/** Unscripted answer to a trading-decision request: HOLD. */
export function defaultTraderDecision(): TraderAnswer {
  return {
    action: 'HOLD',
    coin: '',
    size_usd: 0,
    leverage: 1,
    stop_loss_price: null,
    take_profit_price: null,
    confidence: 0.5,
    reasoning: 'default responder: hold',
  };
}

/** A decision answer whose numbers appear digit for digit as given ("1234.567890123" stays exactly that). */
export function traderReply(answer: TraderAnswer, opts: { model?: string; fenced?: boolean; usage?: ReplyUsage | null } = {}): OpenAiReply {
  const num = (v: string | number | null) => (v === null ? null : new LosslessNumber(String(v)));
  const json = stringify({
    action: answer.action,
    coin: answer.coin,
    size_usd: num(answer.size_usd),
    leverage: num(answer.leverage),
    stop_loss_price: num(answer.stop_loss_price),
    take_profit_price: num(answer.take_profit_price),
    confidence: num(answer.confidence),
    reasoning: answer.reasoning,
  })!;
  return { kind: 'text', content: opts.fenced ? `\`\`\`json\n${json}\n\`\`\`` : json, model: opts.model, usage: opts.usage };
}

type Levels = { stop?: string | number | null; takeProfit?: string | number | null };

/** Scripted trading answers: the usual cases of an llm_trader's cycle. */
export const traderReplies = {
  /** An OPEN (sizes and levels as given: over the limits, on the wrong side, in an unknown coin, ...). */
  open: (
    coin: string,
    side: 'LONG' | 'SHORT',
    o: { sizeUsd?: string | number; leverage?: string | number; confidence?: string | number } & Levels = {},
  ): OpenAiReply =>
    traderReply({
      action: side === 'LONG' ? 'OPEN_LONG' : 'OPEN_SHORT',
      coin,
      size_usd: o.sizeUsd ?? '1000',
      leverage: o.leverage ?? 2,
      stop_loss_price: o.stop ?? null,
      take_profit_price: o.takeProfit ?? null,
      confidence: o.confidence ?? '0.7',
      reasoning: `scripted: open ${side} ${coin}`,
    }),
  close: (coin: string): OpenAiReply =>
    traderReply({ ...defaultTraderDecision(), action: 'CLOSE_POSITION', coin, reasoning: `scripted: close ${coin}` }),
  hold: (): OpenAiReply => traderReply(defaultTraderDecision()),
  /** Truncated JSON: a parsing_error. */
  malformed: (): OpenAiReply => ({ kind: 'text', content: '{"action": "OPEN_LONG", "coin": "BTC", "size_usd": 10' }),
  /** Prose instead of JSON: a parsing_error. */
  prose: (): OpenAiReply => ({ kind: 'text', content: 'I would buy some BTC here, the trend looks strong.' }),
  /** Answers only after delayMs: a client with a shorter timeout fails with "timed out". */
  slow: (delayMs: number, then: OpenAiReply = traderReplies.hold()): OpenAiReply => ({ kind: 'slow', delayMs, then }),
};

/** The response_format json_schema name of a wallet event's analysis (libs/signals EVENT_ANALYSIS_SCHEMA_NAME). */
export const EVENT_ANALYSIS_SCHEMA_NAME = 'wallet_event_analysis';

/** A wallet event's analysis as a test scripts it; numbers may be decimal strings and are written as JSON numbers. */
export interface EventAnalysisAnswer {
  classification: string;
  confidence: string | number;
  narrative: string;
  pattern: string | null;
  bias_impact: string | number;
  proposed_action: { action: string; asset: string };
}

/** An analysis answer whose numbers appear digit for digit as given. */
export function eventAnalysisReply(answer: EventAnalysisAnswer, opts: { model?: string } = {}): OpenAiReply {
  const content = stringify({
    ...answer,
    confidence: new LosslessNumber(String(answer.confidence)),
    bias_impact: new LosslessNumber(String(answer.bias_impact)),
  })!;
  return { kind: 'text', content, model: opts.model };
}

/** Unscripted answer to a wallet event's analysis: routine, no pressure, for the asset the user message names. */
export function defaultEventAnalysis(userText: string): EventAnalysisAnswer {
  let asset = '';
  try {
    asset = String(JSON.parse(userText)?.event?.asset ?? '');
  } catch {
    // not the analyst's message: an empty asset, which the analyst rejects
  }
  return {
    classification: 'routine',
    confidence: 0.5,
    narrative: 'default responder: routine move',
    pattern: null,
    bias_impact: 0,
    proposed_action: { action: 'NONE', asset },
  };
}

const approxTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export async function startOpenAiServer(opts: { apiKey?: string } = {}): Promise<OpenAiServer> {
  const apiKey = opts.apiKey ?? `sk-test-${randomBytes(16).toString('hex')}`;
  const queue: OpenAiReply[] = [];
  const requests: Array<Record<string, any>> = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: Record<string, any>, res: ServerResponse, reply: OpenAiReply) => {
    if (reply.kind === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(req, res, reply.then);
      }, reply.delayMs);
      timers.add(timer);
      // The client gave up (timeout): drop the pending answer.
      res.on('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    if (reply.kind === 'error') {
      const type = reply.status >= 500 ? 'server_error' : 'invalid_request_error';
      sendJson(res, reply.status, errorBody(reply.message, type));
      return;
    }
    const content = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.content;
    const promptText = (req.messages as any[]).map((m) => messageText(m?.content)).join('\n');
    const prompt_tokens = approxTokens(promptText);
    const completion_tokens = approxTokens(content);
    const usage =
      reply.usage === undefined ? { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens } : reply.usage;
    sendJson(res, 200, {
      id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? req.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      ...(usage ? { usage } : {}),
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || !PATHS.has(path)) {
      sendJson(res, 404, errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error'));
      return;
    }
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    } catch {
      sendJson(res, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error'));
      return;
    }
    requests.push(body);
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${apiKey}`) {
      // Echoes the presented key in full (real OpenAI masks it), so tests catch a client that leaks error text unredacted.
      const presented = auth.replace(/^Bearer\s+/i, '');
      const message = presented ? `Incorrect API key provided: ${presented}.` : "You didn't provide an API key.";
      sendJson(res, 401, errorBody(message, 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    if (typeof body.model !== 'string' || !body.model) {
      sendJson(res, 400, errorBody('you must provide a model parameter', 'invalid_request_error', null, 'model'));
      return;
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      const message = Array.isArray(body.messages) ? "Invalid 'messages': empty array." : "Missing required parameter: 'messages'.";
      sendJson(
        res,
        400,
        errorBody(
          message,
          'invalid_request_error',
          Array.isArray(body.messages) ? 'empty_array' : 'missing_required_parameter',
          'messages',
        ),
      );
      return;
    }
    const scripted = queue.shift();
    if (scripted) {
      answer(body, res, scripted);
      return;
    }
    if (body.response_format?.json_schema?.name === TRADING_DECISION_SCHEMA_NAME) {
      answer(body, res, traderReply(defaultTraderDecision()));
      return;
    }
    const lastUser = [...body.messages].reverse().find((m: any) => m?.role === 'user');
    if (body.response_format?.json_schema?.name === EVENT_ANALYSIS_SCHEMA_NAME) {
      answer(body, res, eventAnalysisReply(defaultEventAnalysis(messageText(lastUser?.content))));
      return;
    }
    answer(body, res, { kind: 'json', body: defaultClassification(messageText(lastUser?.content)) });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
