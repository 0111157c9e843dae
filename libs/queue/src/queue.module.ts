import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { Env } from '@conduit/config';
import { bullmqTelemetry } from '@conduit/telemetry';
import { QUEUE_JOB_OPTIONS, QueueName } from './contract';
import { WORKER_CONCURRENCY } from './processor';
import { JobProducer } from './producer';
import { redisOptions } from './redis';

/**
 * BullMQ on Redis with every queue of the contract registered (producers may emit to any of them). In a process that
 * traces (@conduit/telemetry), queues and workers get bullmq-otel: each job carries its producer's trace context.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(env: Env): DynamicModule {
    const queues = Object.values(QueueName).map((name) => BullModule.registerQueue({ name, defaultJobOptions: QUEUE_JOB_OPTIONS[name] }));
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({ connection: redisOptions(env.REDIS_URL), prefix: env.QUEUE_PREFIX, telemetry: bullmqTelemetry() }),
        ...queues,
      ],
      providers: [JobProducer, { provide: WORKER_CONCURRENCY, useValue: env.WORKER_CONCURRENCY }],
      exports: [JobProducer, WORKER_CONCURRENCY, BullModule, ...queues],
    };
  }
}
