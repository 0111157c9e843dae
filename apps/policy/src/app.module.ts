import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { PolicyProcessor } from './policy.processor';
import { PolicyStore } from './policy-store';

@Module({})
export class PolicyModule {
  static forRoot(_env: Env): DynamicModule {
    return { module: PolicyModule, providers: [PolicyStore, PolicyProcessor] };
  }
}

@Module({})
export class PolicyAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: PolicyAppModule, imports: [RuntimeModule.forRoot(env, 'policy'), PolicyModule.forRoot(env)] };
  }
}
