import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_logs takes seed 003's shape, merged with today's (docs/ARCHITECTURE.md, "The audit trail"):
 * - Seed 000's event_name / subject_type / subject_id are renamed to seed 003's action / entity_type / entity_id
 *   (one source of truth: no copy, no view), with seed 003's lengths (100 and 50). idx_audit_event keeps its name and
 *   now indexes (action, occurred_at). occurred_at stays: it is seed 003's `timestamp`, as timestamptz.
 * - Who: user_id (an operator, users.id) or wallet (a signed-in wallet), and actor, the kind: operator, wallet, admin
 *   (the shared basic-auth credentials), anonymous (a request without credentials) or service (a worker's job or a
 *   scheduler, which also record no address). user_id has no foreign key yet: the users table comes in a later
 *   migration, which adds it. Rows written before this migration have no actor (NULL).
 * - What changed: old_value / new_value (JSONB, only the changed fields, never a secret) beside payload (the context).
 * - Where from: ip_address (INET) and user_agent.
 * - Indexes for GET /api/v3/admin/audit's filters: time (seed 003's idx_audit_timestamp), user, wallet, entity; trace
 *   and action have theirs already (idx_audit_logs_trace, idx_audit_event).
 */
export class AuditShape1732200017000 implements MigrationInterface {
  name = 'AuditShape1732200017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_logs RENAME COLUMN event_name TO action`);
    await q.query(`ALTER TABLE audit_logs RENAME COLUMN subject_type TO entity_type`);
    await q.query(`ALTER TABLE audit_logs RENAME COLUMN subject_id TO entity_id`);
    await q.query(`
      ALTER TABLE audit_logs
        ALTER COLUMN action TYPE VARCHAR(100),
        ALTER COLUMN entity_type TYPE VARCHAR(50),
        ADD COLUMN user_id UUID,
        ADD COLUMN wallet TEXT,
        ADD COLUMN actor TEXT,
        ADD COLUMN old_value JSONB,
        ADD COLUMN new_value JSONB,
        ADD COLUMN ip_address INET,
        ADD COLUMN user_agent TEXT,
        ADD CONSTRAINT ck_audit_logs_wallet CHECK (wallet ~ '^0x[0-9a-f]{40}$'),
        ADD CONSTRAINT ck_audit_logs_actor CHECK (actor IN ('operator', 'wallet', 'admin', 'anonymous', 'service'))`);
    await q.query(`CREATE INDEX idx_audit_timestamp ON audit_logs (occurred_at DESC)`);
    await q.query(`CREATE INDEX idx_audit_user ON audit_logs (user_id, occurred_at) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX idx_audit_wallet ON audit_logs (wallet, occurred_at) WHERE wallet IS NOT NULL`);
    await q.query(`CREATE INDEX idx_audit_entity ON audit_logs (entity_type, entity_id, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['idx_audit_entity', 'idx_audit_wallet', 'idx_audit_user', 'idx_audit_timestamp']) await q.query(`DROP INDEX ${i}`);
    await q.query(`
      ALTER TABLE audit_logs
        DROP COLUMN user_agent,
        DROP COLUMN ip_address,
        DROP COLUMN new_value,
        DROP COLUMN old_value,
        DROP COLUMN actor,
        DROP COLUMN wallet,
        DROP COLUMN user_id,
        ALTER COLUMN action TYPE TEXT,
        ALTER COLUMN entity_type TYPE TEXT`);
    await q.query(`ALTER TABLE audit_logs RENAME COLUMN entity_id TO subject_id`);
    await q.query(`ALTER TABLE audit_logs RENAME COLUMN entity_type TO subject_type`);
    await q.query(`ALTER TABLE audit_logs RENAME COLUMN action TO event_name`);
  }
}
