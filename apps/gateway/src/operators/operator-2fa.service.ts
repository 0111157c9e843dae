import { ForbiddenException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { authenticator } from 'otplib';
import * as QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import {
  KeyVault,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  openTotpSecret,
  recoveryCodeHash,
  sealTotpSecret,
  verifyPassword,
} from '@conduit/custody';
import { audit, auditChange, exec, first, OperatorSettingsRow, rows, Sql, UserRow } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { CLOCK, ENV } from '@conduit/runtime';
import type { OperatorPrincipal } from '../auth/auth.decorators';
import { badRequest, conflict, notFound } from '../common/errors';
import { clearAccount, lockedFor, recordFailure } from './lockout';
import { revokeSessions } from './operator-sessions.service';
import { Client, LockedOut, userView } from './operator-views';
import { DisableTwoFaDto } from './operators.dto';

const STEP_MS = 30_000;

const forbidden = (message: string) => new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: [message] });

/** 2FA on → off: the change an audit row records (never the secret or the codes). */
const TURNED_OFF = auditChange({ two_fa_enabled: true }, { two_fa_enabled: false });

/** Turns a user's 2FA off: no secret (pending or not), no step, no recovery codes; answers the row and the codes cleared. */
async function turnOff(q: Sql, userId: string, now: Date): Promise<{ user: UserRow; codesCleared: number }> {
  const user = await first<UserRow>(
    q,
    `UPDATE users SET two_fa_enabled = false, two_fa_secret = NULL, two_fa_last_step = NULL, updated_at = $2 WHERE id = $1 RETURNING *`,
    [userId, now],
  );
  const codes = await rows(q, `DELETE FROM operator_recovery_codes WHERE user_id = $1 RETURNING id`, [userId]);
  return { user: user!, codesCleared: codes.length };
}

/** What a second-factor code is: six digits are a TOTP code, anything else is tried as a recovery code. */
export const codeKind = (code: string): 'totp' | 'recovery_code' => (/^\d{6}$/.test(code) ? 'totp' : 'recovery_code');

/**
 * An operator's second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step, each step accepted once) with a secret
 * sealed by the key vault, and ten recovery codes (hashed, each usable once). Enrolment and confirmation; the code
 * checks that a login and the other 2FA actions spend; turning it off (the operator, with their password and a code)
 * and an admin's reset of a lost one. Times are the injected clock's.
 */
