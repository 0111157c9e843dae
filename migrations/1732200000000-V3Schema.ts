import { MigrationInterface, QueryRunner } from 'typeorm';

/** The eight v3 tables and their enums, exactly as seeds 000/001 define them. */
export class V3Schema1732200000000 implements MigrationInterface {
  name = 'V3Schema1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE venue_v3_t AS ENUM ('MULTI', 'HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT')`);
    await q.query(`CREATE TYPE agent_status_t AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED')`);
    await q.query(`CREATE TYPE bill_kind_t AS ENUM ('SUBSCRIPTION', 'PROFIT_SHARE')`);
    await q.query(`CREATE TYPE bill_status_t AS ENUM ('PENDING', 'COLLECTED', 'FAILED')`);

    await q.query(`
      CREATE TABLE agents_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        creator_wallet TEXT NOT NULL,
        name TEXT NOT NULL,
        venue venue_v3_t DEFAULT 'MULTI',
        status agent_status_t DEFAULT 'DRAFT',
        x_account_ids TEXT[],
        research_institute_ids TEXT[],
        weights JSONB,
        apr_30d REAL,
        apr_90d REAL,
        apr_si REAL,
        sharpe_30d REAL,
        profit_receiver_address TEXT NOT NULL,
        proof_of_intent_message TEXT,
        proof_of_intent_signature TEXT,
        proof_of_intent_timestamp TIMESTAMPTZ,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        updated_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`CREATE INDEX idx_agents_v3_creator ON agents_v3 (creator_wallet)`);

    await q.query(`
      CREATE TABLE agent_deployments_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID REFERENCES agents_v3(id),
        user_wallet TEXT NOT NULL,
        safe_wallet TEXT,
        status agent_status_t DEFAULT 'ACTIVE',
        sub_active BOOLEAN DEFAULT TRUE,
        sub_started_at TIMESTAMPTZ,
        trial_ends_at TIMESTAMPTZ,
        next_billing_at TIMESTAMPTZ,
        module_enabled BOOLEAN DEFAULT FALSE,
        module_address TEXT,
        hyperliquid_agent_address TEXT,
        hyperliquid_agent_key_encrypted TEXT,
        hyperliquid_agent_key_iv TEXT,
        hyperliquid_agent_key_tag TEXT,
        ostium_agent_address TEXT,
        ostium_agent_key_encrypted TEXT,
        ostium_agent_key_iv TEXT,
        ostium_agent_key_tag TEXT,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        UNIQUE (user_wallet, agent_id)
      )`);
    await q.query(`CREATE INDEX idx_deployments_v3_agent_status ON agent_deployments_v3 (agent_id, status)`);

    await q.query(`
      CREATE TABLE signals_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID REFERENCES agents_v3(id),
        token_symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        size_model JSONB NOT NULL,
        risk_model JSONB NOT NULL,
        confidence REAL,
        requested_venue venue_v3_t DEFAULT 'MULTI',
        final_venue venue_v3_t,
        source_tweets TEXT[],
        source_research TEXT[],
        status TEXT DEFAULT 'PENDING',
        skipped_reason TEXT,
        proof_verified BOOLEAN DEFAULT FALSE,
        executor_agreement_verified BOOLEAN DEFAULT FALSE,
        lunarcrush_score REAL,
        lunarcrush_reasoning TEXT,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        routed_at TIMESTAMPTZ,
        executed_at TIMESTAMPTZ
      )`);
    await q.query(`CREATE INDEX idx_signals_v3_agent_created ON signals_v3 (agent_id, created_at)`);
    await q.query(`CREATE INDEX idx_signals_v3_status ON signals_v3 (status, created_at)`);

    await q.query(`
      CREATE TABLE positions_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        deployment_id UUID REFERENCES agent_deployments_v3(id),
        signal_id UUID REFERENCES signals_v3(id),
        venue venue_v3_t NOT NULL,
        token_symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        qty DECIMAL(20, 8) NOT NULL,
        entry_price DECIMAL(20, 8) NOT NULL,
        current_price DECIMAL(20, 8),
        stop_loss DECIMAL(20, 8),
        take_profit DECIMAL(20, 8),
        trailing_params JSONB,
        status TEXT DEFAULT 'OPEN',
        opened_at TIMESTAMPTZ DEFAULT NOW(),
        closed_at TIMESTAMPTZ,
        exit_price DECIMAL(20, 8),
        exit_reason TEXT,
        pnl DECIMAL(20, 8),
        entry_tx_hash TEXT,
        exit_tx_hash TEXT,
        UNIQUE (deployment_id, signal_id)
      )`);
    await q.query(`CREATE INDEX idx_positions_v3_open ON positions_v3 (deployment_id) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX idx_positions_v3_signal ON positions_v3 (signal_id)`);

    await q.query(`
      CREATE TABLE venue_routing_config_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID UNIQUE REFERENCES agents_v3(id),
        venue_priority TEXT[] NOT NULL,
        routing_strategy TEXT DEFAULT 'FIRST_AVAILABLE',
        failover_enabled BOOLEAN DEFAULT TRUE,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        updated_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    // At most one global row: UNIQUE(agent_id) alone lets any number of NULLs through.
    await q.query(
      `CREATE UNIQUE INDEX uq_venue_routing_config_v3_global ON venue_routing_config_v3 ((agent_id IS NULL)) WHERE agent_id IS NULL`,
    );
    await q.query(`
      INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy, failover_enabled)
      VALUES (NULL, ARRAY['HYPERLIQUID', 'OSTIUM'], 'FIRST_AVAILABLE', TRUE)`);

    await q.query(`
      CREATE TABLE venue_routing_history_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        signal_id UUID UNIQUE REFERENCES signals_v3(id),
        token_symbol TEXT NOT NULL,
        requested_venue venue_v3_t NOT NULL,
        selected_venue venue_v3_t NOT NULL,
        routing_reason TEXT NOT NULL,
        checked_venues TEXT[],
        venue_availability JSONB,
        routing_duration_ms INT,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`CREATE INDEX idx_routing_history_v3_created ON venue_routing_history_v3 (created_at)`);

    await q.query(`
      CREATE TABLE billing_events_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        position_id UUID REFERENCES positions_v3(id),
        deployment_id UUID REFERENCES agent_deployments_v3(id),
        kind bill_kind_t NOT NULL,
        amount DECIMAL(20, 8) NOT NULL,
        asset TEXT DEFAULT 'USDC',
        status bill_status_t NOT NULL,
        occurred_at TIMESTAMPTZ DEFAULT NOW(),
        metadata JSONB,
        created_at TIMESTAMPTZ DEFAULT NOW()
      )`);
    await q.query(`CREATE INDEX idx_billing_v3_deployment ON billing_events_v3 (deployment_id, occurred_at)`);
    await q.query(`CREATE INDEX idx_billing_v3_kind ON billing_events_v3 (kind, occurred_at)`);
    // Exactly one profit share per position, whatever the retries.
    await q.query(`CREATE UNIQUE INDEX uq_billing_v3_profit_share_position ON billing_events_v3 (position_id) WHERE kind = 'PROFIT_SHARE'`);

    await q.query(`
      CREATE TABLE pnl_snapshots_v3 (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID REFERENCES agents_v3(id),
        deployment_id UUID REFERENCES agent_deployments_v3(id),
        day DATE NOT NULL,
        pnl DECIMAL(20, 8),
        return_pct REAL,
        created_at TIMESTAMPTZ DEFAULT NOW(),
        UNIQUE (deployment_id, day)
      )`);
    await q.query(`CREATE INDEX idx_pnl_v3_agent ON pnl_snapshots_v3 (agent_id, day)`);
    await q.query(`CREATE INDEX idx_pnl_v3_deployment ON pnl_snapshots_v3 (deployment_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'pnl_snapshots_v3',
      'billing_events_v3',
      'venue_routing_history_v3',
      'venue_routing_config_v3',
      'positions_v3',
      'signals_v3',
      'agent_deployments_v3',
      'agents_v3',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    for (const t of ['bill_status_t', 'bill_kind_t', 'agent_status_t', 'venue_v3_t']) await q.query(`DROP TYPE ${t}`);
  }
}
