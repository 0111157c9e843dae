import { dec, Dec, DecimalLike } from './money';

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
  /** Why the venue cannot take this signal although it lists the token (SPOT and a SHORT), or absent. */
  refused?: string | null;
  /** What the venue changes of the signal when it takes it (SPOT buys at 1x), for the reason text. */
  note?: string | null;
}

// ---- what a venue can take ---------------------------------------------------------------------------------------

/** Venues that only buy and sell the token itself: no short, no leverage (a Uniswap swap on Arbitrum). */
export const SPOT_VENUES: readonly string[] = ['SPOT'];

/**
 * Why `venue` refuses an order of this kind, or null: a spot venue buys (LONG) and sells what it bought; it never
 * opens a SHORT or trades above 1x. Used by the router (a SHORT is never routed to SPOT), the paper venue and the
 * live SPOT adapter alike.
 */
export function spotRefusal(
  venue: string,
  order: { side: 'LONG' | 'SHORT' | 'BUY' | 'SELL'; reduceOnly?: boolean; leverage?: number | null },
): string | null {
  if (!SPOT_VENUES.includes(venue)) return null;
  if (order.side === 'SHORT' || (order.side === 'SELL' && !order.reduceOnly)) return `${venue} trades LONG only: no short on a spot swap`;
  if (order.leverage != null && order.leverage > 1) return `${venue} trades without leverage: ${order.leverage}x asked, 1x the most`;
  return null;
}

/**
 * The venue's view for one signal: a spot venue refuses a SHORT, and takes a leveraged LONG at 1x (the executor caps
 * the leverage by the market's, 1 on SPOT), which the reason says.
 */
export function viewForSignal(view: VenueView, signal: { side: string; leverage?: number | null }): VenueView {
  if (!SPOT_VENUES.includes(view.venue)) return view;
  if (signal.side === 'SHORT') return { ...view, refused: spotRefusal(view.venue, { side: 'SHORT' }) };
  if (signal.leverage != null && signal.leverage > 1)
    return { ...view, note: `buys at 1x, no leverage (the signal asks ${signal.leverage}x)` };
  return view;
}

const usableView = (v: VenueView | undefined): v is VenueView => !!v && v.healthy && v.listed && !v.refused;

function whyNot(venue: string, v: VenueView | undefined, token: string): string {
  if (!v || !v.healthy) return `${venue} unavailable`;
  if (!v.listed) return `${venue} does not list ${token}`;
  return v.refused!;
}

export interface RoutingDecision {
  selected: string | null;
  /**
   * Every usable venue, best first (selected = ranked[0]): what a deployment fails over to when its venue refuses
   * the order, or trades on when its policy does not enable the selected one. Just [selected] with failover off.
   */
  ranked: string[];
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
  const ranked = candidates.filter((venue) => usableView(views.get(venue)));
  for (const venue of candidates) {
    checked.push(venue);
    const v = views.get(venue);
    const ok = usableView(v);
    availability[venue] = ok;
    if (ok) {
      const pair = v.marketName ?? `${token}-USD`;
      // a venue passed over because it cannot take this signal (SPOT and a SHORT) is named: it did list the token
      const refusals = candidates
        .slice(0, checked.length - 1)
        .map((c) => views.get(c)?.refused)
        .filter(Boolean);
      const note = (v.note ? ` ${v.note}` : '') + (refusals.length ? ` (${refusals.join('; ')})` : '');
      return {
        selected: venue,
        ranked,
        checked,
        availability,
        reason: `${title(venue)}: pair ${pair} available (${v.activeMarkets} pairs)${note}`,
      };
    }
    notes.push(whyNot(venue, v, token));
  }
  const why = notes.length ? notes.join('; ') : 'no venue configured';
  return { selected: null, ranked: [], checked, availability, reason: `no venue lists ${token}: ${why}` };
}

function title(venue: string): string {
  return venue.charAt(0) + venue.slice(1).toLowerCase();
}

// ---- cost-based strategies (BEST_LIQUIDITY, LOWEST_FEES) ---------------------------------------------------------

export interface BookLevelView {
  price: string;
  size: string;
}

/** What filling the intended size on one venue would cost, from its book and its fee schedule. */
export interface ExecutionQuote {
  /** Average fill price walking the book; null when the book cannot fill the size. */
  avgPrice: Dec | null;
  /** Slippage of that average against the best price of the side, in basis points; null when unfillable. */
  slippageBps: Dec | null;
  takerBps: Dec;
}

/**
 * Walks one side of a book (asks for a buy, bids for a sell, best first) until `notionalUsd` is filled and
 * returns the average price and its slippage against the best level. Pure decimal math.
 */
