import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { VenueModule } from '@conduit/venue';
import { AgentPerformanceSnapshots } from './agent-performance';
import { BillingProcessor } from './billing.processor';
import { HyperliquidUsdSendCollector, PaperLedgerCollector } from './collector';
import { DailyPerformance } from './daily-performance';
import { PositionArchive } from './position-archive';
import { Retention } from './retention';
import { Reports } from './reports';
import { PnlSnapshots } from './snapshots';

@Module({})
export class BillingModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: BillingModule,
      imports: [VenueModule.forRoot(env)],
      providers: [
        PaperLedgerCollector,
        HyperliquidUsdSendCollector,
        PnlSnapshots,
        AgentPerformanceSnapshots,
        PositionArchive,
        Retention,
        DailyPerformance,
        Reports,
        BillingProcessor,
      ],
    };
  }
}

@Module({})
export class BillingAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: BillingAppModule, imports: [RuntimeModule.forRoot(env, 'billing'), BillingModule.forRoot(env)] };
  }
}
