import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { VenueModule } from '@conduit/venue';
import { ExecutorProcessor } from './executor.processor';

@Module({})
export class ExecutorModule {
  static forRoot(env: Env): DynamicModule {
    return { module: ExecutorModule, imports: [VenueModule.forRoot(env)], providers: [ExecutorProcessor] };
  }
}

@Module({})
export class ExecutorAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: ExecutorAppModule, imports: [RuntimeModule.forRoot(env, 'executor'), ExecutorModule.forRoot(env)] };
  }
}
