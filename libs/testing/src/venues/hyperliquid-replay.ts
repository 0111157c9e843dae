/**
 * Replays recorded Hyperliquid answers (test support, not product code): a local HTTP server that answers POST /info
 * with the response recorded for that request body, and POST /exchange with the one recorded for that action (the
 * signature is not checked: the local server of ./hyperliquid-server.ts does that). A request nothing was recorded for
 * answers HTTP 422 naming it, so the client under test fails loudly. Every request is kept for shape checks.
 *
 * Bodies match as JSON values: key order, null fields and the case of hex strings (addresses, cloids) do not count.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { readVectors } from '../vectors';

export interface HlRecording {
  /** '/info' (default) or '/exchange'. */
  path?: '/info' | '/exchange';
  /** The recorded /info body, or the action of an /exchange body. */
  request: Record<string, unknown>;
  response: unknown;
  /** Fields of the recorded request a client may leave out (endTime: "up to now"). */
  optional?: string[];
  /** Where it was recorded (file and entry), for failure messages. */
  source?: string;
}

export interface HlReplayRequest {
  path: string;
  body: any;
  /** The recording that answered, or null when none matched. */
  answeredBy: HlRecording | null;
}

/** The python SDK's VCR cassette `name` of hyperliquid_api/pysdk_info_cassettes.json, as recordings. */
export function pysdkCassette(name: string): HlRecording[] {
  const cassette = readVectors('hyperliquid_api/pysdk_info_cassettes.json').cassettes[name] as any[] | undefined;
  if (!cassette) throw new Error(`no cassette ${name} in hyperliquid_api/pysdk_info_cassettes.json`);
  return cassette.map((e, i) => ({ request: e.request_body, response: e.response_body, source: `pysdk ${name}[${i}]` }));
}

/**
 * Every /info request body recorded from other clients: the python SDK's cassettes and CCXT's static request tests
 * (hyperliquid_api/ccxt_static_requests.json), for comparing the shape of a client's requests with them.
 */
export function recordedInfoRequests(): Record<string, unknown>[] {
  const cassettes = readVectors('hyperliquid_api/pysdk_info_cassettes.json').cassettes as Record<string, any[]>;
  const ccxt = readVectors('hyperliquid_api/ccxt_static_requests.json').entries as any[];
  return [
    ...Object.values(cassettes).flatMap((entries) => entries.map((e) => e.request_body)),
    ...ccxt.filter((e) => String(e.url).endsWith('/info')).map((e) => e.output),
  ];
}

/** The JSON the GitBook's API docs show under `section` (its `index`th block that parses), from gitbook_examples.json. */
export function gitbookExample(section: string, index = 0): any {
  const found = (readVectors('hyperliquid_api/gitbook_examples.json').sections as any[]).find((s) => s.section === section);
  const parsed = (found?.blocks ?? []).filter((b: any) => b.parsed !== undefined);
  if (!parsed[index]) throw new Error(`no parsed example ${index} under "${section}" in hyperliquid_api/gitbook_examples.json`);
  return parsed[index].parsed;
}

/**
 * Requests whose shape (fields and the kind of each value: address, other hex, string, number, boolean, object) no
 * recorded request of the same type has. A recorded field may be missing from a request only if it is `optional`.
 */
export function unrecordedShapes(requests: Record<string, unknown>[], recorded: Record<string, unknown>[], optional: string[] = []) {
  const kind = (v: unknown) =>
    typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)
      ? 'address'
      : typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)
        ? 'hex'
        : Array.isArray(v)
          ? 'array'
          : typeof v;
  const shape = (body: Record<string, unknown>) =>
    new Map(
      Object.entries(body)
        .filter(([, v]) => v != null)
        .map(([k, v]) => [k, kind(v)] as const),
    );
  const fits = (ours: Map<string, string>, theirs: Map<string, string>) =>
    [...ours].every(([k, t]) => theirs.get(k) === t) && [...theirs.keys()].every((k) => ours.has(k) || optional.includes(k));
  return requests.filter((r) => !recorded.some((rec) => rec.type === r.type && fits(shape(r), shape(rec))));
}

export async function startHyperliquidReplay(recordings: HlRecording[]): Promise<HyperliquidReplay> {
  const replay = new HyperliquidReplay(recordings);
  await replay.listen();
  return replay;
}

export class HyperliquidReplay {
  /** Every request, in arrival order. */
  readonly requests: HlReplayRequest[] = [];
  private readonly server: Server;
  private baseUrl = '';

  constructor(private readonly recordings: HlRecording[]) {
    this.server = createServer((req, res) => void this.route(req, res));
  }

  /** http://127.0.0.1:PORT — pass it as the SDK's apiUrl. */
  get url(): string {
    return this.baseUrl;
  }

  /** Requests no recording answered. */
  get unmatched(): HlReplayRequest[] {
    return this.requests.filter((r) => !r.answeredBy);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '';
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 422, 'text/plain', 'the body is not JSON');
    }
    const answeredBy = this.recordingFor(path, body);
    this.requests.push({ path, body, answeredBy });
    if (!answeredBy) return send(res, 422, 'text/plain', `no recording for POST ${path} ${JSON.stringify(body)}`);
    send(res, 200, 'application/json', JSON.stringify(answeredBy.response));
  }

  private recordingFor(path: string, body: any): HlRecording | null {
    const request = path === '/exchange' ? body?.action : body;
    if (request == null || typeof request !== 'object') return null;
    return (
      this.recordings.find((r) => (r.path ?? '/info') === path && canonical(r.request, r.optional) === canonical(request, r.optional)) ??
      null
    );
  }
}

/** A JSON value with sorted keys, no null fields, hex in lowercase; the `omit` fields of the top level left out. */
function canonical(value: Record<string, unknown>, omit: string[] = []): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (typeof v === 'string') return /^0x[0-9a-fA-F]+$/.test(v) ? v.toLowerCase() : v;
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v).filter(([, x]) => x != null);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, norm(x)]));
  };
  return JSON.stringify(norm(Object.fromEntries(Object.entries(value).filter(([k]) => !omit.includes(k)))));
}

function send(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(text);
}
