import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hardening: a proof of intent creates one agent only, and an audit trail can be read by its trace id. */
export class Hardening1732200007000 implements MigrationInterface {
  name = 'Hardening1732200007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX uq_agents_v3_proof_of_intent_signature ON agents_v3 (proof_of_intent_signature) WHERE proof_of_intent_signature
        IS NOT NULL`,
    );
    await q.query(`CREATE INDEX idx_audit_logs_trace ON audit_logs (trace_id, occurred_at) WHERE trace_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_audit_logs_trace`);
    await q.query(`DROP INDEX IF EXISTS uq_agents_v3_proof_of_intent_signature`);
  }
}
