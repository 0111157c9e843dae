import { Server } from 'http';
import { INestApplication, INestApplicationContext, INestMicroservice, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { Env } from '@conduit/config';
import { RpcServer } from '@conduit/queue';
import { shutdownTracing } from '@conduit/telemetry';
import { HealthService } from './health';
import { MetricsService } from './metrics';
import { closeProbes, serveProbes } from './probes';

/**
 * Graceful shutdown: on SIGTERM or SIGINT, app.close() runs every lifecycle hook — workers stop taking jobs and
 * wait for their active ones (onModuleDestroy), then queues and connections close (onApplicationShutdown) — and
 * the process exits 0. (Nest's enableShutdownHooks would re-raise the signal instead of exiting 0.) A shutdown
 * that takes longer than SHUTDOWN_TIMEOUT_MS exits 1; the unfinished jobs are picked up again as stalled jobs.
 */
export function exitOnSignals(app: Pick<INestApplicationContext, 'close'>, name: string, timeoutMs: number): void {
  const logger = new Logger('shutdown');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${name}: ${signal} received, draining`);
    const force = setTimeout(() => {
      logger.error(`${name}: shutdown took longer than ${timeoutMs} ms`);
      process.exit(1);
    }, timeoutMs);
    force.unref();
    app
      .close()
      // The spans still buffered are exported before the process exits; a collector away costs them, not the exit code.
      .then(() => shutdownTracing().catch((e) => logger.warn(`${name}: the last spans were not exported: ${e?.message ?? e}`)))
      .then(() => process.exit(0))
      .catch((e) => {
        logger.error(`${name}: shutdown failed: ${e?.message ?? e}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Starts a service with an HTTP API (the gateway, all-in-one): graceful shutdown on SIGTERM/SIGINT (see
 * exitOnSignals), the API and /health and /metrics on env.PORT through Nest's Express adapter.
 */
export async function bootstrapService(
  module: unknown,
  env: Env,
  name: string,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication> {
  // Logs are buffered until the pino logger (RuntimeModule, logging.ts) takes over: JSON lines from the first.
  const app = await NestFactory.create(module as any, { bufferLogs: true, bodyParser: true });
  app.useLogger(app.get(PinoLogger));
  exitOnSignals(app, name, env.SHUTDOWN_TIMEOUT_MS);
  if (configure) await configure(app);
  await app.listen(env.PORT, env.HOST ?? '0.0.0.0');
  new Logger('bootstrap').log(`${name} listening on :${env.PORT}`);
  return app;
}

/**
 * Starts a worker (signal, policy, router, executor, billing): a Nest application context, without an HTTP adapter,
 * and GET /health, /health/live, /health/ready and GET /metrics on env.PORT from a plain Node server (see probes.ts):
 * the same answers as the gateway's, without Express in the process. Graceful shutdown as exitOnSignals; /health and
 * /health/ready say `shutting_down` (503) while the jobs drain; /health/live stays 200 until the process exits. POST
 * /drain, from the loopback (the pod's preStop), pauses the workers before the SIGTERM (HealthService.drain). With
 * `rpc`, the context is a Nest microservice on the RPC channel (RpcServer, the queues' Redis): its @MessagePattern
 * handlers answer questions (issue 17), and app.close() unsubscribes first.
 */
export async function bootstrapWorker(
  module: unknown,
  env: Env,
  name: string,
  options: { rpc?: boolean } = {},
): Promise<INestApplicationContext> {
  const app = options.rpc
    ? await NestFactory.createMicroservice(module as any, { strategy: new RpcServer(env), bufferLogs: true })
    : await NestFactory.createApplicationContext(module as any, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  let server: Server | null = null;
  const close = async () => {
    await app.close();
    if (server) await closeProbes(server);
  };
  exitOnSignals({ close }, name, env.SHUTDOWN_TIMEOUT_MS);
  // A microservice's context initialises in listen(), which subscribes its patterns once every module has started.
  if (options.rpc) await (app as INestMicroservice).listen();
  const health = app.get(HealthService);
  const metrics = app.get(MetricsService);
  const sources = {
    health: () => health.check(),
    ready: () => health.ready(),
    metrics: () => metrics.registry.metrics(),
    // The pod's preStop: stop taking jobs and wait for the active ones, as long as a shutdown may take.
    drain: () => health.drain(env.SHUTDOWN_TIMEOUT_MS),
  };
  server = await serveProbes(sources, env.PORT, env.HOST ?? '0.0.0.0');
  new Logger('bootstrap').log(`${name} listening on :${env.PORT}${options.rpc ? ' and on the RPC channel' : ''}`);
  return app;
}
