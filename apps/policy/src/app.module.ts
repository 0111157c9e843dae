import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { PolicyProcessor } from './policy.processor';

@Module({})
export class PolicyModule {
  static forRoot(_env: Env): DynamicModule {
    return { module: PolicyModule, providers: [PolicyProcessor] };
  }
}

@Module({})
export class PolicyAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: PolicyAppModule, imports: [RuntimeModule.forRoot(env, 'policy'), PolicyModule.forRoot(env)] };
  }
}
