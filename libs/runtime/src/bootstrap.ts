import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Env } from '@conduit/config';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: string): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level as LogLevel) + 1);
}

/**
 * Graceful shutdown: on SIGTERM or SIGINT, app.close() runs every lifecycle hook — workers stop taking jobs and
 * wait for their active ones (onModuleDestroy), then queues and connections close (onApplicationShutdown) — and
 * the process exits 0. (Nest's enableShutdownHooks would re-raise the signal instead of exiting 0.) A shutdown
 * that takes longer than SHUTDOWN_TIMEOUT_MS exits 1; the unfinished jobs are picked up again as stalled jobs.
 */
export function exitOnSignals(app: INestApplication, name: string, timeoutMs: number): void {
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
 * Starts one service: graceful shutdown on SIGTERM/SIGINT (see exitOnSignals),
 * HTTP for /health and /metrics (and the API, for the gateway) on env.PORT.
 */
export async function bootstrapService(
  module: unknown,
  env: Env,
  name: string,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication> {
  const app = await NestFactory.create(module as any, { logger: logLevels(env.LOG_LEVEL), bodyParser: true });
  exitOnSignals(app, name, env.SHUTDOWN_TIMEOUT_MS);
  if (configure) await configure(app);
  await app.listen(env.PORT, env.HOST ?? '0.0.0.0');
  new Logger('bootstrap').log(`${name} listening on :${env.PORT}`);
  return app;
}
