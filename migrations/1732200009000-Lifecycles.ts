import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lifecycles' statuses as constraints (libs/domain/src/lifecycle.ts lists them and their moves), and a failed
 * signal's reason in a column of its own: skipped_reason keeps what the seed names it for (a skip), failure_reason
 * holds why a signal FAILED (before, both shared skipped_reason).
 */
export class Lifecycles1732200009000 implements MigrationInterface {
  name = 'Lifecycles1732200009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signals_v3 ADD COLUMN failure_reason TEXT`);
    await q.query(`UPDATE signals_v3 SET failure_reason = skipped_reason, skipped_reason = NULL WHERE status = 'FAILED'`);
    await q.query(
      `ALTER TABLE signals_v3 ADD CONSTRAINT ck_signals_v3_status CHECK (status IN ('PENDING', 'ROUTED', 'EXECUTED', 'SKIPPED', 'FAILED'))`,
    );
    await q.query(
      `ALTER TABLE positions_v3 ADD CONSTRAINT ck_positions_v3_status CHECK (status IN ('PENDING', 'OPEN', 'CLOSED', 'FAILED'))`,
    );
    await q.query(`ALTER TABLE positions_v3 ADD CONSTRAINT ck_positions_v3_side CHECK (side IN ('LONG', 'SHORT'))`);
    await q.query(`ALTER TABLE signal_outcomes ADD CONSTRAINT ck_signal_outcomes_stage CHECK (stage IN ('policy', 'router', 'executor'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signal_outcomes DROP CONSTRAINT IF EXISTS ck_signal_outcomes_stage`);
    await q.query(`ALTER TABLE positions_v3 DROP CONSTRAINT IF EXISTS ck_positions_v3_side`);
    await q.query(`ALTER TABLE positions_v3 DROP CONSTRAINT IF EXISTS ck_positions_v3_status`);
    await q.query(`ALTER TABLE signals_v3 DROP CONSTRAINT IF EXISTS ck_signals_v3_status`);
    await q.query(`UPDATE signals_v3 SET skipped_reason = failure_reason WHERE status = 'FAILED' AND skipped_reason IS NULL`);
    await q.query(`ALTER TABLE signals_v3 DROP COLUMN failure_reason`);
  }
}
