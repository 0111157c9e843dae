import { Inject, Injectable, Logger, OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import {
  API_KEY_PREFIX,
  decoyPasswordHash,
  hashPassword,
  newSessionToken,
  secretHash,
  SESSION_TOKEN_PREFIX,
  verifyPassword,
} from '@conduit/custody';
import { audit, exec, first, OperatorSettingsRow, rows, UserRow } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { CLOCK, ENV } from '@conduit/runtime';
import type { OperatorPrincipal } from '../auth/auth.decorators';
import { badRequest, conflict, notFound } from '../common/errors';
import { clearAccount, lockedFor, recordFailure } from './lockout';
import { codeKind, Operator2faService } from './operator-2fa.service';
import { revokeSessions } from './operator-sessions.service';
import { Client, LockedOut, userView } from './operator-views';
import { ChangePasswordDto, CreateOperatorDto, LoginDto, OperatorSettingsDto, UpdateOperatorDto } from './operators.dto';

const denied = (message: string, fields?: string[]) =>
  new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [message], ...(fields ? { fields } : {}) });

/** A session's last_seen_at moves on a request at least this long (seconds) after the time it holds. */
export const SEEN_EVERY_S = 60;

/**
 * Operators (issue 15): people who run Conduit sign in with email, password and — when 2FA is on — a TOTP code or
 * a recovery code (Operator2faService checks them). A login answers a session token (`cos_…`, stored as its
 * SHA-256) sent back as a cookie or a bearer. Data feeds take API keys (`cok_…`, stored hashed). Times are the
 * injected clock's.
 */
