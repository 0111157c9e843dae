import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { secondsSince, telemetry, Venue } from '@conduit/domain';
import { VenueAdapter } from './adapter';
import { liveAdaptersFromEnv } from './live';
import { PaperVenue } from './paper';
import { MarketTablePriceSource } from './price-source';

export const VENUE_ENV = Symbol('VENUE_ENV');

export type TradingMode = 'paper' | 'live';

/**
 * The venues Conduit has adapters for: each has a paper adapter always and a live one when configured. Every list
 * of tradable venues (routing defaults, the paper marks an operator may set, reconciliation) comes from here or
 * from a registry instance: every venue of venue_v3_t.
 */
export const ADAPTED_VENUES = ['HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT'] as const satisfies readonly Venue[];

/**
 * Adapters by venue_v3_t value and trading mode. Paper adapters exist for every venue always; live adapters only
 * when LIVE_TRADING is on (and, for the Arbitrum venues Ostium, GMX and SPOT, an RPC URL is configured). A deployment
 * trades through the adapter of its own mode; a venue with no adapter is never routed to.
 */
@Injectable()
export class VenueRegistry {
  private readonly adapters: Record<TradingMode, Map<string, VenueAdapter>> = { paper: new Map(), live: new Map() };
  readonly prices: MarketTablePriceSource;

  constructor(ds: DataSource, @Inject(VENUE_ENV) env: Env) {
    this.prices = new MarketTablePriceSource(ds);
    const options = {
      takerFeeBps: env.PAPER_TAKER_FEE_BPS,
      slippageBps: env.PAPER_SLIPPAGE_BPS,
      startingEquityUsd: env.PAPER_STARTING_EQUITY_USD,
    };
    for (const venue of ADAPTED_VENUES) this.adapters.paper.set(venue, new PaperVenue(venue, this.prices, options));
    for (const adapter of liveAdaptersFromEnv(env, this.prices, ds)) this.adapters.live.set(adapter.venue, timed(adapter));
  }

  has(venue: string, mode: TradingMode = 'paper'): boolean {
    return this.adapters[mode].has(venue);
  }

  venues(mode: TradingMode = 'paper'): string[] {
    return [...this.adapters[mode].keys()];
  }

  get(venue: string, mode: TradingMode = 'paper'): VenueAdapter {
    const adapter = this.adapters[mode].get(venue);
    if (!adapter) throw new Error(`no ${mode} adapter for venue ${venue}`);
    return adapter;
  }

  /** Every live adapter (market sync, health, reconciliation). */
  live(): VenueAdapter[] {
    return [...this.adapters.live.values()];
  }

  /** Replaces or adds an adapter (tests point a live venue at a local server this way). */
  register(adapter: VenueAdapter): void {
    this.adapters[adapter.mode].set(adapter.venue, adapter.mode === 'live' ? timed(adapter) : adapter);
  }
}

const TIMED = Symbol('timed');

/**
 * A live adapter whose every asynchronous method is timed (conduit_venue_request_duration_seconds): the one place
 * every venue request passes, whatever its transport (Hyperliquid's HTTP API, Ostium's RPC). The operation is the
 * method's name (markets, placeOrder, orderStatus...), the result ok or error (it threw); an answer the venue
 * refused (a REJECTED order) is ok here, the request itself succeeded. Paper adapters make no requests.
 */
export function timed(adapter: VenueAdapter): VenueAdapter {
  if ((adapter as any)[TIMED]) return adapter;
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === TIMED) return true;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return function (this: unknown, ...args: unknown[]) {
        const started = performance.now();
        const out = value.apply(this === receiver ? target : this, args);
        if (!out || typeof (out as Promise<unknown>).then !== 'function') return out;
        return (out as Promise<unknown>).then(
          (v) => {
            telemetry.venueRequest(target.venue, prop, 'ok', secondsSince(started));
            return v;
          },
          (e) => {
            telemetry.venueRequest(target.venue, prop, 'error', secondsSince(started));
            throw e;
          },
        );
      };
    },
  });
}
