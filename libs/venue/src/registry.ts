import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { Venue } from '@conduit/domain';
import { VenueAdapter } from './adapter';
import { PaperVenue } from './paper';
import { MarketTablePriceSource } from './price-source';

export const VENUE_ENV = Symbol('VENUE_ENV');

/**
 * Adapters by venue_v3_t value. In paper mode (the default and, until the live adapters land, the only mode)
 * Hyperliquid and Ostium are both served by the paper venue. A venue with no adapter is never routed to.
 */
@Injectable()
export class VenueRegistry {
  private readonly adapters = new Map<string, VenueAdapter>();

  constructor(ds: DataSource, @Inject(VENUE_ENV) env: Env) {
    const prices = new MarketTablePriceSource(ds);
    const options = { takerFeeBps: env.PAPER_TAKER_FEE_BPS, slippageBps: env.PAPER_SLIPPAGE_BPS };
    for (const venue of ['HYPERLIQUID', 'OSTIUM'] as Venue[]) this.adapters.set(venue, new PaperVenue(venue, prices, options));
  }

  has(venue: string): boolean {
    return this.adapters.has(venue);
  }

  venues(): string[] {
    return [...this.adapters.keys()];
  }

  get(venue: string): VenueAdapter {
    const adapter = this.adapters.get(venue);
    if (!adapter) throw new Error(`no adapter for venue ${venue}`);
    return adapter;
  }
}
