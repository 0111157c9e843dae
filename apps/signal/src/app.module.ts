import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { PostClassification } from './classification';
import { SignalGeneration } from './generation';
import { ImpactFeedback } from './impact';
import { SignalProcessor } from './signal.processor';
import { SignalStore } from './signal-store';
import { TraderBook } from './trader/trader-book';
import { TraderCycle } from './trader/trader-cycle';
import { TraderEffects } from './trader/trader-effects';
import { TraderModels } from './trader/trader-models';
import { TraderSchedule } from './trader/trader-schedule';
import { WalletAnalysis } from './wallets/wallet-analysis';
import { WalletBias } from './wallets/wallet-bias';
import { WalletInfo } from './wallets/wallet-info';
import { WalletPoller } from './wallets/wallet-poller';
import { XPoller } from './x-poller';

/** Agent What's consumers; mounted alone (apps/signal) or beside the others (apps/all-in-one). */
@Module({
  providers: [
    SignalStore,
    PostClassification,
    SignalGeneration,
    ImpactFeedback,
    XPoller,
    TraderBook,
    TraderModels,
    TraderEffects,
    TraderCycle,
    TraderSchedule,
    WalletInfo,
    WalletPoller,
    WalletAnalysis,
    WalletBias,
    SignalProcessor,
  ],
})
export class SignalModule {
  static forRoot(_env: Env): DynamicModule {
    return { module: SignalModule };
  }
}

@Module({})
export class SignalAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: SignalAppModule, imports: [RuntimeModule.forRoot(env, 'signal'), SignalModule.forRoot(env)] };
  }
}