export function quoteExecution(levels: BookLevelView[], notionalUsd: DecimalLike, takerBps: DecimalLike): ExecutionQuote {
  const taker = dec(takerBps);
  const want = dec(notionalUsd);
  if (!levels.length || want.lte(0)) return { avgPrice: null, slippageBps: null, takerBps: taker };
  let spent = new Dec(0);
  let qty = new Dec(0);
  for (const level of levels) {
    const price = dec(level.price);
    const room = price.mul(level.size);
    const take = Dec.min(room, want.minus(spent));
    spent = spent.plus(take);
    qty = qty.plus(take.div(price));
    if (spent.gte(want)) break;
  }
  if (spent.lt(want)) return { avgPrice: null, slippageBps: null, takerBps: taker };
  const avg = spent.div(qty);
  const best = dec(levels[0].price);
  return { avgPrice: avg, slippageBps: avg.minus(best).abs().div(best).mul(10_000), takerBps: taker };
}

/**
 * BEST_LIQUIDITY: among the healthy venues listing the token, the one whose book fills the intended size with the
 * least slippage. LOWEST_FEES: the least taker fee plus expected slippage. Ties keep the priority order; a venue
 * whose book cannot fill the size is never chosen while another can; with failover off only the first venue counts.
 */
export function routeByCost(
  strategy: 'BEST_LIQUIDITY' | 'LOWEST_FEES',
  token: string,
  priority: string[],
  views: Map<string, VenueView>,
  quotes: Map<string, ExecutionQuote>,
  failover: boolean,
  notionalUsd: DecimalLike,
): RoutingDecision {
  const checked: string[] = [];
  const availability: Record<string, boolean> = {};
  const scored: { venue: string; cost: Dec }[] = [];
  const notes: string[] = [];
  for (const venue of failover ? priority : priority.slice(0, 1)) {
    checked.push(venue);
    const v = views.get(venue);
    const ok = usableView(v);
    availability[venue] = ok;
    if (!ok) {
      notes.push(whyNot(venue, v, token));
      continue;
    }
    const q = quotes.get(venue);
    if (!q?.slippageBps) {
      notes.push(`${venue} book cannot fill $${dec(notionalUsd).toFixed(0)}`);
      continue;
    }
    scored.push({ venue, cost: strategy === 'BEST_LIQUIDITY' ? q.slippageBps : q.slippageBps.plus(q.takerBps) });
  }
  if (!scored.length) {
    const listed = checked.filter((venue) => availability[venue]);
    if (listed.length) {
      // Listed but no book deep enough: the first listed venue still takes it, and the reason says why.
      const fallback = routeFirstAvailable(token, listed, views, true);
      return { ...fallback, checked, availability, reason: `${fallback.reason} [${strategy}: ${notes.join('; ')}]` };
    }
    return {
      selected: null,
      ranked: [],
      checked,
      availability,
      reason: `no venue lists ${token}: ${notes.join('; ') || 'no venue configured'}`,
    };
  }
  const best = scored.reduce((a, b) => (b.cost.lt(a.cost) ? b : a));
  // Cheapest first (stable: ties keep the priority order), then listed venues that could not be quoted.
  const byCost = [...scored].sort((a, b) => a.cost.comparedTo(b.cost)).map((s) => s.venue);
  const ranked = [...byCost, ...checked.filter((venue) => availability[venue] && !byCost.includes(venue))];
  const measure = strategy === 'BEST_LIQUIDITY' ? 'slippage' : 'fee + slippage';
  const others = scored.filter((s) => s !== best).map((s) => `${title(s.venue)} ${s.cost.toFixed(2)} bps`);
  const note = views.get(best.venue)?.note;
  return {
    selected: best.venue,
    ranked,
    checked,
    availability,
    reason:
      `${strategy}: ${title(best.venue)} fills $${dec(notionalUsd).toFixed(0)} of ${token} at ${best.cost.toFixed(2)} bps ${measure}` +
      (note ? ` (${title(best.venue)} ${note})` : '') +
      (others.length ? ` (${others.join(', ')})` : '') +
      (notes.length ? `; ${notes.join('; ')}` : ''),
  };
}

/**
 * The size a signal will trade across its deployments, for routing by cost: each deployment's margin (a percentage
 * of the reference equity, or fixed USD) times the leverage, times the number of deployments.
 */
export function intendedNotional(
  sizeModel: { type?: unknown; value?: unknown; leverage?: unknown },
  referenceEquity: DecimalLike,
  deployments: number,
): Dec {
  const value = dec(Number.isFinite(Number(sizeModel.value)) ? String(sizeModel.value) : '0');
  const leverage = dec(Number.isFinite(Number(sizeModel.leverage)) && Number(sizeModel.leverage) > 0 ? String(sizeModel.leverage) : '1');
  const margin = sizeModel.type === 'fixed-usd' ? value : dec(referenceEquity).mul(value).div(100);
  return margin.mul(leverage).mul(Math.max(deployments, 1));
}
