import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { VenueModule } from '@conduit/venue';
import { TradingAccounts } from './accounts';
import { ExecutorProcessor } from './executor.processor';
import { MarketSync } from './market-sync';
import { Reconciler } from './reconciler';

@Module({})
export class ExecutorModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: ExecutorModule,
      imports: [VenueModule.forRoot(env)],
      providers: [TradingAccounts, MarketSync, Reconciler, ExecutorProcessor],
    };
  }
}

@Module({})
export class ExecutorAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: ExecutorAppModule, imports: [RuntimeModule.forRoot(env, 'executor'), ExecutorModule.forRoot(env)] };
  }
}
