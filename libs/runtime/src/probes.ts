import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import type { HealthReport } from './health';

/**
 * What a worker's probe server answers from: the health report (GET /health), the readiness report (GET
 * /health/ready) and the Prometheus exposition. GET /health/live needs none: the server answering is the answer.
 */
export interface ProbeSources {
  health(): Promise<HealthReport>;
  ready(): Promise<HealthReport>;
  metrics(): Promise<string>;
}

const NO_CACHE = { 'Cache-Control': 'no-cache, no-store, must-revalidate' };

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const json = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);

async function answer(sources: ProbeSources, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
  const readable = req.method === 'GET' || req.method === 'HEAD';
  if (readable && (path === '/health' || path === '/health/ready')) {
    const report = await (path === '/health' ? sources.health() : sources.ready());
    // As the gateway answers it: the report, 200 when ok and 503 otherwise, never cached.
    return json(res, report.status === 'ok' ? 200 : 503, report, NO_CACHE);
  }
  if (readable && path === '/health/live') return json(res, 200, { status: 'ok' }, NO_CACHE);
  if (readable && path === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', await sources.metrics());
  json(res, 404, { message: `Cannot ${req.method} ${path}`, error: 'Not Found', statusCode: 404 });
}

/**
 * A worker's HTTP surface: GET /health, /health/live, /health/ready and GET /metrics on a plain Node server (a worker
 * serves nothing else, so it needs no HTTP framework: Express and its middleware stay out of the process). Resolves
 * once listening.
 */
export function serveProbes(sources: ProbeSources, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    answer(sources, req, res).catch((e: Error) => {
      if (!res.headersSent) json(res, 500, { message: e.message, statusCode: 500 });
      else res.destroy(e);
    });
  });
  // Probes are short; an idle keep-alive connection must not hold the shutdown.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The port the server listens on (tests listen on port 0). */
export const probePort = (server: Server) => (server.address() as AddressInfo).port;

/** Stops accepting connections and ends the idle ones; resolves once closed. */
export function closeProbes(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
