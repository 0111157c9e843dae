import { BeforeApplicationShutdown, Controller, Get, Header, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DrainableWorker, JobProducer, QueueName, WorkerRegistry } from '@conduit/queue';
import {
  HEALTH_SUMMARY,
  LIVE_SUMMARY,
  OpenApiHealthResponses,
  OpenApiLiveResponses,
  OpenApiSummary,
  OpenApiTag,
  READY_SUMMARY,
} from './openapi';

/** One dependency's state, as the report shows it. */
export interface IndicatorStatus {
  status: 'up' | 'down';
  message?: string;
}
export type IndicatorResult = Record<string, IndicatorStatus>;

/**
 * GET /health's body (the shape @nestjs/terminus gave it): `ok` when every dependency is up, `error` when one is
 * down, `shutting_down` once the service drains; `info` lists the ones up, `error` the ones down, `details` all.
 */
export interface HealthReport {
  status: 'ok' | 'error' | 'shutting_down';
  info: IndicatorResult;
  error: IndicatorResult;
  details: IndicatorResult;
}

/** How long each dependency has to answer. */
const PING_TIMEOUT_MS = 1000;

class Timeout extends Error {}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Postgres answers `SELECT 1` in time (the error itself is not shown: the endpoint is public). */
@Injectable()
export class PostgresHealthIndicator {
  constructor(private readonly ds: DataSource) {}

  async pingCheck(key = 'postgres', timeoutMs = PING_TIMEOUT_MS): Promise<IndicatorResult> {
    try {
      await within(timeoutMs, this.ds.query('SELECT 1'));
      return { [key]: { status: 'up' } };
    } catch (e) {
      return { [key]: e instanceof Timeout ? { status: 'down', message: `timeout of ${timeoutMs}ms exceeded` } : { status: 'down' } };
    }
  }
}

/** Redis answers PING on the queues' connection. */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly producer: JobProducer) {}

  async isHealthy(key = 'redis', timeoutMs = PING_TIMEOUT_MS): Promise<IndicatorResult> {
    try {
      const client: any = await this.producer.queue(QueueName.Signal).client;
      const pong = await within(timeoutMs, client.ping());
      return { [key]: pong === 'PONG' ? { status: 'up' } : { status: 'down', message: `unexpected reply ${String(pong)}` } };
    } catch (e: any) {
      return { [key]: { status: 'down', message: e instanceof Timeout ? 'timeout' : e.message } };
    }
  }
}

/** GET /health/live's body: the process answers. */
export interface LiveReport {
  status: 'ok';
}

/**
 * POST /drain's answer (workers' probe server): `drained` once every paused worker's active jobs are done, `timeout`
 * when some were still running after `timeoutMs` (they go on; the SIGTERM shutdown waits for them as before),
 * `failed` when a worker could not be paused (`errors`).
 */
export interface DrainReport {
  status: 'drained' | 'timeout' | 'failed';
  /** The queues whose workers were paused: they take no more jobs, and stay paused until the process exits. */
  paused: string[];
  /** What the drain waited for: the jobs active when it began (first request), and still active when it answered. */
  activeAtStart: number;
  activeAtEnd: number;
  /** From the drain's start (the first request) to its end, and its bound (SHUTDOWN_TIMEOUT_MS). */
  waitedMs: number;
  timeoutMs: number;
  errors?: string[];
}

/** The reason the readiness report gives while a drain runs or after it. */
export const DRAINING = { status: 'down', message: 'draining: the workers take no more jobs (POST /drain)' } as const;

/**
 * Health of a service: `check` (GET /health, kept for compatibility) is Postgres and Redis answering and the service
 * not draining; `ready` (GET /health/ready, the readiness probe) adds the BullMQ workers of the process (each registers itself,
 * see QueueProcessor): all running; `live` (liveness probe) only says the event loop runs, so an orchestrator never
 * restarts a process for a database outage it would not fix.
 */
@Injectable()
export class HealthService implements BeforeApplicationShutdown, WorkerRegistry {
  private draining = false;
  /** The one drain of the process (POST /drain), shared by every request. */
  private drained: Promise<DrainReport> | null = null;
  private readonly workers: { queue: string; running: () => boolean; drain?: DrainableWorker }[] = [];