@Injectable()
export class OperatorsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Operators');

  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly twoFa: Operator2faService,
  ) {}

  /** ADMIN_EMAIL + ADMIN_PASSWORD: the first admin, created at boot when there is no admin yet. */
  async onApplicationBootstrap(): Promise<void> {
    const email = this.env.ADMIN_EMAIL.trim().toLowerCase();
    if (!email || !this.env.ADMIN_PASSWORD) return;
    if (await first(this.ds, `SELECT 1 FROM users WHERE role = 'admin' LIMIT 1`)) return;
    const hash = await hashPassword(this.env.ADMIN_PASSWORD);
    await this.ds.transaction(async (em) => {
      await exec(em, `SELECT pg_advisory_xact_lock(hashtext('conduit:operators:bootstrap'))`);
      if (await first(em, `SELECT 1 FROM users WHERE role = 'admin' LIMIT 1`)) return;
      const user = await first<UserRow>(
        em,
        `INSERT INTO users (email, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'admin', $3, $3)
         ON CONFLICT (email) DO UPDATE SET role = 'admin', updated_at = $3 RETURNING *`,
        [email, hash, this.clock.now()],
      );
      await audit(em, 'v3.operator.bootstrapped', 'user', user!.id, { email, role: 'admin' });
      this.logger.log(`created the first admin, ${email} (ADMIN_EMAIL)`);
    });
  }

  // ---- credentials of a request ----------------------------------------------------------------------------

  /**
   * The operator of a session token, or null when it is unknown, expired, revoked or its user inactive. The session's
   * last_seen_at moves to now when it is at least SEEN_EVERY_S old (one write a minute for a busy session).
   */
  async bySession(token: string): Promise<OperatorPrincipal | null> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) return null;
    const row = await first<UserRow & { session_id: string; require_2fa: boolean }>(
      this.ds,
      `WITH found AS (
         SELECT u.*, s.id AS session_id, s.last_seen_at AS session_seen_at, st.require_2fa
           FROM operator_sessions s JOIN users u ON u.id = s.user_id CROSS JOIN operator_settings st
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.is_active),
       seen AS (
         UPDATE operator_sessions s SET last_seen_at = $2 FROM found f
          WHERE s.id = f.session_id AND (f.session_seen_at IS NULL OR f.session_seen_at <= $2::timestamptz - make_interval(secs => $3)))
       SELECT * FROM found`,
      [secretHash(token), this.clock.now(), SEEN_EVERY_S],
    );
    return row ? this.principal(row, 'session', row.session_id, row.require_2fa) : null;
  }

  /** The operator of an API key (its last use recorded), or null when it is unknown, revoked or its user inactive. */
  async byApiKey(key: string): Promise<OperatorPrincipal | null> {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const row = await first<UserRow & { key_id: string; require_2fa: boolean }>(
      this.ds,
      `UPDATE operator_api_keys k SET last_used_at = $2 FROM users u, operator_settings st
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.id = k.user_id AND u.is_active
        RETURNING u.*, k.id AS key_id, st.require_2fa`,
      [secretHash(key), this.clock.now()],
    );
    return row ? this.principal(row, 'api_key', row.key_id, row.require_2fa) : null;
  }

  private principal(u: UserRow, via: OperatorPrincipal['via'], credentialId: string, require2fa: boolean): OperatorPrincipal {
    const twoFaEnabled = !!u.two_fa_enabled;
    return { id: u.id, email: u.email, role: u.role, via, credentialId, twoFaEnabled, needs2fa: require2fa && !twoFaEnabled };
  }

  // ---- signing in and out ----------------------------------------------------------------------------------

  async login(dto: LoginDto, client: Client) {
    const now = this.clock.now();
    const email = dto.email;
    const what = { email, ip_address: client.ip, user_agent: client.userAgent };
    const waitMs = await lockedFor(this.ds, email, client.ip, now);
    if (waitMs > 0) {
      await audit(this.ds, 'v3.operator.login_refused', 'user', null, { ...what, reason: 'locked' }, client.traceId);
      throw new LockedOut(Math.ceil(waitMs / 1000));
    }
    const user = await first<UserRow>(this.ds, `SELECT * FROM users WHERE email = $1`, [email]);
    const passwordOk = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), dto.password);
    if (!user || !passwordOk || !user.is_active) {
      await this.failed(email, client, user?.id ?? null, !user ? 'unknown_email' : !passwordOk ? 'password' : 'inactive');
      throw denied('email or password is wrong', ['email', 'password']);
    }
    let method: 'password' | 'totp' | 'recovery_code' = 'password';
    if (user.two_fa_enabled) {
      if (!dto.totp_code) {
        await audit(this.ds, 'v3.operator.login_totp_required', 'user', user.id, what, client.traceId);
        throw denied('totp_code is required: 2FA is on for this account', ['totp_code']);
      }
      method = codeKind(dto.totp_code);
      if (!(await this.twoFa.spendCode(this.ds, user, dto.totp_code))) {
        await this.failed(email, client, user.id, method === 'totp' ? 'totp_code' : 'recovery_code');
        throw denied('totp_code is wrong, expired or already used', ['totp_code']);
      }
    }
    const token = newSessionToken();
    const expires = new Date(now.getTime() + this.env.OPERATOR_SESSION_TTL_S * 1000);
    const settings = await this.settings();
    await this.ds.transaction(async (em) => {
      await clearAccount(em, email);
      await exec(
        em,
        `INSERT INTO operator_sessions (user_id, token_hash, created_at, last_seen_at, expires_at, ip_address, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6)`,
        [user.id, secretHash(token), now, expires, client.ip, client.userAgent],
      );
      await exec(em, `UPDATE users SET last_login = $2 WHERE id = $1`, [user.id, now]);
      await audit(em, 'v3.operator.login', 'user', user.id, { ...what, method }, client.traceId);
    });
    return {
      success: true,
      token,
      token_type: 'Bearer' as const,
      expires_at: expires.toISOString(),
      user: userView({ ...user, last_login: now }),
      // An admin requires 2FA and this operator has none yet: only their own account is open until they enrol.
      two_fa_enrolment_required: settings.require_2fa && !user.two_fa_enabled,
    };
  }

  private async failed(email: string, client: Client, userId: string | null, reason: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      const failures = await recordFailure(em, email, client.ip, this.clock.now());
      await audit(
        em,
        'v3.operator.login_failed',
        'user',
        userId,
        { email, ip_address: client.ip, user_agent: client.userAgent, reason, failures },
        client.traceId,
      );
    });
  }

  async logout(op: OperatorPrincipal, traceId: string) {
    if (op.via !== 'session') return { success: true };
    await this.ds.transaction(async (em) => {
      await exec(em, `UPDATE operator_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [
        op.credentialId,
        this.clock.now(),
      ]);
      await audit(em, 'v3.operator.logout', 'user', op.id, { email: op.email }, traceId);
    });
    return { success: true };
  }

  async me(op: OperatorPrincipal) {
    const user = await this.user(op.id);
    const settings = await this.settings();
    return { success: true, user: userView(user), via: op.via, two_fa_enrolment_required: settings.require_2fa && !user.two_fa_enabled };
  }

  /** A new password; every session of the user ends (this one too): they sign in again. */
  async changePassword(op: OperatorPrincipal, dto: ChangePasswordDto, traceId: string) {
    const user = await this.user(op.id);
    if (!(await verifyPassword(user.password_hash, dto.current_password)))
      throw badRequest('current_password', 'current_password is wrong');
    const hash = await hashPassword(dto.new_password);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      await exec(em, `UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1`, [op.id, hash, now]);
      const revoked = (await revokeSessions(em, op.id, now)).length;
      await audit(em, 'v3.operator.password_changed', 'user', op.id, { email: user.email, sessions_revoked: revoked }, traceId);
      return { success: true, sessions_revoked: revoked };
    });
  }

  // ---- user management (admins) ------------------------------------------------------------------------------

  async list() {
    const users = await rows<UserRow>(this.ds, `SELECT * FROM users ORDER BY created_at, email`);
    return { success: true, count: users.length, users: users.map(userView) };
  }

  async create(op: OperatorPrincipal, dto: CreateOperatorDto, traceId: string) {
    const hash = await hashPassword(dto.password);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const user = await first<UserRow>(
        em,
        `INSERT INTO users (email, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (email) DO NOTHING RETURNING *`,
        [dto.email, hash, dto.role, now],
      );
      if (!user) throw conflict('email', `email ${dto.email} is already an operator`);
      await audit(em, 'v3.operator.created', 'user', user.id, { email: user.email, role: user.role, by: op.id }, traceId);
      return { success: true, user: userView(user) };
    });
  }

  async update(op: OperatorPrincipal, id: string, dto: UpdateOperatorDto, traceId: string) {
    return this.ds.transaction(async (em) => {
      const before = await first<UserRow>(em, `SELECT * FROM users WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw notFound('operator', id);
      const now = this.clock.now();
      const role = dto.role ?? before.role;
      const active = dto.is_active ?? before.is_active;
      if (before.role === 'admin' && (role !== 'admin' || !active)) {
        await exec(em, `SELECT pg_advisory_xact_lock(hashtext('conduit:operators:admins'))`);
        const others = await first(em, `SELECT 1 FROM users WHERE role = 'admin' AND is_active AND id <> $1 LIMIT 1`, [id]);
        if (!others) throw conflict(dto.role ? 'role' : 'is_active', 'the last active admin cannot be demoted or deactivated');
      }
      const user = await first<UserRow>(
        em,
        `UPDATE users SET role = $2::varchar, is_active = $3::boolean,
                updated_at = CASE WHEN role = $2::varchar AND is_active = $3::boolean THEN updated_at ELSE $4 END
          WHERE id = $1 RETURNING *`,
        [id, role, active, now],
      );
      if (!active && before.is_active) await revokeSessions(em, id, now);
      if (dto.unlock) await clearAccount(em, before.email);
      if (role !== before.role || active !== before.is_active || dto.unlock)
        await audit(
          em,
          'v3.operator.updated',
          'user',
          id,
          {
            email: before.email,
            by: op.id,
            old: { role: before.role, is_active: before.is_active },
            new: { role, is_active: active },
            unlock: !!dto.unlock,
          },
          traceId,
        );
      return { success: true, user: userView(user!) };
    });
  }

  async settings(): Promise<OperatorSettingsRow> {
    return (await first<OperatorSettingsRow>(this.ds, `SELECT * FROM operator_settings`))!;
  }

  async putSettings(op: OperatorPrincipal, dto: OperatorSettingsDto, traceId: string) {
    return this.ds.transaction(async (em) => {
      const before = await first<OperatorSettingsRow>(em, `SELECT * FROM operator_settings FOR UPDATE`);
      const after = await first<OperatorSettingsRow>(
        em,
        `UPDATE operator_settings SET require_2fa = $1, updated_at = $2, updated_by = $3 RETURNING *`,
        [dto.require_2fa, this.clock.now(), op.id],
      );
      if (before!.require_2fa !== dto.require_2fa)
        await audit(em, 'v3.operator.settings_changed', 'operator_settings', null, { by: op.id, require_2fa: dto.require_2fa }, traceId);
      return { success: true, settings: { require_2fa: after!.require_2fa, updated_at: after!.updated_at } };
    });
  }

  private async user(id: string): Promise<UserRow> {
    const user = await first<UserRow>(this.ds, `SELECT * FROM users WHERE id = $1`, [id]);
    if (!user) throw notFound('operator', id);
    return user;
  }
}
