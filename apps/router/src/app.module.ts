import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { RuntimeModule } from '@conduit/runtime';
import { VenueModule } from '@conduit/venue';
import { RouterProcessor } from './router.processor';
import { RoutingCache } from './routing-cache';
import { RoutingPreviewController } from './routing-preview.controller';

@Module({})
export class RouterModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: RouterModule,
      imports: [VenueModule.forRoot(env)],
      controllers: [RoutingPreviewController],
      providers: [RoutingCache, RouterProcessor],
      exports: [RoutingCache],
    };
  }
}

@Module({})
export class RouterAppModule {
  static forRoot(env: Env): DynamicModule {
    return { module: RouterAppModule, imports: [RuntimeModule.forRoot(env, 'router'), RouterModule.forRoot(env)] };
  }
}