  constructor(
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** A BullMQ worker of this process, for readiness and the drain. */
  addWorker(queue: string, running: () => boolean, drain?: DrainableWorker): void {
    this.workers.push({ queue, running, drain });
  }

  /**
   * Before a shutdown (a pod's preStop): every worker of the process takes no more jobs, /health and /health/ready
   * answer 503 `shutting_down` with the reason `draining` (/health/live stays 200), and the answer comes once the
   * active jobs are done, or after `timeoutMs`. Idempotent: every request waits for the one drain. A SIGTERM later
   * closes the paused workers as usual.
   */
  drain(timeoutMs: number): Promise<DrainReport> {
    this.drained ??= this.runDrain(timeoutMs);
    return this.drained;
  }

  /** Jobs active in the process's workers now. */
  private active(): number {
    return this.workers.reduce((n, w) => n + (w.drain?.active() ?? 0), 0);
  }

  private async runDrain(timeoutMs: number): Promise<DrainReport> {
    const started = Date.now();
    const activeAtStart = this.active();
    const drainable = this.workers.filter((w) => w.drain);
    const errors: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const paused = Promise.all(
      drainable.map((w) => w.drain!.pause().catch((e: Error) => void errors.push(`${w.queue}: ${e.message}`))),
    ).then(() => (errors.length ? 'failed' : 'drained') as 'failed' | 'drained');
    const late = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const status = await Promise.race([paused, late]);
      return {
        status,
        paused: drainable.map((w) => w.queue),
        activeAtStart,
        activeAtEnd: this.active(),
        waitedMs: Date.now() - started,
        timeoutMs,
        ...(errors.length ? { errors } : {}),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  live(): LiveReport {
    return { status: 'ok' };
  }

  check(): Promise<HealthReport> {
    return this.report(false);
  }

  /** As check, plus `workers`: down, naming the queues, when one of the process's workers is not running. */
  ready(): Promise<HealthReport> {
    return this.report(true);
  }

  private async report(withWorkers: boolean): Promise<HealthReport> {
    const results = await Promise.all([this.postgres.pingCheck('postgres'), this.redis.isHealthy('redis')]);
    // Once drained the workers are paused on purpose: the reason is `draining`, not that they stopped.
    if (withWorkers && this.workers.length && !this.drained) {
      const stopped = this.workers.filter((w) => !w.running()).map((w) => w.queue);
      results.push({ workers: stopped.length ? { status: 'down', message: `not running: ${stopped.join(', ')}` } : { status: 'up' } });
    }
    const info: IndicatorResult = {};
    const error: IndicatorResult = {};
    for (const [key, value] of results.flatMap((r) => Object.entries(r))) (value.status === 'up' ? info : error)[key] = value;
    if (this.drained) error.draining = { ...DRAINING };
    const status = this.draining || this.drained ? 'shutting_down' : Object.keys(error).length ? 'error' : 'ok';
    return { status, info, error, details: { ...info, ...error } };
  }

  /** From here on the report says `shutting_down` (503): an orchestrator stops sending work while jobs drain. */
  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}

const answer = (report: HealthReport): HealthReport => {
  if (report.status !== 'ok') throw new ServiceUnavailableException(report);
  return report;
};

/**
 * GET /health (as before the probes were split), /health/ready: 200 with the report when it is ok, 503 with it
 * otherwise; GET /health/live: 200 while the process answers. Never cached.
 */
@OpenApiTag('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @OpenApiSummary(HEALTH_SUMMARY)
  @OpenApiHealthResponses()
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  async check(): Promise<HealthReport> {
    return answer(await this.health.check());
  }

  @Get('live')
  @OpenApiSummary(LIVE_SUMMARY)
  @OpenApiLiveResponses()
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  live(): LiveReport {
    return this.health.live();
  }

  @Get('ready')
  @OpenApiSummary(READY_SUMMARY)
  @OpenApiHealthResponses()
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  async ready(): Promise<HealthReport> {
    return answer(await this.health.ready());
  }
}
