import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Smart-money wallet intelligence (seed 003): watched wallets, their scores, their moves as events, each event's
 * analysis, and a bias per asset and timeframe. Plain Postgres (no TimescaleDB): time indexes, retention by a job.
 * Differences from seed 003, each for a reason (docs/WALLETS.md):
 * - timestamps are TIMESTAMPTZ (every time in Conduit is an instant);
 * - an event's identity is (venue, tx_hash, fill_id): one Hyperliquid transaction can carry several fills, so the hash
 *   alone (seed 003's UNIQUE tx_hash) would drop all but one;
 * - wallet_scores and bias get primary keys (wallet or asset × timeframe × timestamp), so a recomputed score or bias is
 *   written once;
 * - events carry the realized PnL of the fill and the position before and after it (what scoring and analysis read);
 * - the views read positions_v3, whose `signal_wallet_id` names the wallet that signalled a position; the seed's
 *   `w.credibility_4h` (not a wallets column) is the wallet's latest 4h credibility from wallet_scores.
 */
export class WalletIntelligence1732200014000 implements MigrationInterface {
  name = 'WalletIntelligence1732200014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wallets (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        address VARCHAR(42) UNIQUE NOT NULL,
        label VARCHAR(100),
        chain VARCHAR(20) DEFAULT 'ethereum',
        first_seen_at TIMESTAMPTZ DEFAULT now(),
        last_activity TIMESTAMPTZ,
        is_active BOOLEAN DEFAULT true,
        tags TEXT[],
        metadata JSONB,
        CONSTRAINT ck_wallets_address CHECK (address ~ '^0x[0-9a-f]{40}$')
      )`);
    await q.query(`CREATE INDEX idx_wallets_address ON wallets (address)`);
    await q.query(`CREATE INDEX idx_wallets_active ON wallets (is_active)`);

    await q.query(`
      CREATE TABLE wallet_scores (
        wallet_id UUID NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
        timestamp TIMESTAMPTZ NOT NULL,
        credibility_1h DECIMAL(3, 1),
        credibility_4h DECIMAL(3, 1),
        credibility_24h DECIMAL(3, 1),
        equity_usd DECIMAL(20, 2),
        trading_volume_24h DECIMAL(20, 2),
        win_rate DECIMAL(3, 2),
        archetype VARCHAR(50),
        PRIMARY KEY (wallet_id, timestamp),
        CONSTRAINT ck_wallet_scores_credibility CHECK (
          credibility_1h BETWEEN 0 AND 10 AND credibility_4h BETWEEN 0 AND 10 AND credibility_24h BETWEEN 0 AND 10),
        CONSTRAINT ck_wallet_scores_win_rate CHECK (win_rate BETWEEN 0 AND 1)
      )`);
    await q.query(`CREATE INDEX idx_wallet_scores_composite ON wallet_scores (wallet_id, timestamp DESC)`);
    await q.query(`CREATE INDEX idx_wallet_scores_timestamp ON wallet_scores (timestamp)`);

    await q.query(`
      CREATE TABLE events (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        timestamp TIMESTAMPTZ NOT NULL,
        wallet_id UUID NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
        tx_hash VARCHAR(66) NOT NULL,
        fill_id VARCHAR(40) NOT NULL,
        event_type VARCHAR(50) NOT NULL,
        asset VARCHAR(20),
        amount DECIMAL(30, 10),
        notional_usd DECIMAL(20, 2),
        size_fraction DECIMAL(5, 4),
        venue VARCHAR(50) NOT NULL DEFAULT 'HYPERLIQUID',
        gas_price DECIMAL(20, 10),
        is_first_since_watch BOOLEAN DEFAULT false,
        position_before DECIMAL(30, 10),
        position_after DECIMAL(30, 10),
        realized_pnl DECIMAL(20, 8),
        raw_data JSONB,
        processed_at TIMESTAMPTZ DEFAULT now(),
        CONSTRAINT uq_events_identity UNIQUE (venue, tx_hash, fill_id),
        CONSTRAINT ck_events_event_type CHECK (event_type IN ('open', 'add', 'reduce', 'close', 'flip', 'liquidation'))
      )`);
    await q.query(`CREATE INDEX idx_events_wallet ON events (wallet_id, timestamp DESC)`);
    await q.query(`CREATE INDEX idx_events_type ON events (event_type)`);
    await q.query(`CREATE INDEX idx_events_asset_time ON events (asset, timestamp DESC)`);
    await q.query(`CREATE INDEX idx_events_timestamp ON events (timestamp)`);

    await q.query(`
      CREATE TABLE event_analysis (
        event_id UUID PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        llm_classification VARCHAR(100),
        llm_confidence DECIMAL(3, 2),
        llm_narrative TEXT,
        pattern_matched VARCHAR(100),
        bias_impact DECIMAL(4, 3),
        proposed_action JSONB,
        created_at TIMESTAMPTZ DEFAULT now(),
        CONSTRAINT ck_event_analysis_confidence CHECK (llm_confidence BETWEEN 0 AND 1),
        CONSTRAINT ck_event_analysis_bias_impact CHECK (bias_impact BETWEEN -1 AND 1)
      )`);

    await q.query(`
      CREATE TABLE bias (
        timestamp TIMESTAMPTZ NOT NULL,
        asset VARCHAR(20) NOT NULL,
        timeframe VARCHAR(10) NOT NULL,
        value DECIMAL(4, 3),
        components JSONB,
        confidence DECIMAL(3, 2),
        PRIMARY KEY (asset, timeframe, timestamp),
        CONSTRAINT ck_bias_timeframe CHECK (timeframe IN ('1h', '4h', '24h')),
        CONSTRAINT ck_bias_value CHECK (value BETWEEN -1 AND 1),
        CONSTRAINT ck_bias_confidence CHECK (confidence BETWEEN 0 AND 1)
      )`);
    await q.query(`CREATE INDEX idx_bias_asset ON bias (asset, timestamp DESC)`);
    await q.query(`CREATE INDEX idx_bias_timestamp ON bias (timestamp)`);

    // The wallet whose move a position came from (seed 003's positions.signal_wallet_id).
    await q.query(`ALTER TABLE positions_v3 ADD COLUMN signal_wallet_id UUID REFERENCES wallets(id) ON DELETE SET NULL`);
    // Closed positions older than the configured age move here (a retention job).
    await q.query(`CREATE TABLE positions_archive (LIKE positions_v3 INCLUDING ALL)`);

    await q.query(`
      CREATE VIEW active_positions_view AS
      SELECT p.*, w.address AS signal_wallet,
             (SELECT s.credibility_4h FROM wallet_scores s WHERE s.wallet_id = p.signal_wallet_id
               ORDER BY s.timestamp DESC LIMIT 1) AS wallet_credibility,
             (SELECT b.value FROM bias b WHERE b.asset = p.token_symbol AND b.timeframe = '4h'
               ORDER BY b.timestamp DESC LIMIT 1) AS current_bias
        FROM positions_v3 p
        LEFT JOIN wallets w ON w.id = p.signal_wallet_id
       WHERE p.status = 'OPEN'`);
    await q.query(`
      CREATE MATERIALIZED VIEW daily_performance AS
      SELECT date_trunc('day', p.closed_at AT TIME ZONE 'UTC')::date AS date,
             d.trading_mode,
             count(*)::int AS total_trades,
             round(count(*) FILTER (WHERE p.pnl > 0)::numeric / NULLIF(count(*), 0), 4) AS win_rate,
             sum(p.pnl) AS total_pnl,
             avg(p.pnl) AS avg_pnl,
             max(p.pnl) AS best_trade,
             min(p.pnl) AS worst_trade,
             avg(p.closed_at - p.opened_at) AS avg_holding_time
        FROM positions_v3 p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
       WHERE p.status = 'CLOSED' AND p.closed_at IS NOT NULL
       GROUP BY 1, 2`);
    // REFRESH ... CONCURRENTLY needs a unique index.
    await q.query(`CREATE UNIQUE INDEX uq_daily_performance_day_mode ON daily_performance (date, trading_mode)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP MATERIALIZED VIEW daily_performance`);
    await q.query(`DROP VIEW active_positions_view`);
    await q.query(`DROP TABLE positions_archive`);
    await q.query(`ALTER TABLE positions_v3 DROP COLUMN signal_wallet_id`);
    await q.query(`DROP TABLE bias`);
    await q.query(`DROP TABLE event_analysis`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP TABLE wallet_scores`);
    await q.query(`DROP TABLE wallets`);
  }
}
