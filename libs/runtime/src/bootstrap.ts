import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Env } from '@conduit/config';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: string): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level as LogLevel) + 1);
}

/**
 * Starts one service: shutdown hooks on (SIGTERM drains workers, then closes queues and connections),
 * HTTP for /health and /metrics (and the API, for the gateway) on env.PORT.
 */
export async function bootstrapService(
  module: unknown,
  env: Env,
  name: string,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication> {
  const app = await NestFactory.create(module as any, { logger: logLevels(env.LOG_LEVEL), bodyParser: true });
  app.enableShutdownHooks();
  if (configure) await configure(app);
  await app.listen(env.PORT, env.HOST ?? '0.0.0.0');
  new Logger('bootstrap').log(`${name} listening on :${env.PORT}`);
  return app;
}
