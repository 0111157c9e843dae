import { Controller, Get, Header, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { addTelemetrySink, TelemetrySink } from '@conduit/domain';
import { JobObserver, QueueName } from '@conduit/queue';
import { OpenApiExcluded } from './openapi';
import { SERVICE_NAME } from './tokens';

/** The job states conduit_queue_jobs reports, as BullMQ's getJobCounts names them ('wait' is reported as waiting). */
export const QUEUE_STATES = ['wait', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** How long a scrape waits for Redis's job counts before answering without them. */
export const QUEUE_COUNTS_TIMEOUT_MS = 1_000;

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics of one service (one registry, every series labelled with the service): process defaults, jobs
 * per queue, name and status with their durations, queue depth per queue and state (read from Redis at each scrape),
 * and what the libraries report through telemetry (@conduit/domain): outcomes, orders, venue requests, LLM calls.
 * Names follow Prometheus's conventions: snake_case, base units (_seconds), counters end in _total; labels are
 * bounded sets (queue and job names, statuses, venues, method names, configured models). The job name's label is
 * `name`, not `job`, which Prometheus reserves for the scrape target.
 */
@Injectable()
export class MetricsService implements JobObserver, TelemetrySink, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly jobs: Counter<'queue' | 'name' | 'status'>;
  private readonly durations: Histogram<'queue' | 'name' | 'status'>;
  private readonly outcomes: Counter<'status'>;
  private readonly orders: Counter<'venue' | 'result'>;
  private readonly venueRequests: Histogram<'venue' | 'operation' | 'result'>;
  private readonly llmRequests: Histogram<'model' | 'result'>;
  private readonly llmTokens: Counter<'model' | 'kind'>;
  /** The queues this process consumes (its processors tell, see JobObserver.consumes); none: every queue (the gateway). */
  private readonly consumed = new Set<string>();
  private readonly removeSink: () => void;

  constructor(
    @Inject(SERVICE_NAME) service: string,
    private readonly modules: ModuleRef,
  ) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'conduit_' });
    const registers = [this.registry];
    this.jobs = new Counter({
      name: 'conduit_jobs_total',
      help: 'Jobs processed, by queue, job name and status (completed, retry, failed)',
      labelNames: ['queue', 'name', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'conduit_job_duration_seconds',
      help: 'Handler duration per job, by queue, job name and status (completed, retry, failed)',
      labelNames: ['queue', 'name', 'status'],
      buckets: SECONDS,
      registers,
    });
    const queueJobs: Gauge<'queue' | 'state'> = new Gauge({
      name: 'conduit_queue_jobs',
      help: 'Jobs in a queue by state (waiting, prioritized, active, delayed, failed), read from Redis at each scrape',
      labelNames: ['queue', 'state'],
      registers,
      collect: () => this.collectQueues(queueJobs),
    });
    const venueUp: Gauge<'venue'> = new Gauge({
      name: 'conduit_venue_up',
      help: 'Whether a venue is up (1) or not (0) as the venue sync last found it (venues_status), read at each scrape',
      labelNames: ['venue'],
      registers,
      collect: () => this.collectVenues(venueUp),
    });
    this.outcomes = new Counter({
      name: 'conduit_outcomes_total',
      help: 'Signal × deployment outcomes recorded, by status (PENDING, SKIPPED, OPENED, FAILED)',
      labelNames: ['status'],
      registers,
    });
    this.orders = new Counter({
      name: 'conduit_orders_total',
      help: 'Orders placed at venues, by venue and result (filled, pending, rejected, error)',
      labelNames: ['venue', 'result'],
      registers,
    });
    this.venueRequests = new Histogram({
      name: 'conduit_venue_request_duration_seconds',
      help: 'Live venue adapter calls (HTTP or RPC), by venue, operation and result (ok, error)',
      labelNames: ['venue', 'operation', 'result'],
      buckets: SECONDS,
      registers,
    });
    this.llmRequests = new Histogram({
      name: 'conduit_llm_request_duration_seconds',
      help: 'LLM chat completions, by model asked and result (ok, failed, parsing_error)',
      labelNames: ['model', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
      registers,
    });
    this.llmTokens = new Counter({
      name: 'conduit_llm_tokens_total',
      help: 'LLM tokens the provider reported, by model and kind (prompt, completion)',
      labelNames: ['model', 'kind'],
      registers,
    });
    this.removeSink = addTelemetrySink(this);
  }

  onModuleDestroy(): void {
    this.removeSink();
  }

  observe(queue: string, job: string, status: 'completed' | 'retry' | 'failed', seconds: number): void {
    this.jobs.inc({ queue, name: job, status });
    this.durations.observe({ queue, name: job, status }, seconds);
  }

  consumes(queue: string): void {
    this.consumed.add(queue);
  }

  outcome(status: string, count: number): void {
    this.outcomes.inc({ status }, count);
  }

  order(venue: string, result: string): void {
    this.orders.inc({ venue, result });
  }

  venueRequest(venue: string, operation: string, result: 'ok' | 'error', seconds: number): void {
    this.venueRequests.observe({ venue, operation, result }, seconds);
  }

  llmRequest(model: string, result: string, seconds: number, tokens: { prompt: number; completion: number } | null): void {
    this.llmRequests.observe({ model, result }, seconds);
    if (!tokens) return;
    this.llmTokens.inc({ model, kind: 'prompt' }, tokens.prompt);
    this.llmTokens.inc({ model, kind: 'completion' }, tokens.completion);
  }

  /** The queues whose depth this service reports: those it consumes, or all of the contract's (the gateway consumes none). */
  queues(): string[] {
    return this.consumed.size ? [...this.consumed].sort() : Object.values(QueueName);
  }

  /**
   * conduit_queue_jobs at scrape time: one getJobCounts per queue, all at once, bounded by QUEUE_COUNTS_TIMEOUT_MS so
   * a slow or absent Redis never hangs the scrape. A queue that did not answer in time has no series in this scrape
   * (no stale value is shown as current); the other metrics are answered as usual.
   */
  private async collectQueues(gauge: Gauge<'queue' | 'state'>): Promise<void> {
    gauge.reset();
    const counts = await Promise.all(
      this.queues().map(async (name) => {
        const queue = this.queue(name);
        if (!queue) return null;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), QUEUE_COUNTS_TIMEOUT_MS)));
        const read = queue.getJobCounts(...QUEUE_STATES).catch(() => null);
        const answer = await Promise.race([read, timeout]).finally(() => clearTimeout(timer));
        return answer ? { name, answer } : null;
      }),
    );
    for (const c of counts) {
      if (!c) continue;
      for (const state of QUEUE_STATES) gauge.set({ queue: c.name, state: state === 'wait' ? 'waiting' : state }, c.answer[state] ?? 0);
    }
  }

  /**
   * conduit_venue_up at scrape time, by the services that report every queue (the gateway): venues_status as the
   * executor's venue sync last wrote it, 1 for an available venue whose status is UP. Bounded like the queue counts;
   * no answer in time (or no database in this process): no series in this scrape.
   */
  private async collectVenues(gauge: Gauge<'venue'>): Promise<void> {
    gauge.reset();
    if (this.consumed.size) return; // a worker: the gateway reports the venues
    let ds: DataSource | null = null;
    try {
      ds = this.modules.get(DataSource, { strict: false });
    } catch {
      // no database in this process
    }
    if (typeof ds?.query !== 'function') return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), QUEUE_COUNTS_TIMEOUT_MS)));
    const read = ds
      .query(`SELECT venue::text AS venue, (is_available AND status = 'UP') AS up FROM venues_status`)
      .catch(() => null) as Promise<{ venue: string; up: boolean }[] | null>;
    const rows = await Promise.race([read, timeout]).finally(() => clearTimeout(timer));
    for (const r of rows ?? []) gauge.set({ venue: r.venue }, r.up ? 1 : 0);
  }

  private queue(name: string): Queue | null {
    try {
      return this.modules.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      return null;
    }
  }
}

@OpenApiExcluded()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
