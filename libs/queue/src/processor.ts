import { Inject, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import { activeTraceId, annotateActiveSpan } from '@conduit/telemetry';
import { JobName, JobPayload, JobsOf, jobsOfQueue, QueueName } from './contract';
import { withJobLogContext } from './log-context';
import { jobPayloadErrors, jobsWithoutPayloadSchema } from './payloads';

export type JobHandlers<Q extends QueueName> = { [N in JobsOf<Q>]: (data: JobPayload<N>, job: Job<JobPayload<N>>) => Promise<unknown> };

/** Injection token of the JobObserver every processor reports to (the runtime lib binds its metrics). */
export const JOB_OBSERVER = Symbol('JOB_OBSERVER');

/** Injection token of the worker concurrency (jobs at once per queue in one process). */
export const WORKER_CONCURRENCY = Symbol('WORKER_CONCURRENCY');

/** Injection token of the DatabaseProbe processors ask when a job fails (the runtime lib binds it to the data source). */
export const DATABASE_PROBE = Symbol('DATABASE_PROBE');

/** Whether the database answers right now. */
export interface DatabaseProbe {
  reachable(): Promise<boolean>;
}

/** Injection token of the ServiceState processors count their scheduled ticks in (the runtime lib binds BotState). */
export const SERVICE_STATE = Symbol('SERVICE_STATE');

/** Where a service's scheduled ticks are counted (seed 004's bot_state); optional. */
export interface ServiceState {
  /** One scheduled tick ran: counted, with its error (null when it succeeded). One statement, never a read first. */
  tick(error: string | null): Promise<void>;
}

/** A job that failed while the database was unreachable waits this long (doubling per wait, up to the maximum). */
export const OUTAGE_RETRY_BASE_MS = 500;
export const OUTAGE_RETRY_MAX_MS = 10_000;

/** Observes every job a processor runs (metrics); optional. */
export interface JobObserver {
  observe(queue: string, job: string, status: 'completed' | 'retry' | 'failed', seconds: number): void;
  /** A processor of this queue runs in the process (told once, at boot). */
  consumes?(queue: string): void;
}

/**
 * A job whose subject (the row its ids name: signal, position, post, billing event...) is not there. Retried per
 * the job's options like any error, since the row may not be visible yet, and FAILED with this reason after the
 * last attempt; a payload that is malformed, on the other hand, fails at once (see QueueProcessor.process).
 */
export class UnknownSubjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownSubjectError';
  }
}

/**
 * Base of every queue consumer: one handler per job name, checked at boot against the contract (and each job
 * against its payload schema, payloads.ts), so a job with no handler is a start-up error rather than a stuck queue.
 * Every payload is validated before its handler: an invalid one (a poison job) throws an UnrecoverableError naming
 * the field, so it ends FAILED at once with that reason, and the queue goes on. Any other error is retried per the
 * job's options; a job counts as failed only after its last attempt (or an UnrecoverableError), and only then does
 * onFinalFailure record the outcome, never for an invalid payload (its ids cannot be trusted). A job that fails while
 * the database is unreachable (DatabaseProbe) is not counted: it is delayed, with a backoff of its own, until the
 * database answers again, so no outage, however long, turns into failed outcomes or lost work.
 */
/** What a registered worker lets its process do before a shutdown: stop taking jobs (see WorkerRegistry). */
export interface DrainableWorker {
  /** Takes no more jobs; resolves once its active ones are done (BullMQ's Worker.pause waits for them). */
  pause(): Promise<void>;
  /** Jobs it is running now. */
  active(): number;
}

/**
 * Where a process's BullMQ workers register: for its readiness probe (`running`) and for the drain before a shutdown
 * (the runtime's HealthService, POST /drain of the workers' probe server).
 */
export interface WorkerRegistry {
  addWorker(queue: string, running: () => boolean, drain?: DrainableWorker): void;
}
export const WORKER_REGISTRY = 'WORKER_REGISTRY';

