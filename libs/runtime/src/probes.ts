import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import type { DrainReport, HealthReport } from './health';

/**
 * What a worker's probe server answers from: the health report (GET /health), the readiness report (GET
 * /health/ready), the Prometheus exposition and the drain (POST /drain, when given). GET /health/live needs none:
 * the server answering is the answer.
 */
export interface ProbeSources {
  health(): Promise<HealthReport>;
  ready(): Promise<HealthReport>;
  metrics(): Promise<string>;
  drain?(): Promise<DrainReport>;
}

/**
 * Whether a peer address is this host's loopback: 127.0.0.0/8, ::1, or either as an IPv4-mapped IPv6 address (a
 * server listening on `::` or `0.0.0.0` sees `::ffff:127.0.0.1`). POST /drain is for the pod's own preStop only: a
 * peer elsewhere (another pod, the node, the ingress) is refused.
 */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  // Node gives the peer in its canonical form: `::1`, never `0:0:0:0:0:0:0:1`.
  if (address === '::1') return true;
  return /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(address.toLowerCase().replace(/^::ffff:/, ''));
}

/** POST /drain's status: 200 once drained, 504 past the bound with jobs still active, 500 when a worker could not pause. */
const DRAIN_STATUS: Record<DrainReport['status'], number> = { drained: 200, timeout: 504, failed: 500 };

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
  if (req.method === 'POST' && path === '/drain' && sources.drain) {
    if (!isLoopback(req.socket.remoteAddress))
      return json(res, 403, { message: 'POST /drain is accepted from the loopback only', error: 'Forbidden', statusCode: 403 });
    const report = await sources.drain();
    return json(res, DRAIN_STATUS[report.status], report, NO_CACHE);
  }
  json(res, 404, { message: `Cannot ${req.method} ${path}`, error: 'Not Found', statusCode: 404 });
}

/**
 * A worker's HTTP surface: GET /health, /health/live, /health/ready and GET /metrics on a plain Node server (a worker
 * serves nothing else, so it needs no HTTP framework: Express and its middleware stay out of the process), and POST
 * /drain from the loopback (the pod's preStop: see HealthService.drain). Resolves once listening.
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
