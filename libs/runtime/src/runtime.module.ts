import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '@conduit/config';
import { dataSourceOptions } from '@conduit/db';
import { Clock, systemClock } from '@conduit/domain';
import { DATABASE_PROBE, JOB_OBSERVER, QueueModule, SERVICE_STATE, WORKER_REGISTRY } from '@conduit/queue';
import { BotState } from './bot-state';
import { DataSourceProbe } from './database-probe';
import { loggerModule } from './logging';
import { HealthController, HealthService, PostgresHealthIndicator, RedisHealthIndicator } from './health';
import { MetricsController, MetricsService } from './metrics';
import { CLOCK, ENV, SERVICE_NAME } from './tokens';

export interface RuntimeOptions {
  /** Serve /health and /metrics from this module (off when a host app mounts its own). */
  httpEndpoints?: boolean;
  /** Where time comes from (default: the wall clock). */
  clock?: Clock;
}

/**
 * What every Conduit service needs: the validated env, Postgres, BullMQ, health and metrics, and its bot_state
 * (BotState: the start recorded at boot, every scheduled tick counted), and its pino logger (logging.ts). Health and metrics
 * are Nest controllers for the apps with an HTTP API (bootstrapService) and answer a plain Node server in the
 * workers (bootstrapWorker); either way HealthService and MetricsService make the answers.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(env: Env, service: string, options: RuntimeOptions = {}): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL, { extra: { max: env.DB_POOL_MAX } })),
        QueueModule.forRoot(env),
        loggerModule(env, service),
      ],
      controllers: options.httpEndpoints === false ? [] : [HealthController, MetricsController],
      providers: [
        { provide: ENV, useValue: env },
        { provide: SERVICE_NAME, useValue: service },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        MetricsService,
        { provide: JOB_OBSERVER, useExisting: MetricsService },
        { provide: DATABASE_PROBE, useClass: DataSourceProbe },
        BotState,
        { provide: SERVICE_STATE, useExisting: BotState },
        PostgresHealthIndicator,
        RedisHealthIndicator,
        HealthService,
        { provide: WORKER_REGISTRY, useExisting: HealthService },
      ],
      exports: [
        ENV,
        SERVICE_NAME,
        CLOCK,
        MetricsService,
        JOB_OBSERVER,
        DATABASE_PROBE,
        BotState,
        SERVICE_STATE,
        RedisHealthIndicator,
        HealthService,
        WORKER_REGISTRY,
        QueueModule,
        TypeOrmModule,
      ],
    };
  }
}
