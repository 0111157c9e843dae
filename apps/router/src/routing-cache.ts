import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { MarketRow, PgListener, RoutingConfigRow, rows, VenueStatusRow } from '@conduit/db';
import { VenueView } from '@conduit/domain';
import { ENV } from '@conduit/runtime';
import { ADAPTED_VENUES, OrderBook, VenueRegistry } from '@conduit/venue';

export type RoutingConfig = Pick<RoutingConfigRow, 'venue_priority' | 'routing_strategy' | 'failover_enabled'>;

export const DEFAULT_ROUTING_CONFIG: RoutingConfig = {
  venue_priority: [...ADAPTED_VENUES],
  routing_strategy: 'FIRST_AVAILABLE',
  failover_enabled: true,
};

/** Postgres channel the AgentLayers migration's triggers notify on any change of configs, health or listings. */
export const ROUTING_CHANNEL = 'conduit_routing';

const COST_STRATEGIES = ['BEST_LIQUIDITY', 'LOWEST_FEES'];

interface CachedBook {
  book: OrderBook;
  at: number;
}

/**
 * Everything a routing decision reads, in memory: active markets per venue, venue health, routing configs and
 * (for the cost strategies) the order books of tokens that several venues list. Markets, health and configs
 * reload when Postgres notifies a change (triggers on the three tables) and on a slow timer as a safety net;
 * books refresh on their own timer. A decision therefore reads maps, never the database or a venue.
 */
