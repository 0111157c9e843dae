import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables shared with the neighbouring systems (seed 000) that the pipeline reads. */
export class SharedTables1732200001000 implements MigrationInterface {
  name = 'SharedTables1732200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE venue_markets (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        venue venue_v3_t NOT NULL,
        token_symbol TEXT NOT NULL,
        market_name TEXT NOT NULL,
        market_index INT,
        is_active BOOLEAN NOT NULL DEFAULT TRUE,
        min_position DECIMAL(20, 8),
        max_leverage INT,
        current_price DECIMAL(20, 8),
        last_synced TIMESTAMPTZ,
        metadata JSONB,
        CONSTRAINT uq_venue_markets_venue_token UNIQUE (venue, token_symbol)
      )`);
    await q.query(`CREATE INDEX idx_venue_markets_token_active ON venue_markets (token_symbol) WHERE is_active`);

    await q.query(`
      CREATE TABLE venues_status (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        venue venue_v3_t NOT NULL UNIQUE,
        is_available BOOLEAN NOT NULL DEFAULT TRUE,
        status TEXT NOT NULL DEFAULT 'UP',
        latency_ms INT,
        last_error TEXT,
        last_checked TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        metadata JSONB
      )`);

    await q.query(`
      CREATE TABLE ct_accounts (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        x_username TEXT NOT NULL UNIQUE,
        x_user_id TEXT UNIQUE,
        display_name TEXT,
        followers_count INT,
        impact_factor REAL NOT NULL DEFAULT 0.5,
        is_active BOOLEAN NOT NULL DEFAULT TRUE,
        last_seen_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`
      CREATE TABLE ct_posts (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        ct_account_id UUID NOT NULL REFERENCES ct_accounts(id) ON DELETE CASCADE,
        tweet_id TEXT NOT NULL UNIQUE,
        tweet_text TEXT NOT NULL,
        tweet_created_at TIMESTAMPTZ,
        is_signal_candidate BOOLEAN,
        extracted_tokens TEXT[],
        signal_type TEXT,
        confidence REAL,
        classification JSONB,
        processed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`CREATE INDEX idx_ct_posts_account_created ON ct_posts (ct_account_id, tweet_created_at)`);

    await q.query(`
      CREATE TABLE research_institutes (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        website_url TEXT,
        x_handle TEXT,
        is_active BOOLEAN NOT NULL DEFAULT TRUE,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`
      CREATE TABLE research_signals (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        institute_id UUID NOT NULL REFERENCES research_institutes(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        token_symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        leverage INT,
        confidence REAL,
        raw_text TEXT,
        signal_time TIMESTAMPTZ,
        processed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        CONSTRAINT uq_research_signals_source UNIQUE (institute_id, source_id)
      )`);

    await q.query(`
      CREATE TABLE token_registry (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        chain TEXT NOT NULL,
        token_symbol TEXT NOT NULL,
        token_address TEXT,
        decimals INT,
        preferred_router TEXT,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        CONSTRAINT uq_token_registry_chain_symbol UNIQUE (chain, token_symbol)
      )`);

    await q.query(`
      CREATE TABLE market_indicators_6h (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        token_symbol TEXT NOT NULL,
        window_start TIMESTAMPTZ NOT NULL,
        indicators JSONB NOT NULL,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        CONSTRAINT uq_market_indicators_6h_window UNIQUE (token_symbol, window_start)
      )`);

    await q.query(`
      CREATE TABLE impact_factor_history (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        ct_account_id UUID NOT NULL REFERENCES ct_accounts(id) ON DELETE CASCADE,
        signal_id UUID,
        position_id UUID,
        pnl_contribution DECIMAL(20, 8),
        impact_factor_before REAL,
        impact_factor_after REAL,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`CREATE INDEX idx_impact_factor_history_account ON impact_factor_history (ct_account_id, created_at)`);

    await q.query(`
      CREATE TABLE audit_logs (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        event_name TEXT NOT NULL,
        subject_type TEXT,
        subject_id UUID,
        payload JSONB,
        occurred_at TIMESTAMPTZ DEFAULT NOW(),
        trace_id TEXT
      )`);
    await q.query(`CREATE INDEX idx_audit_event ON audit_logs (event_name, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'audit_logs',
      'impact_factor_history',
      'market_indicators_6h',
      'token_registry',
      'research_signals',
      'research_institutes',
      'ct_posts',
      'ct_accounts',
      'venues_status',
      'venue_markets',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
