/** Venues a signal may be routed to (venue_v3_t without MULTI). */
export const VENUES = ['HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT'] as const;
export type Venue = (typeof VENUES)[number];
export const VENUE_ENUM = ['MULTI', ...VENUES] as const;
export type VenueOrMulti = (typeof VENUE_ENUM)[number];

export const ROUTING_STRATEGIES = ['FIRST_AVAILABLE', 'BEST_LIQUIDITY', 'LOWEST_FEES'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** What the router knows of one venue for one token. */
export interface VenueView {
  venue: string;
  /** The venue answers (venues_status) and has an adapter. */
  healthy: boolean;
  /** The token is listed and active on the venue (venue_markets). */
  listed: boolean;
  marketName?: string | null;
  /** Active markets on the venue, for the reason text. */
  activeMarkets: number;
}

export interface RoutingDecision {
  selected: string | null;
  checked: string[];
  availability: Record<string, boolean>;
  reason: string;
}

/**
 * FIRST_AVAILABLE: walk the priority list, pick the first venue that is healthy and lists the token.
 * With failover off only the first venue is considered.
 */
export function routeFirstAvailable(token: string, priority: string[], views: Map<string, VenueView>, failover: boolean): RoutingDecision {
  const checked: string[] = [];
  const availability: Record<string, boolean> = {};
  const notes: string[] = [];
  const candidates = failover ? priority : priority.slice(0, 1);
  for (const venue of candidates) {
    checked.push(venue);
    const v = views.get(venue);
    const ok = !!v && v.healthy && v.listed;
    availability[venue] = ok;
    if (ok) {
      const pair = v!.marketName ?? `${token}-USD`;
      return {
        selected: venue,
        checked,
        availability,
        reason: `${title(venue)}: pair ${pair} available (${v!.activeMarkets} pairs)`,
      };
    }
    notes.push(!v || !v.healthy ? `${venue} unavailable` : `${venue} does not list ${token}`);
  }
  const why = notes.length ? notes.join('; ') : 'no venue configured';
  return { selected: null, checked, availability, reason: `no venue lists ${token}: ${why}` };
}

function title(venue: string): string {
  return venue.charAt(0) + venue.slice(1).toLowerCase();
}
