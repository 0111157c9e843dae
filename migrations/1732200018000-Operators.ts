import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators: the people who run Conduit sign in with a password and TOTP (issue 15, seed 003's `users`).
 * - users: seed 003's columns (timestamps as TIMESTAMPTZ like every other table) plus a role (admin, operator,
 *   viewer), the last TOTP step accepted (each code works once) and when the password last changed. password_hash is
 *   an encoded scrypt hash with its parameters; two_fa_secret is sealed by the key vault (never plaintext), pending
 *   until two_fa_enabled. Emails are stored lower case.
 * - operator_sessions: a short-lived session per login, by the SHA-256 of its random token, revocable.
 * - operator_recovery_codes: ten per 2FA enrolment, hashed, each usable once (used_at).
 * - operator_lockouts: failed logins per account (the email tried) and per client address since the count began
 *   (it starts afresh after a quiet window), and until when further attempts are refused.
 * - operator_api_keys: named per-operator keys for the data feeds, by hash, with a display prefix, revocable,
 *   last use recorded.
 * - operator_settings: one row; require_2fa makes 2FA mandatory for every operator.
 */
export class Operators1732200018000 implements MigrationInterface {
  name = 'Operators1732200018000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        email VARCHAR(255) UNIQUE NOT NULL,
        password_hash VARCHAR(255) NOT NULL,
        trading_mode VARCHAR(20) DEFAULT 'demo',
        created_at TIMESTAMPTZ DEFAULT now(),
        updated_at TIMESTAMPTZ DEFAULT now(),
        last_login TIMESTAMPTZ,
        is_active BOOLEAN DEFAULT true,
        two_fa_enabled BOOLEAN DEFAULT false,
        two_fa_secret VARCHAR(255),
        role VARCHAR(20) NOT NULL DEFAULT 'viewer',
        two_fa_last_step BIGINT,
        password_changed_at TIMESTAMPTZ,
        CONSTRAINT ck_users_role CHECK (role IN ('admin', 'operator', 'viewer')),
        CONSTRAINT ck_users_email CHECK (email = lower(email) AND position('@' in email) > 1)
      )`);

    await q.query(`
      CREATE TABLE operator_sessions (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash VARCHAR(64) UNIQUE NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ,
        ip_address TEXT,
        user_agent TEXT
      )`);
    await q.query(`CREATE INDEX idx_operator_sessions_user ON operator_sessions (user_id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE operator_recovery_codes (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash VARCHAR(64) UNIQUE NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        used_at TIMESTAMPTZ
      )`);
    await q.query(`CREATE INDEX idx_operator_recovery_codes_user ON operator_recovery_codes (user_id)`);

    await q.query(`
      CREATE TABLE operator_lockouts (
        scope VARCHAR(10) NOT NULL,
        key VARCHAR(255) NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        last_failure_at TIMESTAMPTZ NOT NULL,
        locked_until TIMESTAMPTZ,
        CONSTRAINT pk_operator_lockouts PRIMARY KEY (scope, key),
        CONSTRAINT ck_operator_lockouts_scope CHECK (scope IN ('account', 'address'))
      )`);

    await q.query(`
      CREATE TABLE operator_api_keys (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name VARCHAR(100) NOT NULL,
        key_hash VARCHAR(64) UNIQUE NOT NULL,
        prefix VARCHAR(16) NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        revoked_at TIMESTAMPTZ,
        last_used_at TIMESTAMPTZ
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_operator_api_keys_name ON operator_api_keys (user_id, name) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE operator_settings (
        id BOOLEAN PRIMARY KEY DEFAULT true,
        require_2fa BOOLEAN NOT NULL DEFAULT false,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_by UUID REFERENCES users(id) ON DELETE SET NULL,
        CONSTRAINT ck_operator_settings_one_row CHECK (id)
      )`);
    await q.query(`INSERT INTO operator_settings (id) VALUES (true)`);
    // The audit trail names operators by id (the AuditShape migration came first, without the table to point at).
    await q.query(`ALTER TABLE audit_logs ADD CONSTRAINT fk_audit_logs_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_logs DROP CONSTRAINT fk_audit_logs_user`);
    await q.query(`DROP TABLE operator_settings`);
    await q.query(`DROP TABLE operator_api_keys`);
    await q.query(`DROP TABLE operator_lockouts`);
    await q.query(`DROP TABLE operator_recovery_codes`);
    await q.query(`DROP TABLE operator_sessions`);
    await q.query(`DROP TABLE users`);
  }
}
