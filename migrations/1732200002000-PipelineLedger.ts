import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pipeline's own bookkeeping: one outcome per signal × deployment, and every venue order
 * keyed by its deterministic client order id. Unique constraints are the exactly-once guarantee.
 */
export class PipelineLedger1732200002000 implements MigrationInterface {
  name = 'PipelineLedger1732200002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signal_outcomes (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        signal_id UUID NOT NULL REFERENCES signals_v3(id) ON DELETE CASCADE,
        deployment_id UUID NOT NULL REFERENCES agent_deployments_v3(id) ON DELETE CASCADE,
        outcome TEXT NOT NULL CHECK (outcome IN ('PENDING', 'OPENED', 'SKIPPED', 'FAILED')),
        stage TEXT NOT NULL,
        reason TEXT,
        position_id UUID REFERENCES positions_v3(id),
        created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        CONSTRAINT uq_signal_outcomes_signal_deployment UNIQUE (signal_id, deployment_id),
        CONSTRAINT ck_signal_outcomes_reason CHECK (outcome IN ('PENDING', 'OPENED') OR reason IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX idx_signal_outcomes_deployment ON signal_outcomes (deployment_id, created_at)`);
    await q.query(`CREATE INDEX idx_signal_outcomes_pending ON signal_outcomes (signal_id) WHERE outcome = 'PENDING'`);

    await q.query(`
      CREATE TABLE venue_orders (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        client_order_id TEXT NOT NULL,
        deployment_id UUID NOT NULL REFERENCES agent_deployments_v3(id) ON DELETE CASCADE,
        signal_id UUID NOT NULL REFERENCES signals_v3(id) ON DELETE CASCADE,
        position_id UUID REFERENCES positions_v3(id),
        venue venue_v3_t NOT NULL,
        token_symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
        reduce_only BOOLEAN NOT NULL DEFAULT FALSE,
        qty DECIMAL(20, 8) NOT NULL,
        limit_price DECIMAL(20, 8),
        status TEXT NOT NULL DEFAULT 'NEW',
        filled_qty DECIMAL(20, 8),
        avg_fill_price DECIMAL(20, 8),
        fee DECIMAL(20, 8),
        venue_order_id TEXT,
        error TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        CONSTRAINT uq_venue_orders_client_order_id UNIQUE (venue, client_order_id)
      )`);
    await q.query(`CREATE INDEX idx_venue_orders_position ON venue_orders (position_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE venue_orders`);
    await q.query(`DROP TABLE signal_outcomes`);
  }
}
