import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { Env } from '@conduit/config';
import { jobLogContext } from '@conduit/queue';
import { activeSpanId, redactQuery } from '@conduit/telemetry';

/** Env LOG_LEVEL (Nest's names) as pino's levels. */
const LEVEL: Record<string, string> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Paths pino replaces with [Redacted] wherever a logged object carries them (top level or one level down): credentials
 * in headers, and the secret fields of our rows and payloads. Messages are text and not redacted: code never puts a
 * secret in one (test/logs.e2e.spec.ts greps a run's logs for seeded secrets).
 */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'password_hash',
  'new_password',
  'totp_code',
  'two_fa_secret',
  'token',
  'access_token',
  'refresh_token',
  'token_hash',
  'secret',
  'api_key',
  'apiKey',
  'private_key',
  'privateKey',
  'signature',
  'hyperliquid_agent_key_encrypted',
  'ostium_agent_key_encrypted',
  'gmx_agent_key_encrypted',
  'spot_agent_key_encrypted',
  'webhook_secret_encrypted',
  'master_key',
  'MASTER_KEY',
];
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];

/**
 * A request URL with the values of secret query parameters replaced (the stream takes its bearer token as ?token=):
 * the same redaction as the traces' (@conduit/telemetry's redactQuery), so a log line and a span say the same.
 */
export const safeUrl = (url: string | undefined) => redactQuery(url ?? '');

let destinationOverride: DestinationStream | null = null;

/** Where the services' logs go instead of stdout (tests capture a run's logs this way); null: stdout again. */
export function setLogDestination(destination: DestinationStream | null): void {
  destinationOverride = destination;
}

/**
 * The pino options of a service: JSON lines with level (its name), time (ISO), service, msg, and, written while a
 * job runs, its trace_id, job_id, queue and job_name (pino's mixin reads the job's log context); request lines carry
 * trace_id as pino-http's request id (see loggerModule). LOG_LEVEL is Nest's level names (log = pino's info).
 */
export function loggerOptions(env: Pick<Env, 'LOG_LEVEL'>, service: string): LoggerOptions {
  return {
    level: LEVEL[env.LOG_LEVEL] ?? 'info',
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const job = jobLogContext();
      const span = activeSpanId(); // when the process traces: the span the line was written in
      const ids = span ? { span_id: span } : {};
      return job ? { trace_id: job.traceId, job_id: job.jobId, queue: job.queue, job_name: job.jobName, ...ids } : ids;
    },
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
  };
}

/** The service's root logger: to the test destination if one is set, pino-pretty with LOG_FORMAT=pretty, else stdout. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>, service: string): Logger {
  const options = loggerOptions(env, service);
  if (destinationOverride) return pino(options, destinationOverride);
  if (env.LOG_FORMAT === 'pretty') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a development dependency, loaded only when asked for
      const pretty = require('pino-pretty') as (o: object) => DestinationStream;
      return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' }));
    } catch {
      const logger = pino(options);
      logger.warn('LOG_FORMAT=pretty but pino-pretty is not installed (a development dependency): logging JSON');
      return logger;
    }
  }
  return pino(options);
}

type TracedRequest = IncomingMessage & { traceId?: string; originalUrl?: string };

/**
 * nestjs-pino as the Nest logger of a service (bootstrap calls app.useLogger): Nest's Logger calls become pino lines.
 * In an HTTP app, pino-http logs each request once it completes (probes excepted) with the method, the URL (secret
 * query values redacted) and the status, never headers or bodies; its request id is the gateway's trace id (the
 * trace middleware runs first), so every line logged while serving a request carries trace_id.
 */
export function loggerModule(env: Env, service: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger: createLogger(env, service),
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'trace_id', responseTime: 'duration_ms' },
      genReqId: (req: TracedRequest) => {
        const given = req.headers['x-request-id'];
        return req.traceId ?? (typeof given === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(given) ? given : randomUUID());
      },
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, url: safeUrl(req.url) }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      // The exception filter logs a server error with its stack; the request line only says it happened.
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'warn' : 'info'),
      autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') },
    },
  });
}
