import { CoinMarket, marketView, marketViewTimes } from '@conduit/domain';
import { PREPARED, rows, Sql } from './sql';

/**
 * Days of market_marks to keep: the 24-hour change needs a day of samples, plus a day of slack. Older rows are for a
 * retention job to delete, keeping the newest row of each (venue, token_symbol) whatever its age (a mark that has not
 * changed since has no newer sample).
 */
export const MARKET_MARKS_RETENTION_DAYS = 2;

/** Funding and open interest read longer ago than this are left out (the venue sync has stopped). */
export const MARKET_STATS_MAX_AGE_MINUTES = 15;

interface CoinMarketRow {
  coin: string;
  listed: boolean;
  mark: string | null;
  max_leverage: number | null;
  funding_rate: string | null;
  open_interest: string | null;
  open_interest_usd: string | null;
  sample_minutes: (Date | string)[] | null;
  sample_marks: string[] | null;
  has_indicators: boolean;
  ret_6h: string | null;
  volatility_24h: string | null;
}

/**
 * Each coin's market for an LLM trader's cycle at `now`, in the order of `coins`, in one statement:
 * - `listed`: some active venue_markets row of an up venue (its venues_status row available and UP; a venue with no
 *   status row yet counts as up, as the router counts it);
 * - the coin's market: among its active rows, one of an up venue first, then one with a mark, then Hyperliquid's, then
 *   the others in venue_v3_t order. Its current_price is the mark; its max_leverage the maxLeverage (the market the
 *   book is routed to first by the default venue priority, whose limit the open clamps to); its market_marks the
 *   changes and the series (one venue's marks only, so two venues' prices never make a move); its metadata the funding
 *   rate and open interest when the venue sync read them in the last MARKET_STATS_MAX_AGE_MINUTES;
 * - the latest market_indicators_6h window starting at or before `now`: ret_6h and volatility_24h when they are
 *   numbers.
 * Only the samples marketView reads are fetched: the latest at or before each of marketViewTimes(now).
 */
export async function readCoinMarkets(q: Sql, coins: readonly string[], now: Date): Promise<CoinMarket[]> {
  if (!coins.length) return [];
  const found = await rows<CoinMarketRow>(
    q,
    `SELECT c.coin, COALESCE(src.listed, FALSE) AS listed, src.current_price AS mark, src.max_leverage,
            CASE WHEN fresh.ok THEN src.metadata->>'fundingRate' END AS funding_rate,
            CASE WHEN fresh.ok THEN src.metadata->>'openInterest' END AS open_interest,
            CASE WHEN fresh.ok THEN src.metadata->>'openInterestUsd' END AS open_interest_usd,
            smp.minutes AS sample_minutes, smp.marks AS sample_marks,
            ind.token_symbol IS NOT NULL AS has_indicators, ind.ret_6h, ind.volatility_24h
       FROM unnest($1::text[]) WITH ORDINALITY AS c(coin, ord)
       LEFT JOIN LATERAL (
         SELECT m.venue, m.current_price, m.max_leverage, m.metadata, bool_or(u.up) OVER () AS listed
           FROM venue_markets m
           LEFT JOIN venues_status s ON s.venue = m.venue
           CROSS JOIN LATERAL (SELECT COALESCE(s.is_available AND s.status = 'UP', TRUE) AS up) u
          WHERE m.token_symbol = c.coin AND m.is_active
          ORDER BY u.up DESC, m.current_price IS NULL, m.venue <> 'HYPERLIQUID', m.venue
          LIMIT 1
       ) src ON TRUE
       CROSS JOIN LATERAL (
         SELECT (src.metadata->>'statsAt')::timestamptz >= $2::timestamptz - make_interval(mins => $4) AS ok
       ) fresh
       LEFT JOIN LATERAL (
         SELECT array_agg(k.minute ORDER BY k.minute) AS minutes, array_agg(k.mark::text ORDER BY k.minute) AS marks
           FROM (SELECT DISTINCT latest.minute, latest.mark
                   FROM unnest($3::timestamptz[]) AS t(at)
                   CROSS JOIN LATERAL (
                     SELECT mm.minute, mm.mark FROM market_marks mm
                      WHERE mm.venue = src.venue AND mm.token_symbol = c.coin AND mm.minute <= t.at
                      ORDER BY mm.minute DESC LIMIT 1
                   ) latest) k
       ) smp ON src.venue IS NOT NULL
       LEFT JOIN LATERAL (
         SELECT i.token_symbol,
                CASE WHEN jsonb_typeof(i.indicators->'ret_6h') = 'number' THEN i.indicators->>'ret_6h' END AS ret_6h,
                CASE WHEN jsonb_typeof(i.indicators->'volatility_24h') = 'number' THEN i.indicators->>'volatility_24h' END AS volatility_24h
           FROM market_indicators_6h i
          WHERE i.token_symbol = c.coin AND i.window_start <= $2
          ORDER BY i.window_start DESC LIMIT 1
       ) ind ON TRUE
      ORDER BY c.ord`,
    [coins, now.toISOString(), marketViewTimes(now).map((t) => t.toISOString()), MARKET_STATS_MAX_AGE_MINUTES],
    PREPARED,
  );
  return found.map((r) => {
    const samples = (r.sample_minutes ?? []).map((minute, i) => ({ minute: new Date(minute), mark: r.sample_marks![i] }));
    return {
      coin: r.coin,
      listed: r.listed,
      mark: r.mark,
      maxLeverage: r.max_leverage,
      ...marketView(samples, now, r.mark),
      fundingRate: r.funding_rate,
      openInterest: r.open_interest,
      openInterestUsd: r.open_interest_usd,
      indicators: r.has_indicators ? { ret6h: r.ret_6h, volatility24h: r.volatility_24h } : null,
    };
  });
}
