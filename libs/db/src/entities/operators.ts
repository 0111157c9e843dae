import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

// Operators (seed 003's users, issue 15), added by the Operators migration. Columns mirror the migration.

export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
/** viewer: reads; operator: operator actions; admin: everything, user management included. In rank order. */
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** A person who runs Conduit (seed 003's users, plus a role). */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('varchar', { length: 255, unique: true }) email: string;
  /** scrypt, encoded with its parameters and salt (never logged, never answered). */
  @Column('varchar', { length: 255 }) passwordHash: string;
  @Column('varchar', { length: 20, nullable: true, default: 'demo' }) tradingMode: string | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) createdAt: Date | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) updatedAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastLogin: Date | null;
  @Column('boolean', { nullable: true, default: true }) isActive: boolean | null;
  @Column('boolean', { nullable: true, default: false }) twoFaEnabled: boolean | null;
  /** Sealed by the key vault; pending until twoFaEnabled. Never answered. */
  @Column('varchar', { length: 255, nullable: true }) twoFaSecret: string | null;
  @Column('varchar', { length: 20, default: 'viewer' }) role: OperatorRole;
  /** The last 30 s TOTP step accepted: a code of that step or an earlier one is refused. */
  @Column('bigint', { nullable: true }) twoFaLastStep: string | null;
  @Column('timestamptz', { nullable: true }) passwordChangedAt: Date | null;
}

/** A signed-in operator: the SHA-256 of the session token, until it expires or is revoked; named to them by its id. */
@Entity('operator_sessions')
export class OperatorSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('varchar', { length: 64, unique: true }) tokenHash: string;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @Column('text', { nullable: true }) ipAddress: string | null;
  @Column('text', { nullable: true }) userAgent: string | null;
  /** The login, then a request at least a minute after the last time recorded (OperatorSessions migration). */
  @Column('timestamptz', { nullable: true }) lastSeenAt: Date | null;
}

/** A 2FA recovery code, hashed, usable once. */
@Entity('operator_recovery_codes')
export class OperatorRecoveryCode {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('varchar', { length: 64, unique: true }) codeHash: string;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) usedAt: Date | null;
}

/** Failed logins of one account (the email tried) or one client address, counted until a quiet window passes. */
@Entity('operator_lockouts')
export class OperatorLockout {
  @PrimaryColumn('varchar', { length: 10 }) scope: 'account' | 'address';
  @PrimaryColumn('varchar', { length: 255 }) key: string;
  @Column('integer', { default: 0 }) failures: number;
  @Column('timestamptz') lastFailureAt: Date;
  @Column('timestamptz', { nullable: true }) lockedUntil: Date | null;
}

/** A named API key of an operator (the data feeds), by hash; the prefix identifies it in lists. */
@Entity('operator_api_keys')
export class OperatorApiKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('varchar', { length: 100 }) name: string;
  @Column('varchar', { length: 64, unique: true }) keyHash: string;
  @Column('varchar', { length: 16 }) prefix: string;
  @Column('timestamptz', { default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastUsedAt: Date | null;
}

/** The one row of operator-wide settings. */
@Entity('operator_settings')
export class OperatorSettings {
  @PrimaryColumn('boolean', { default: true }) id: boolean;
  @Column('boolean', { default: false, name: 'require_2fa' }) require2fa: boolean;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
  @Column('uuid', { nullable: true }) updatedBy: string | null;
}
