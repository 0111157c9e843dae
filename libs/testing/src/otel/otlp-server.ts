import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';

/** One span as an OTLP/HTTP JSON export carries it, with its service (resource attribute service.name) beside it. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

export interface OtlpServer {
  /** The base URL to give OTEL_EXPORTER_OTLP_ENDPOINT (spans are POSTed to <url>/v1/traces). */
  url: string;
  /** Every span received so far. */
  spans: ReceivedSpan[];
  /** Every request body received, as text (to grep for what must never leave a service). */
  bodies: string[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
const value = (v: AnyValue): string | number | boolean =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue ?? '';
const attributes = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));

/**
 * A trace collector's receiving end, OTLP over HTTP with the JSON encoding (POST /v1/traces, as the OpenTelemetry
 * exporters send it; gzip accepted), keeping what it receives in memory for a test to read. Anything else is a 415
 * or 404, as a collector answers.
 */
export async function startOtlpServer(): Promise<OtlpServer> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  const receive = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') return res.writeHead(404).end();
    if (!String(req.headers['content-type']).startsWith('application/json')) return res.writeHead(415).end();
    let raw = await read(req);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const text = raw.toString('utf8');
    bodies.push(text);
    const body = JSON.parse(text);
    for (const rs of body.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          spans.push({
            service,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || null,
            name: s.name,
            kind: s.kind,
            attributes: attributes(s.attributes),
          });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"partialSuccess":{}}');
  };
  const server: Server = createServer((req, res) => {
    receive(req, res).catch(() => res.writeHead(400).end()); // not OTLP JSON: a collector answers 400
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