@Injectable()
export class RoutingCache implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(RoutingCache.name);
  /** venue → token → market name, active markets only. */
  private markets = new Map<string, Map<string, string>>();
  private available = new Map<string, boolean>();
  /** agent id → config; '' is the global default. */
  private configs = new Map<string, RoutingConfig>();
  private books = new Map<string, CachedBook>();
  private readonly listener: PgListener;
  private timers: NodeJS.Timeout[] = [];
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  /** Wall-clock time of the last completed reload; the benchmark and health read it. */
  loadedAt = 0;
  /** Resolved by the first completed load: the queue's worker may start taking jobs before this provider's init. */
  private readonly firstLoad: Promise<void>;
  private markLoaded: () => void = () => undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly venues: VenueRegistry,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.firstLoad = new Promise<void>((resolve) => (this.markLoaded = resolve));
    // A dedicated connection LISTENs for changes; when it drops it is opened again every second until that works.
    // What was notified while nobody listened is lost, so the cache reloads once it listens again (the first load
    // follows the first LISTEN in onModuleInit). Until then the timer covers.
    this.listener = new PgListener({
      url: env.DATABASE_URL,
      channels: [ROUTING_CHANNEL],
      name: 'routing listener',
      onNotification: () => void this.reload().catch((e) => this.log.warn(`reload failed: ${e.message}`)),
      onListening: async () => {
        if (this.loadedAt) await this.reload().catch((e) => this.log.warn(`reload after reconnecting failed: ${e.message}`));
      },
      warn: (message) => this.log.warn(message),
    });
  }

  async onModuleInit(): Promise<void> {
    // Listening before the first load: a change committed in between is both loaded and notified, never missed.
    await this.listener.start();
    await this.reload();
    await this.refreshBooks();
    this.timers.push(
      setInterval(() => void this.reload().catch((e) => this.log.warn(`reload failed: ${e.message}`)), this.env.ROUTER_CACHE_REFRESH_MS),
    );
    this.timers.push(
      setInterval(
        () => void this.refreshBooks().catch((e) => this.log.warn(`book refresh failed: ${e.message}`)),
        this.env.ROUTER_BOOK_REFRESH_MS,
      ),
    );
    for (const t of this.timers) t.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.listener.close();
  }

  /** Reloads markets, health and configs (three queries). Concurrent calls share one reload, plus one more if asked meanwhile. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          await this.load();
        } while (this.reloadAgain);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /**
   * Resolves once the cache has loaded and no reload is running: a decision right after a notified change sees it,
   * and one asked before the first load (a restarted router's worker takes a waiting job before onModuleInit has
   * loaded the markets) waits for it instead of finding no venue.
   */
  async settled(): Promise<void> {
    await this.firstLoad;
    while (this.reloading) await this.reloading;
  }

  private async load(): Promise<void> {
    const [markets, status, configs] = await Promise.all([
      rows<{ venue: string } & Pick<MarketRow, 'token_symbol' | 'market_name'>>(
        this.ds,
        `SELECT venue::text AS venue, token_symbol, market_name FROM venue_markets WHERE is_active`,
      ),
      rows<{ venue: string } & Pick<VenueStatusRow, 'is_available'>>(
        this.ds,
        `SELECT venue::text AS venue, is_available FROM venues_status`,
      ),
      rows<RoutingConfig & Pick<RoutingConfigRow, 'agent_id'>>(
        this.ds,
        `SELECT agent_id, venue_priority, routing_strategy, failover_enabled FROM venue_routing_config_v3`,
      ),
    ]);
    const byVenue = new Map<string, Map<string, string>>();
    for (const m of markets) {
      if (!byVenue.has(m.venue)) byVenue.set(m.venue, new Map());
      byVenue.get(m.venue)!.set(m.token_symbol, m.market_name);
    }
    this.markets = byVenue;
    this.available = new Map(status.map((s) => [s.venue, s.is_available]));
    this.configs = new Map(
      configs.map((c) => [
        c.agent_id ?? '',
        {
          venue_priority: c.venue_priority,
          routing_strategy: c.routing_strategy ?? 'FIRST_AVAILABLE',
          failover_enabled: c.failover_enabled ?? true,
        },
      ]),
    );
    this.loadedAt = Date.now();
    this.markLoaded();
  }

  config(agentId: string): RoutingConfig {
    return this.configs.get(agentId) ?? this.configs.get('') ?? DEFAULT_ROUTING_CONFIG;
  }

  /** Whose config config(agentId) is: the agent's own row, the global row, or the built-in default. */
  configSource(agentId: string): 'agent' | 'global' | 'default' {
    return this.configs.has(agentId) ? 'agent' : this.configs.has('') ? 'global' : 'default';
  }

  /** What each venue of the list offers for the token. No status row yet counts as healthy; an adapter is required. */
  views(token: string, venues: string[]): Map<string, VenueView> {
    const out = new Map<string, VenueView>();
    for (const venue of venues) {
      const listing = this.markets.get(venue);
      const marketName = listing?.get(token) ?? null;
      out.set(venue, {
        venue,
        healthy: this.available.get(venue) !== false && this.venues.has(venue),
        listed: marketName !== null,
        marketName,
        activeMarkets: listing?.size ?? 0,
      });
    }
    return out;
  }

  /** Active markets across venues (the benchmark reports it). */
  marketCount(): number {
    let n = 0;
    for (const m of this.markets.values()) n += m.size;
    return n;
  }

  /** The cached book of a token on a venue, if it is fresh enough (three refresh periods). */
  book(venue: string, token: string): OrderBook | null {
    const b = this.books.get(`${venue}:${token}`);
    if (!b || Date.now() - b.at > 3 * this.env.ROUTER_BOOK_REFRESH_MS) return null;
    return b.book;
  }

  /** A book the background refresh has not reached yet (a token just listed, a new config): fetched once and kept. */
  async fetchBook(venue: string, token: string): Promise<OrderBook | null> {
    if (!this.venues.has(venue)) return null;
    try {
      const book = await this.venues.get(venue).orderBook(token);
      this.books.set(`${venue}:${token}`, { book, at: Date.now() });
      return book;
    } catch {
      return null;
    }
  }

  /**
   * Books only matter where a cost strategy compares venues: tokens listed on two or more venues with an adapter,
   * and only while some config uses a cost strategy.
   */
  async refreshBooks(): Promise<void> {
    if (![...this.configs.values()].some((c) => COST_STRATEGIES.includes(c.routing_strategy))) return;
    const venues = [...this.markets.keys()].filter((v) => this.venues.has(v) && this.available.get(v) !== false);
    const count = new Map<string, number>();
    for (const v of venues) for (const token of this.markets.get(v)!.keys()) count.set(token, (count.get(token) ?? 0) + 1);
    const work: Promise<unknown>[] = [];
    for (const v of venues) {
      for (const token of this.markets.get(v)!.keys()) if ((count.get(token) ?? 0) >= 2) work.push(this.fetchBook(v, token));
    }
    await Promise.all(work);
  }
}
