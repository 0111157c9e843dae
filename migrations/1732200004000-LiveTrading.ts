import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live trading: each deployment trades on the paper venue (default) or live; a position may wait for an
 * asynchronous fill (Ostium's oracle) in PENDING and ends FAILED when that fill never comes.
 */
export class LiveTrading1732200004000 implements MigrationInterface {
  name = 'LiveTrading1732200004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE agent_deployments_v3 ADD COLUMN trading_mode TEXT NOT NULL DEFAULT 'paper'
         CONSTRAINT ck_deployments_v3_trading_mode CHECK (trading_mode IN ('paper', 'live'))`,
    );
    await q.query(
      `ALTER TABLE venue_orders ADD CONSTRAINT ck_venue_orders_status CHECK (status IN ('NEW', 'PENDING', 'FILLED', 'REJECTED'))`,
    );
    // The venue's slot of the resulting position where a market holds several (Ostium trade index).
    await q.query(`ALTER TABLE venue_orders ADD COLUMN venue_slot INT`);
    await q.query(`CREATE INDEX idx_positions_v3_pending ON positions_v3 (venue) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX idx_deployments_v3_live ON agent_deployments_v3 (id) WHERE trading_mode = 'live'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_deployments_v3_live`);
    await q.query(`DROP INDEX idx_positions_v3_pending`);
    await q.query(`ALTER TABLE venue_orders DROP COLUMN venue_slot`);
    await q.query(`ALTER TABLE venue_orders DROP CONSTRAINT ck_venue_orders_status`);
    await q.query(`ALTER TABLE agent_deployments_v3 DROP COLUMN trading_mode`);
  }
}
