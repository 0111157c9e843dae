import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { BillingProcessor } from './billing.processor';
import { PaperLedgerCollector } from './collector';
import { PnlSnapshots } from './snapshots';

@Module({})
export class BillingModule {
  static forRoot(_env: Env): DynamicModule {
    return { module: BillingModule, providers: [PaperLedgerCollector, PnlSnapshots, BillingProcessor] };
  }
}

@Module({})
export class BillingAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: BillingAppModule, imports: [RuntimeModule.forRoot(env, 'billing'), BillingModule.forRoot(env)] };
  }
}
