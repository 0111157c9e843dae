import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a position needs to be liquidated: the leverage it was opened with (its isolated margin is entry × qty ÷
 * leverage) and the liquidation price that follows from it and the venue's maintenance margin
 * (libs/domain/src/liquidation.ts). Both NULL on the rows opened before; a long at 1x has no liquidation price.
 *
 * A liquidated position is CLOSED with exit_reason 'LIQUIDATION' (exit_reason stays free text; the lifecycle stays
 * OPEN → CLOSED): seed 004's agent_trades.status 'liquidated' is derived from that reason.
 */
export class Liquidation1732200011000 implements MigrationInterface {
  name = 'Liquidation1732200011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE positions_v3 ADD COLUMN leverage INT`);
    await q.query(`ALTER TABLE positions_v3 ADD COLUMN liquidation_price DECIMAL(20,8)`);
    await q.query(`ALTER TABLE positions_v3 ADD CONSTRAINT ck_positions_v3_leverage CHECK (leverage IS NULL OR leverage >= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE positions_v3 DROP CONSTRAINT IF EXISTS ck_positions_v3_leverage`);
    await q.query(`ALTER TABLE positions_v3 DROP COLUMN liquidation_price`);
    await q.query(`ALTER TABLE positions_v3 DROP COLUMN leverage`);
  }
}
