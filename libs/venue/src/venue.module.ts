import { DynamicModule, Module } from '@nestjs/common';
import { Env } from '@conduit/config';
import { VENUE_ENV, VenueRegistry } from './registry';

@Module({})
export class VenueModule {
  static forRoot(env: Env): DynamicModule {
    return { module: VenueModule, providers: [{ provide: VENUE_ENV, useValue: env }, VenueRegistry], exports: [VenueRegistry] };
  }
}
