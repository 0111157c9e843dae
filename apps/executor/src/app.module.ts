import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { VenueModule } from '@conduit/venue';
import { TradingAccounts } from './accounts/trading-accounts';
import { Closing } from './closing/closing';
import { ExecutorProcessor } from './executor.processor';
import { PositionMonitor } from './monitor/position-monitor';
import { OpenBatcher } from './opening/open-batcher';
import { Opening } from './opening/opening';
import { OrderLedger } from './orders/order-ledger';
import { OrderSender } from './orders/order-sender';
import { PaperMarket } from './paper-market/paper-market';
import { VenuePermits } from './permits';
import { Reconciler } from './reconciliation/reconciler';
import { Settlement } from './settlement/settlement';
import { SettleScheduler } from './settlement/settle-scheduler';
import { MarketSync } from './venues/market-sync';
import { TokenSync } from './venues/token-sync';

@Module({})
export class ExecutorModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: ExecutorModule,
      imports: [VenueModule.forRoot(env)],
      providers: [
        TradingAccounts,
        VenuePermits,
        OrderLedger,
        OrderSender,
        SettleScheduler,
        Opening,
        OpenBatcher,
        Closing,
        Settlement,
        PositionMonitor,
        Reconciler,
        MarketSync,
        TokenSync,
        PaperMarket,
        ExecutorProcessor,
      ],
    };
  }
}

@Module({})
export class ExecutorAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: ExecutorAppModule, imports: [RuntimeModule.forRoot(env, 'executor'), ExecutorModule.forRoot(env)] };
  }
}