export abstract class QueueProcessor<Q extends QueueName> extends WorkerHost implements OnModuleInit, OnModuleDestroy {
  protected readonly logger = new Logger(this.constructor.name);
  protected abstract readonly queueName: Q;
  protected abstract handlers(): JobHandlers<Q>;
  @Optional() @Inject(JOB_OBSERVER) protected readonly observer?: JobObserver;
  @Optional() @Inject(WORKER_CONCURRENCY) private readonly concurrency?: number;
  @Optional() @Inject(DATABASE_PROBE) private readonly database?: DatabaseProbe;
  @Optional() @Inject(SERVICE_STATE) private readonly state?: ServiceState;
  @Optional() @Inject(WORKER_REGISTRY) private readonly registry?: WorkerRegistry;
  private table: Record<string, (data: any, job: Job) => Promise<unknown>> = {};
  /** Jobs running now in this process (what a drain waits for). */
  private activeJobs = 0;

  onModuleInit(): void {
    const handlers = this.handlers() as Record<string, (data: any, job: Job) => Promise<unknown>>;
    const expected = jobsOfQueue(this.queueName);
    const missing = expected.filter((n) => typeof handlers[n] !== 'function');
    const unknown = Object.keys(handlers).filter((n) => !expected.includes(n as JobName));
    if (missing.length || unknown.length) {
      throw new Error(
        `${this.constructor.name}: handlers for ${this.queueName} do not match the contract ` +
          `(missing: ${missing.join(', ') || 'none'}; unknown: ${unknown.join(', ') || 'none'})`,
      );
    }
    const unchecked = jobsWithoutPayloadSchema(expected);
    if (unchecked.length)
      throw new Error(`${this.constructor.name}: no payload schema for ${unchecked.join(', ')} (libs/queue/src/payloads.ts)`);
    this.table = handlers;
    // Running: created, its loop started and not closing (a closing worker takes no more jobs: not ready).
    this.registry?.addWorker(
      this.queueName,
      () => {
        try {
          return this.worker.isRunning() && !this.worker.closing;
        } catch {
          return false; // not created yet
        }
      },
      {
        // Worker.pause() stops the fetch loop (a job finishing fetches no next one) and waits for the active jobs;
        // a later close() (SIGTERM) still closes the paused worker and its connections.
        pause: async () => {
          let worker: Worker;
          try {
            worker = this.worker;
          } catch {
            return; // not created yet: nothing to pause, no job taken
          }
          await worker.waitUntilReady().catch(() => undefined);
          await worker.pause();
        },
        active: () => this.activeJobs,
      },
    );
    this.observer?.consumes?.(this.queueName);
    if (this.worker && this.concurrency) this.worker.concurrency = this.concurrency;
  }

  /** Drain: stop taking jobs and wait for the active ones, before any queue or connection closes. */
  async onModuleDestroy(): Promise<void> {
    if (!this.worker) return;
    // A worker still connecting when the signal arrives would leave its blocking connection open.
    await this.worker.waitUntilReady().catch(() => undefined);
    await this.worker.close();
  }

  /**
   * Every line logged while the job runs carries its job_id and trace_id: the payload's traceId (the audit trail's,
   * from the request that started the chain); a job without one, in a process that traces, the OpenTelemetry trace
   * it continues; else `<queue>:<job id>`. See jobLogContext and the runtime lib's logger. The job's span (bullmq-otel's
   * consumer span, when tracing) is tagged with the same ids.
   */
  async process(job: Job, token?: string): Promise<unknown> {
    const given = typeof job.data?.traceId === 'string' && job.data.traceId ? (job.data.traceId as string) : undefined;
    const traceId = given ?? activeTraceId() ?? `${this.queueName}:${job.id}`;
    const context = { traceId, jobId: String(job.id), queue: this.queueName, jobName: job.name };
    annotateActiveSpan({ 'conduit.trace_id': traceId, 'conduit.job_id': String(job.id), 'conduit.job_name': job.name });
    this.activeJobs++;
    try {
      return await withJobLogContext(context, () => this.handleJob(job, token));
    } finally {
      this.activeJobs--;
    }
  }

