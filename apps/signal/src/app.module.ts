import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { SignalProcessor } from './signal.processor';

/** Agent What's consumers; mounted alone (apps/signal) or beside the others (apps/all-in-one). */
@Module({ providers: [SignalProcessor] })
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
