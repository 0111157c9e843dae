import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { Channels } from './channels';
import { Deliveries } from './deliveries';
import { NotifierProcessor } from './notifier.processor';

@Module({})
export class NotifierModule {
  static forRoot(_env: Env): DynamicModule {
    return { module: NotifierModule, providers: [Channels, Deliveries, NotifierProcessor] };
  }
}

@Module({})
export class NotifierAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: NotifierAppModule, imports: [RuntimeModule.forRoot(env, 'notifier'), NotifierModule.forRoot(env)] };
  }
}
