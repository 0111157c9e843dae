import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The three agent layers made real.
 * - Agent What logs every decision (seed 004's agent_decisions, keyed to agents_v3) and feeds impact factors.
 * - Agent How: a policy per agent (its own limits) and per deployment (the subscriber's), and one recorded
 *   decision per signal × deployment with the final size and leverage.
 * - Agent Where: each deployment's venue and its failover candidates on its outcome row; a NOTIFY on every
 *   change the router's in-memory cache depends on.
 */
export class AgentLayers1732200005000 implements MigrationInterface {
  name = 'AgentLayers1732200005000';

  async up(q: QueryRunner): Promise<void> {
    // Seed 004's columns and checks, with three documented differences: agent_id references agents_v3; coin is
    // VARCHAR(20) without the six-coin list (any listed token may be decided on); model, parsed_result, source and
    // signal columns record which classifier answered, what it parsed, and what the decision read or emitted.
    await q.query(`
      CREATE TABLE agent_decisions (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id UUID NOT NULL REFERENCES agents_v3(id) ON DELETE CASCADE,
        timestamp TIMESTAMPTZ NOT NULL DEFAULT now(),
        status VARCHAR(20) NOT NULL DEFAULT 'success',
        action VARCHAR(20) NOT NULL,
        coin VARCHAR(20) NOT NULL,
        size_usd DECIMAL(20, 2) NOT NULL,
        leverage INT NOT NULL,
        stop_loss_price DECIMAL(20, 2) NOT NULL,
        take_profit_price DECIMAL(20, 2) NOT NULL,
        confidence DECIMAL(3, 2) NOT NULL,
        reasoning TEXT NOT NULL,
        prompt_content TEXT,
        llm_response TEXT,
        execution_time_ms INT,
        error_message TEXT,
        model TEXT,
        parsed_result JSONB,
        source_type TEXT,
        source_id TEXT,
        signal_id UUID,
        CONSTRAINT ck_agent_decisions_status CHECK (status IN ('success', 'failed', 'parsing_error')),
        CONSTRAINT ck_agent_decisions_action CHECK (action IN ('OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD')),
        CONSTRAINT ck_agent_decisions_leverage CHECK (leverage >= 1 AND leverage <= 50),
        CONSTRAINT ck_agent_decisions_confidence CHECK (confidence >= 0.00 AND confidence <= 1.00),
        CONSTRAINT ck_agent_decisions_source_type CHECK (source_type IN ('ct_post', 'research', 'aggregate'))
      )`);
    await q.query(`CREATE INDEX idx_agent_decisions_agent_id ON agent_decisions (agent_id)`);
    await q.query(`CREATE INDEX idx_agent_decisions_timestamp ON agent_decisions (timestamp)`);
    await q.query(`CREATE INDEX idx_agent_decisions_status ON agent_decisions (status)`);
    await q.query(`CREATE INDEX idx_agent_decisions_action ON agent_decisions (action)`);
    await q.query(`CREATE INDEX idx_agent_decisions_coin ON agent_decisions (coin)`);
    await q.query(`CREATE INDEX idx_agent_decisions_signal ON agent_decisions (signal_id) WHERE signal_id IS NOT NULL`);

    // Agent How. Empty policy = no limits beyond the subscription gate.
    await q.query(`ALTER TABLE agents_v3 ADD COLUMN policy JSONB NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE agent_deployments_v3 ADD COLUMN policy JSONB NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`
      CREATE TABLE policy_decisions (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        signal_id UUID NOT NULL REFERENCES signals_v3(id) ON DELETE CASCADE,
        deployment_id UUID NOT NULL REFERENCES agent_deployments_v3(id) ON DELETE CASCADE,
        agent_id UUID NOT NULL REFERENCES agents_v3(id) ON DELETE CASCADE,
        decision TEXT NOT NULL CONSTRAINT ck_policy_decisions_decision CHECK (decision IN ('TRADE', 'SKIP')),
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        size_model JSONB,
        leverage INT,
        venues TEXT[],
        effective_policy JSONB NOT NULL,
        inputs JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT uq_policy_decisions_signal_deployment UNIQUE (signal_id, deployment_id)
      )`);
    await q.query(`CREATE INDEX idx_policy_decisions_deployment ON policy_decisions (deployment_id, created_at)`);
    await q.query(`CREATE INDEX idx_policy_decisions_agent ON policy_decisions (agent_id, created_at)`);

    // Agent Where: the venue each deployment trades on, and the ranked venues left to fail over to.
    await q.query(`ALTER TABLE signal_outcomes ADD COLUMN venue venue_v3_t`);
    await q.query(`ALTER TABLE signal_outcomes ADD COLUMN venue_candidates TEXT[]`);
    await q.query(`CREATE INDEX idx_routing_history_v3_venue ON venue_routing_history_v3 (selected_venue, created_at)`);

    // One impact update per (account, position), whatever the retries.
    await q.query(
      `CREATE UNIQUE INDEX uq_impact_factor_history_position ON impact_factor_history (ct_account_id, position_id) WHERE position_id IS NOT
        NULL`,
    );
    await q.query(`CREATE INDEX idx_research_signals_institute_time ON research_signals (institute_id, signal_time)`);

    // The router keeps markets, venue health and routing configs in memory; these tell it to reload.
    await q.query(`
      CREATE FUNCTION conduit_notify_routing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('conduit_routing', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER trg_routing_config_notify AFTER INSERT OR UPDATE OR DELETE ON venue_routing_config_v3
                     FOR EACH STATEMENT EXECUTE FUNCTION conduit_notify_routing()`);
    await q.query(`CREATE TRIGGER trg_venues_status_notify AFTER INSERT OR UPDATE OR DELETE ON venues_status
                     FOR EACH STATEMENT EXECUTE FUNCTION conduit_notify_routing()`);
    // Listing changes only: the paper walk's price updates do not touch these columns.
    await q.query(`CREATE TRIGGER trg_venue_markets_notify AFTER INSERT OR DELETE OR UPDATE OF is_active, market_name, token_symbol ON
                    venue_markets
                     FOR EACH STATEMENT EXECUTE FUNCTION conduit_notify_routing()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_venue_markets_notify ON venue_markets`);
    await q.query(`DROP TRIGGER trg_venues_status_notify ON venues_status`);
    await q.query(`DROP TRIGGER trg_routing_config_notify ON venue_routing_config_v3`);
    await q.query(`DROP FUNCTION conduit_notify_routing()`);
    await q.query(`DROP INDEX idx_research_signals_institute_time`);
    await q.query(`DROP INDEX uq_impact_factor_history_position`);
    await q.query(`DROP INDEX idx_routing_history_v3_venue`);
    await q.query(`ALTER TABLE signal_outcomes DROP COLUMN venue_candidates`);
    await q.query(`ALTER TABLE signal_outcomes DROP COLUMN venue`);
    await q.query(`DROP TABLE policy_decisions`);
    await q.query(`ALTER TABLE agent_deployments_v3 DROP COLUMN policy`);
    await q.query(`ALTER TABLE agents_v3 DROP COLUMN policy`);
    await q.query(`DROP TABLE agent_decisions`);
  }
}