@Injectable()
export class Operator2faService {
  private readonly vault: KeyVault | null;

  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.vault = env.MASTER_KEY ? new KeyVault(env.MASTER_KEY) : null;
  }

  /** Spends a TOTP code or a recovery code of the user (codeKind says which it is taken for); false when refused. */
  spendCode(q: Sql, user: UserRow, code: string): Promise<boolean> {
    return codeKind(code) === 'totp' ? this.spendTotp(q, user, code) : this.spendRecoveryCode(q, user.id, code);
  }

  /** A TOTP code of the user's secret within ±1 step and after the last step accepted; that step is then spent. */
  private async spendTotp(q: Sql, user: UserRow, code: string): Promise<boolean> {
    if (!user.two_fa_secret || !this.vault) return false;
    const secret = openTotpSecret(this.vault, user.id, user.two_fa_secret);
    const now = this.clock.now().getTime();
    const delta = authenticator.clone({ window: 1, epoch: now }).checkDelta(code, secret);
    if (delta === null) return false;
    const step = Math.floor(now / STEP_MS) + delta;
    const spent = await first(
      q,
      `UPDATE users SET two_fa_last_step = $2 WHERE id = $1 AND (two_fa_last_step IS NULL OR two_fa_last_step < $2) RETURNING id`,
      [user.id, step],
    );
    return !!spent;
  }

  private async spendRecoveryCode(q: Sql, userId: string, code: string): Promise<boolean> {
    if (!looksLikeRecoveryCode(code)) return false;
    const used = await first(
      q,
      `UPDATE operator_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, recoveryCodeHash(userId, code), this.clock.now()],
    );
    return !!used;
  }

  private requireVault(): KeyVault {
    if (!this.vault)
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: ['2FA needs the key vault: set MASTER_KEY'],
      });
    return this.vault;
  }

  /** A new TOTP secret, sealed and pending until confirmed; answered once as an otpauth URI and its QR code. */
  async enrol(op: OperatorPrincipal, traceId: string) {
    const vault = this.requireVault();
    const user = await first<UserRow>(this.ds, `SELECT * FROM users WHERE id = $1`, [op.id]);
    if (!user) throw notFound('operator', op.id);
    if (user.two_fa_enabled) throw conflict('two_fa_enabled', '2FA is already on for this account');
    const secret = authenticator.generateSecret(20);
    const uri = authenticator.keyuri(user.email, 'Conduit', secret);
    await this.ds.transaction(async (em) => {
      await exec(em, `UPDATE users SET two_fa_secret = $2, two_fa_last_step = NULL, updated_at = $3 WHERE id = $1`, [
        op.id,
        sealTotpSecret(vault, op.id, secret),
        this.clock.now(),
      ]);
      await audit(em, 'v3.operator.two_fa_enrolment_started', 'user', op.id, { email: user.email }, traceId);
    });
    return { success: true, otpauth_uri: uri, qr_code_data_url: await QRCode.toDataURL(uri) };
  }

  /** A valid code of the pending secret turns 2FA on; ten recovery codes are answered, this once. */
  async confirm(op: OperatorPrincipal, code: string, traceId: string) {
    this.requireVault();
    return this.ds.transaction(async (em) => {
      const user = await first<UserRow>(em, `SELECT * FROM users WHERE id = $1 FOR UPDATE`, [op.id]);
      if (!user) throw notFound('operator', op.id);
      if (user.two_fa_enabled) throw conflict('two_fa_enabled', '2FA is already on for this account');
      if (!user.two_fa_secret) throw conflict('code', 'no 2FA enrolment is pending: start with POST /api/v3/operators/me/2fa');
      if (!(await this.spendTotp(em, user, code))) throw badRequest('code', 'code is wrong, expired or already used');
      const codes = newRecoveryCodes();
      const now = this.clock.now();
      await exec(em, `UPDATE users SET two_fa_enabled = true, updated_at = $2 WHERE id = $1`, [op.id, now]);
      await exec(em, `DELETE FROM operator_recovery_codes WHERE user_id = $1`, [op.id]);
      await exec(em, `INSERT INTO operator_recovery_codes (user_id, code_hash, created_at) SELECT $1, h, $3 FROM unnest($2::text[]) AS h`, [
        op.id,
        codes.map((c) => recoveryCodeHash(op.id, c)),
        now,
      ]);
      await audit(em, 'v3.operator.two_fa_enabled', 'user', op.id, { email: user.email }, traceId);
      return { success: true, two_fa_enabled: true, recovery_codes: codes };
    });
  }

  /**
   * The operator turns their own 2FA off with their password and a current TOTP or recovery code; refused (403) while
   * every operator must have 2FA. A wrong password or code counts as a failed login of the account and address
   * (lockout) and is audited; the password is checked first, so a code is spent only with the right one.
   */
  async disable(op: OperatorPrincipal, dto: DisableTwoFaDto, client: Client) {
    const settings = await first<OperatorSettingsRow>(this.ds, `SELECT * FROM operator_settings`);
    if (settings!.require_2fa)
      throw forbidden('2FA is required of every operator (PUT /api/v3/operators/settings): it cannot be turned off');
    const what = { email: op.email, ip_address: client.ip, user_agent: client.userAgent };
    const waitMs = await lockedFor(this.ds, op.email, client.ip, this.clock.now());
    if (waitMs > 0) {
      await audit(this.ds, 'v3.operator.two_fa_disable_failed', 'user', op.id, { ...what, reason: 'locked' }, client.traceId);
      throw new LockedOut(Math.ceil(waitMs / 1000));
    }
    const user = await first<UserRow>(this.ds, `SELECT * FROM users WHERE id = $1`, [op.id]);
    if (!user) throw notFound('operator', op.id);
    if (!user.two_fa_enabled) throw conflict('two_fa_enabled', '2FA is not on for this account');
    const passwordOk = await verifyPassword(user.password_hash, dto.current_password);
    const method = codeKind(dto.totp_code);
    const done =
      passwordOk &&
      (await this.ds.transaction(async (em) => {
        const locked = await first<UserRow>(em, `SELECT * FROM users WHERE id = $1 FOR UPDATE`, [op.id]);
        if (!locked!.two_fa_enabled) throw conflict('two_fa_enabled', '2FA is not on for this account');
        if (!(await this.spendCode(em, locked!, dto.totp_code))) return null;
        const now = this.clock.now();
        const off = await turnOff(em, op.id, now);
        await clearAccount(em, op.email);
        const payload = { email: op.email, method, recovery_codes_cleared: off.codesCleared };
        await audit(em, 'v3.operator.two_fa_disabled', 'user', op.id, payload, client.traceId, TURNED_OFF);
        return off.user;
      }));
    if (!done) {
      const reason = !passwordOk ? 'password' : method;
      await this.ds.transaction(async (em) => {
        const failures = await recordFailure(em, op.email, client.ip, this.clock.now());
        await audit(em, 'v3.operator.two_fa_disable_failed', 'user', op.id, { ...what, reason, failures }, client.traceId);
      });
      throw passwordOk
        ? badRequest('totp_code', 'totp_code is wrong, expired or already used')
        : badRequest('current_password', 'current_password is wrong');
    }
    return { success: true, two_fa_enabled: false, user: userView(done) };
  }

  /**
   * An admin resets another operator's lost 2FA: it is off, its secret and recovery codes gone, every session of theirs
   * ended. They sign in with their password alone; where every operator must have 2FA, they can then only enrol.
   * Not one's own (403: another admin does it, or turn it off with a code); 409 when it is not on.
   */
  async reset(op: OperatorPrincipal, userId: string, traceId: string) {
    if (userId === op.id)
      throw forbidden('an admin cannot reset their own 2FA: another admin can, or turn it off at POST /api/v3/operators/me/2fa/disable');
    return this.ds.transaction(async (em) => {
      const user = await first<UserRow>(em, `SELECT * FROM users WHERE id = $1 FOR UPDATE`, [userId]);
      if (!user) throw notFound('operator', userId);
      if (!user.two_fa_enabled) throw conflict('two_fa_enabled', `2FA is not on for ${user.email}: nothing to reset`);
      const now = this.clock.now();
      const off = await turnOff(em, userId, now);
      const ended = await revokeSessions(em, userId, now, { audited: { reason: 'two_fa_reset', by: op.id, traceId } });
      const payload = { email: user.email, by: op.id, recovery_codes_cleared: off.codesCleared, sessions_revoked: ended.length };
      await audit(em, 'v3.operator.two_fa_reset', 'user', userId, payload, traceId, TURNED_OFF);
      return { success: true, user: userView(off.user), sessions_revoked: ended.length };
    });
  }
}
