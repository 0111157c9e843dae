import { MigrationInterface, QueryRunner } from 'typeorm';

/** GMX v2 perpetual markets on Arbitrum that Hyperliquid also lists (gmx-synthetics config/markets.ts names them). */
const GMX_MARKETS: [symbol: string, maxLeverage: number][] = [
  ['BTC', 100],
  ['ETH', 100],
  ['SOL', 50],
  ['ARB', 50],
  ['LINK', 50],
  ['DOGE', 50],
  ['LTC', 50],
  ['XRP', 50],
  ['AVAX', 50],
  ['ATOM', 50],
  ['OP', 50],
  ['BNB', 50],
];

/** Tokens with a deep Uniswap v3 pool against USDC on Arbitrum (ETH and BTC as WETH and WBTC). */
const SPOT_TOKENS = ['ETH', 'BTC', 'ARB', 'LINK', 'GMX'];

/**
 * The last two venues of venue_v3_t, GMX and SPOT (issue 19):
 * - agent_deployments_v3 gets a sealed agent wallet per venue for each, named as the seed names Hyperliquid's and
 *   Ostium's (`gmx_agent_address`, `gmx_agent_key_encrypted|iv|tag`, and `spot_…`). The seed's table has only the
 *   first two venues' columns; one wallet per venue keeps each venue's approvals and nonces its own.
 * - Paper listings: the GMX markets and SPOT tokens above, at the Hyperliquid row's mark (the paper venue's marks are
 *   venue_markets'), SPOT at 1x. The live venue sync replaces them with the chain's (markets, leverage, prices).
 */
export class GmxSpotVenues1732200023000 implements MigrationInterface {
  name = 'GmxSpotVenues1732200023000';

  async up(q: QueryRunner): Promise<void> {
    for (const prefix of ['gmx', 'spot'])
      await q.query(
        `ALTER TABLE agent_deployments_v3 ADD COLUMN ${prefix}_agent_address TEXT, ADD COLUMN ${prefix}_agent_key_encrypted TEXT,
           ADD COLUMN ${prefix}_agent_key_iv TEXT, ADD COLUMN ${prefix}_agent_key_tag TEXT`,
      );
    const seed = (venue: string, rows: { symbol: string; pair: string; index: number; maxLeverage: number }[], source: string) =>
      q.query(
        `INSERT INTO venue_markets (venue, token_symbol, market_name, market_index, is_active, min_position, max_leverage, current_price,
           last_synced, metadata)
         SELECT $1::venue_v3_t, r.symbol, r.pair, r.index, TRUE, 10, r.max_leverage, hl.current_price, NOW(),
                jsonb_build_object('szDecimals', COALESCE((hl.metadata->>'szDecimals')::int, 4), 'source', $3::text)
           FROM jsonb_to_recordset($2::jsonb) AS r(symbol text, pair text, index int, max_leverage int)
           JOIN venue_markets hl ON hl.venue = 'HYPERLIQUID' AND hl.token_symbol = r.symbol
         ON CONFLICT (venue, token_symbol) DO NOTHING`,
        [venue, JSON.stringify(rows.map((r) => ({ ...r, max_leverage: r.maxLeverage }))), source],
      );
    await seed(
      'GMX',
      GMX_MARKETS.map(([symbol, maxLeverage], index) => ({ symbol, pair: `${symbol}/USD`, index, maxLeverage })),
      'paper listing: GMX v2 Arbitrum market, mark of the Hyperliquid row',
    );
    await seed(
      'SPOT',
      SPOT_TOKENS.map((symbol, index) => ({ symbol, pair: `${symbol}/USDC`, index, maxLeverage: 1 })),
      'paper listing: Uniswap v3 pool against USDC on Arbitrum, mark of the Hyperliquid row',
    );
    await q.query(
      `INSERT INTO venues_status (venue, is_available, status) VALUES ('GMX', TRUE, 'UP'), ('SPOT', TRUE, 'UP')
       ON CONFLICT (venue) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM venues_status WHERE venue IN ('GMX', 'SPOT')`);
    await q.query(`DELETE FROM venue_markets WHERE venue IN ('GMX', 'SPOT') AND metadata->>'source' LIKE 'paper listing:%'`);
    for (const prefix of ['gmx', 'spot'])
      await q.query(
        `ALTER TABLE agent_deployments_v3 DROP COLUMN ${prefix}_agent_address, DROP COLUMN ${prefix}_agent_key_encrypted,
           DROP COLUMN ${prefix}_agent_key_iv, DROP COLUMN ${prefix}_agent_key_tag`,
      );
  }
}
