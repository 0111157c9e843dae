import { Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { exec, notificationCtes, rows, Sql } from '@conduit/db';
import { toMoney } from '@conduit/domain';
import { MarketStats, VenueAdapter, VenueRegistry } from '@conduit/venue';
import { TokenSync } from './token-sync';

export interface SyncReport {
  venue: string;
  ok: boolean;
  markets: number;
  priced: number;
  deactivated: number;
  latencyMs: number;
  error?: string;
}

/**
 * Live venues' market lists (symbol, index, size decimals, max leverage, minimum) and marks into
 * venue_markets, their health into venues_status. A venue that does not answer is marked DOWN and its
 * markets are left as they were (a missing answer is not an empty list).
 *
 * Where the venue gives them (VenueAdapter.marketStats: Hyperliquid), each market's funding rate (hourly),
 * open interest (base units and USD) and when they were read go into its metadata: `fundingRate`,
 * `openInterest`, `openInterestUsd`, `statsAt`; a market the answer leaves out gets nulls. They are extras: when
 * the venue does not answer for them, the sync goes on without them and the figures stored before age
 * (`statsAt`).
 */
@Injectable()
export class MarketSync {
  private readonly logger = new Logger(MarketSync.name);

  constructor(
    private readonly ds: DataSource,
    private readonly venues: VenueRegistry,
    @Optional() private readonly tokens?: TokenSync,
  ) {}

  async run(): Promise<SyncReport[]> {
    // The token list first: SPOT's markets are the registry's tokens with a pool. A list that cannot be read leaves the
    // registry as it was; the venues sync all the same.
    await this.tokens?.run().catch((err) => this.logger.warn(`token list not synced: ${err instanceof Error ? err.message : String(err)}`));
    return Promise.all(this.venues.live().map((adapter) => this.syncVenue(adapter)));
  }

  async syncVenue(adapter: VenueAdapter): Promise<SyncReport> {
    const started = Date.now();
    try {
      const [markets, marks, stats] = await Promise.all([adapter.markets(), adapter.markPrices(), this.statsOf(adapter)]);
      const latencyMs = Date.now() - started;
      const listed = markets.map((m) => ({
        symbol: m.symbol,
        name: m.pair,
        index: m.index,
        active: m.active,
        min: m.minNotionalUsd,
        lev: m.maxLeverage,
        price: marks.has(m.symbol) ? toMoney(marks.get(m.symbol)!) : null,
        meta: JSON.stringify({
          szDecimals: m.szDecimals,
          minSize: m.minSize,
          source: `${adapter.venue} sync`,
          ...(stats && statsMetadata(stats.get(m.symbol))),
        }),
      }));
      let deactivated = 0;
      await this.ds.transaction(async (em) => {
        await exec(
          em,
          `INSERT INTO venue_markets (venue, token_symbol, market_name, market_index, is_active, min_position, max_leverage, current_price,
            last_synced, metadata)
           SELECT $1::venue_v3_t, v.symbol, v.name, v.idx, v.active, v.min, v.lev, v.price, now(),
                  v.meta || CASE WHEN v.meta ? 'fundingRate' THEN jsonb_build_object('statsAt', now()) ELSE '{}'::jsonb END
             FROM unnest($2::text[], $3::text[], $4::int[], $5::bool[], $6::numeric[], $7::int[], $8::numeric[], $9::jsonb[])
                  AS v(symbol, name, idx, active, min, lev, price, meta)
           ON CONFLICT (venue, token_symbol) DO UPDATE SET
             market_name = EXCLUDED.market_name, market_index = EXCLUDED.market_index, is_active = EXCLUDED.is_active,
             min_position = EXCLUDED.min_position, max_leverage = EXCLUDED.max_leverage,
             current_price = COALESCE(EXCLUDED.current_price, venue_markets.current_price), last_synced = now(),
             metadata = COALESCE(venue_markets.metadata, '{}'::jsonb) || EXCLUDED.metadata`,
          [
            adapter.venue,
            listed.map((r) => r.symbol),
            listed.map((r) => r.name),
            listed.map((r) => r.index),
            listed.map((r) => r.active),
            listed.map((r) => r.min),
            listed.map((r) => r.lev),
            listed.map((r) => r.price),
            listed.map((r) => r.meta),
          ],
        );
        const gone = await rows<{ n: number }>(
          em,
          `WITH u AS (UPDATE venue_markets SET is_active = false, last_synced = now()
                       WHERE venue = $1 AND is_active AND NOT (token_symbol = ANY($2::text[])) RETURNING id) SELECT count(*)::int AS n FROM
                         u`,
          [adapter.venue, listed.map((r) => r.symbol)],
        );
        await this.recordHealth(em, adapter.venue, true, latencyMs, null, { markets: listed.length });
        deactivated = gone[0].n;
      });
      return {
        venue: adapter.venue,
        ok: true,
        markets: listed.length,
        priced: listed.filter((r) => r.price).length,
        deactivated,
        latencyMs,
      };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.warn(`${adapter.venue} sync failed: ${error}`);
      await this.ds.transaction((em) => this.recordHealth(em, adapter.venue, false, Date.now() - started, error, {}));
      return { venue: adapter.venue, ok: false, markets: 0, priced: 0, deactivated: 0, latencyMs: Date.now() - started, error };
    }
  }

  /** The venue's funding and open interest by symbol; null when it gives none or does not answer for them. */
  private async statsOf(adapter: VenueAdapter): Promise<Map<string, MarketStats> | null> {
    if (!adapter.marketStats) return null;
    try {
      return new Map((await adapter.marketStats()).map((s) => [s.symbol, s]));
    } catch (err) {
      this.logger.warn(`${adapter.venue} funding and open interest not read: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  /** The venue's health, in the caller's transaction. */
  private async recordHealth(
    q: Sql,
    venue: string,
    ok: boolean,
    latencyMs: number,
    error: string | null,
    metadata: Record<string, unknown>,
  ) {
    // The status row is locked first: of two polls at once, the second waits for the first's commit, and its statement
    // below then compares with the status the first wrote (with its own snapshot it would see the old one, and record
    // the change twice).
    await exec(q, `SELECT 1 FROM venues_status WHERE venue = $1 FOR UPDATE`, [venue]);
    // venue.down / venue.up: on a change of status only (a venue first seen is no change), in the same statement.
    await rows(
      q,
      `WITH prev AS (SELECT status FROM venues_status WHERE venue = $1),
            up AS (
              INSERT INTO venues_status (venue, is_available, status, latency_ms, last_error, last_checked, metadata, status_since)
              VALUES ($1, $2, $3, $4, $5, now(), $6, now())
              ON CONFLICT (venue) DO UPDATE SET is_available = EXCLUDED.is_available, status = EXCLUDED.status,
                latency_ms = EXCLUDED.latency_ms, last_error = EXCLUDED.last_error, last_checked = now(), metadata = EXCLUDED.metadata,
                status_since = CASE WHEN venues_status.status IS DISTINCT FROM EXCLUDED.status THEN now()
                                    ELSE venues_status.status_since END
              RETURNING venue, status, last_checked, last_error),
            ${notificationCtes(
              'notified',
              `SELECT CASE up.status WHEN 'UP' THEN 'venue.up' ELSE 'venue.down' END AS event_type,
                      'venue.' || up.status || ':' || up.venue || ':' || (extract(epoch FROM up.last_checked) * 1000)::bigint AS event_key,
                      ARRAY[CASE up.status WHEN 'UP' THEN 'venue.up' ELSE 'venue.down' END] AS matches, NULL::text AS wallet,
                      true AS broadcast, NULL::uuid AS deployment_id, NULL::uuid AS position_id, NULL::uuid AS billing_event_id,
                      NULL::uuid AS agent_id,
                      jsonb_build_object('venue', up.venue, 'status', up.status, 'previous', prev.status, 'error', up.last_error) AS payload
                 FROM up JOIN prev ON prev.status IS DISTINCT FROM up.status`,
            )}
       SELECT 1`,
      [venue, ok, ok ? 'UP' : 'DOWN', latencyMs, error?.slice(0, 500) ?? null, JSON.stringify(metadata)],
    );
  }
}

/** A market's funding and open interest as metadata fields (nulls when the venue's answer left it out). */
function statsMetadata(stats: MarketStats | undefined) {
  return {
    fundingRate: stats?.fundingRate ?? null,
    openInterest: stats?.openInterest ?? null,
    openInterestUsd: stats?.openInterestUsd ?? null,
  };
}
