import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import type { HealthReport } from './health';

/** What a worker's probe server answers from: the health report and the Prometheus exposition. */
export interface ProbeSources {
  health(): Promise<HealthReport>;
  metrics(): Promise<string>;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const json = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);

async function answer(sources: ProbeSources, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
  const readable = req.method === 'GET' || req.method === 'HEAD';
  if (readable && path === '/health') {
    const report = await sources.health();
    // As the gateway answers it: the report, 200 when ok and 503 otherwise, never cached.
    return json(res, report.status === 'ok' ? 200 : 503, report, { 'Cache-Control': 'no-cache, no-store, must-revalidate' });
  }
  if (readable && path === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', await sources.metrics());
  json(res, 404, { message: `Cannot ${req.method} ${path}`, error: 'Not Found', statusCode: 404 });
}

/**
 * A worker's HTTP surface: GET /health and GET /metrics on a plain Node server (a worker serves nothing else, so
 * it needs no HTTP framework: Express and its middleware stay out of the process). Resolves once listening.
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
