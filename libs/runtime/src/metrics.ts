import { Controller, Get, Header, Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { JobObserver } from '@conduit/queue';
import { OpenApiExcluded } from './openapi';
import { SERVICE_NAME } from './tokens';

/** Prometheus metrics of one service: process defaults plus job counts and durations per queue and job. */
@Injectable()
export class MetricsService implements JobObserver {
  readonly registry = new Registry();
  private readonly jobs: Counter<'queue' | 'job' | 'status'>;
  private readonly durations: Histogram<'queue' | 'job'>;

  constructor(@Inject(SERVICE_NAME) service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'conduit_' });
    this.jobs = new Counter({
      name: 'conduit_jobs_total',
      help: 'Jobs processed, by queue, job name and status (completed, retry, failed)',
      labelNames: ['queue', 'job', 'status'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'conduit_job_duration_seconds',
      help: 'Handler duration per job',
      labelNames: ['queue', 'job'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  observe(queue: string, job: string, status: 'completed' | 'retry' | 'failed', seconds: number): void {
    this.jobs.inc({ queue, job, status });
    this.durations.observe({ queue, job }, seconds);
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