  private async handleJob(job: Job, token?: string): Promise<unknown> {
    const handler = this.table[job.name];
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    if (!handler) {
      const err = new UnrecoverableError(`no handler for job ${job.name} on ${this.queueName}`);
      this.observer?.observe(this.queueName, job.name, 'failed', seconds());
      this.logger.error(`${job.name} ${job.id} failed: ${err.message} (outcome not recorded: a job this queue does not know)`);
      throw err;
    }
    const problems = jobPayloadErrors(job.name, job.data);
    if (problems.length) {
      // A poison job: no attempt can process it, so it fails now (not retried) and the queue moves on.
      const err = new UnrecoverableError(`invalid payload for ${job.name}: ${problems.join('; ')}`);
      this.observer?.observe(this.queueName, job.name, 'failed', seconds());
      this.logger.error(`${job.name} ${job.id} failed: ${err.message} (outcome not recorded: its ids cannot be trusted)`);
      throw err;
    }
    try {
      this.logger.debug(`${job.name} ${job.id} started (attempt ${job.attemptsMade + 1})`);
      const result = await handler.call(this, job.data, job);
      this.observer?.observe(this.queueName, job.name, 'completed', seconds());
      this.logger.debug(`${job.name} ${job.id} completed in ${seconds().toFixed(3)} s`);
      await this.countTick(job, null);
      return result;
    } catch (err: any) {
      const retried = (job.opts.attempts ?? 1) > 1; // a scheduled tick (one attempt) is the next tick's work instead
      if (retried && !(err instanceof UnrecoverableError) && token && (lostDatabase(err) || (await this.databaseDown()))) {
        // Not the job's failure: the database is away (a restart, a failover). The job waits for it without spending
        // an attempt, so an outage longer than the backoff window loses nothing; attempts are for real failures.
        const waits = Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1);
        const delay = Math.min(OUTAGE_RETRY_BASE_MS * 2 ** waits, OUTAGE_RETRY_MAX_MS);
        this.observer?.observe(this.queueName, job.name, 'retry', seconds());
        this.logger.warn(
          `${job.name} ${job.id}: the database is unreachable (${err.message}); retrying in ${delay} ms, attempt not counted`,
        );
        await job.moveToDelayed(Date.now() + delay, token);
        throw new DelayedError();
      }
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.observer?.observe(this.queueName, job.name, last ? 'failed' : 'retry', seconds());
      if (last) {
        await this.finalFailure(job, err);
        await this.countTick(job, err.message);
      } else this.logger.warn(`${job.name} ${job.id} attempt ${job.attemptsMade + 1} failed, will retry: ${err.message}`);
      throw err;
    }
  }

  /** A tick of a job scheduler (schedules.ts) is one cycle of the service; other jobs are not counted. */
  private async countTick(job: Job, error: string | null): Promise<void> {
    if (!job.repeatJobKey || !this.state) return;
    try {
      await this.state.tick(error);
    } catch (e: any) {
      this.logger.warn(`${job.name} ${job.id}: counting the tick failed: ${e.message}`);
    }
  }

  /** Asked after a failure: the outage may be over by then, so a failure that was the outage itself also counts (lostDatabase). */
  private async databaseDown(): Promise<boolean> {
    if (!this.database) return false;
    return !(await this.database.reachable().catch(() => false));
  }

  private async finalFailure(job: Job, err: Error): Promise<void> {
    this.logger.error(`${job.name} ${job.id} failed after ${job.attemptsMade + 1} attempt(s): ${err.message}`);
    try {
      await this.onFinalFailure(job, err);
    } catch (e: any) {
      this.logger.error(`${job.name} ${job.id}: recording the failure failed too: ${e.message}`);
    }
  }

  /** Record the failed outcome of the job's subject (override per service). */
  protected async onFinalFailure(_job: Job, _err: Error): Promise<void> {}
}

/**
 * A failure that was Postgres going away, whatever the database says when asked afterwards: a connection terminated
 * by the server (57P01-57P03), a connection exception (class 08), a database refusing connections, or pg's own
 * "Connection terminated". Not a refused TCP connection: that could be a venue's; the probe decides those.
 */
export function lostDatabase(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!e) return false;
  if (e.driverError && lostDatabase(e.driverError)) return true;
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^57P0[123]$/.test(code) || /^08\d{3}$/.test(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /^Connection terminated|is not currently accepting connections|terminating connection due to administrator command/.test(message);
}
