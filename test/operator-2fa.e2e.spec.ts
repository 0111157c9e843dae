import { randomBytes, randomUUID } from 'crypto';
import { authenticator } from 'otplib';
import { secretHash } from '@conduit/custody';
import { http, ManualClock } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/**
 * A lost second factor (docs/OPERATORS.md): an admin resets another operator's 2FA, and an operator turns their own
 * off with their password and a code. Real logins at a ManualClock; TOTP codes computed here at that clock.
 */
describe('operator 2FA: an admin resets a lost one, an operator turns their own off', () => {
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  const h = useGateway({ clock });
  const PASSWORD = 'operator-password-1';
  const ops = `/api/v3/operators`;

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const code = (secret: string) => authenticator.clone({ epoch: clock.now().getTime() }).generate(secret);
  const otherThan = (c: string) => (c === '000000' ? '111111' : '000000');
  const login = (email: string, totp_code?: string) =>
    http('POST', `${h.api}${ops}/login`, { email, password: PASSWORD, ...(totp_code ? { totp_code } : {}) });
  /** A new operator with this role, created by the test admin, and a session of theirs. */
  async function operator(role: 'admin' | 'operator' | 'viewer') {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const created = await http('POST', `${h.api}${ops}`, { email, password: PASSWORD, role }, h.admin);
    expect(created.status).toBe(201);
    const session = await login(email);
    expect(session.status).toBe(200);
    return { email, id: created.body.user.id as string, token: session.body.token as string };
  }
  /** Enrols and confirms 2FA for a session; answers the secret (read from the URI) and the recovery codes. */
  async function enableTwoFa(token: string) {
    const enrol = await http('POST', `${h.api}${ops}/me/2fa`, undefined, bearer(token));
    expect(enrol.status).toBe(200);
    const secret = new URL(enrol.body.otpauth_uri).searchParams.get('secret')!;
    const confirmed = await http('POST', `${h.api}${ops}/me/2fa/confirm`, { code: code(secret) }, bearer(token));
    expect(confirmed.status).toBe(200);
    clock.advance(30_000); // the confirming code's step is spent
    return { secret, recoveryCodes: confirmed.body.recovery_codes as string[] };
  }
  /** An admin with 2FA on: the one who may still act while 2FA is required of every operator. */
  async function adminWithTwoFa() {
    const boss = await operator('admin');
    await enableTwoFa(boss.token);
    return boss;
  }
  const require2fa = async (on: boolean, token: string) =>
    expect((await http('PUT', `${h.api}${ops}/settings`, { require_2fa: on }, bearer(token))).status).toBe(200);
  const reset = (id: string, headers: Record<string, string>) => http('POST', `${h.api}${ops}/${id}/2fa/reset`, undefined, headers);
  const disable = (token: string, current_password: string, totp_code: string) =>
    http('POST', `${h.api}${ops}/me/2fa/disable`, { current_password, totp_code }, bearer(token));
  const me = (token: string) => http('GET', `${h.api}${ops}/me`, undefined, bearer(token));
  const stored = async (id: string) => ({
    ...(await h.pg.query(`SELECT two_fa_enabled, two_fa_secret, two_fa_last_step FROM users WHERE id = $1`, [id])).rows[0],
    recovery_codes: (await h.pg.query(`SELECT count(*)::int AS n FROM operator_recovery_codes WHERE user_id = $1`, [id])).rows[0].n,
  });
  const OFF = { two_fa_enabled: false, two_fa_secret: null, two_fa_last_step: null, recovery_codes: 0 };
  const audits = async (action: string, entityId: string) =>
    (
      await h.pg.query(
        `SELECT action, entity_type, entity_id, user_id, actor, old_value, new_value, payload FROM audit_logs
          WHERE action = $1 AND entity_id = $2 ORDER BY occurred_at, id`,
        [action, entityId],
      )
    ).rows;

  it('resets a lost 2FA: sessions end, the operator signs in with the password alone and, 2FA being required, may only enrol', async () => {
    const boss = await adminWithTwoFa();
    const op = await operator('operator');
    const { secret, recoveryCodes } = await enableTwoFa(op.token);
    const second = await login(op.email, code(secret));
    expect(second.status).toBe(200);
    const sessionIds = (
      await h.pg.query(`SELECT id FROM operator_sessions WHERE token_hash = ANY($1) ORDER BY id`, [
        [op.token, second.body.token].map(secretHash),
      ])
    ).rows.map((r) => r.id);
    await require2fa(true, boss.token);
    try {
      // the test admin has no 2FA: while every operator must have it, it resets nobody's
      expect(await reset(op.id, h.admin)).toMatchObject({
        status: 403,
        body: { message: ['2FA is required of every operator: enrol at POST /api/v3/operators/me/2fa'] },
      });
      clock.advance(1_000);
      const at = clock.now().toISOString();
      const res = await reset(op.id, bearer(boss.token));
      expect(res).toEqual({
        status: 200,
        body: { success: true, sessions_revoked: 2, user: expect.objectContaining({ id: op.id, two_fa_enabled: false, updated_at: at }) },
      });
      expect(await stored(op.id)).toEqual(OFF);
      for (const t of [op.token, second.body.token]) expect((await me(t)).status).toBe(401);

      const session = await login(op.email);
      expect(session).toMatchObject({ status: 200, body: { two_fa_enrolment_required: true, user: { two_fa_enabled: false } } });
      const t = session.body.token;
      expect(await http('GET', `${h.api}/api/v3/admin/state`, undefined, bearer(t))).toMatchObject({
        status: 403,
        body: { message: ['2FA is required of every operator: enrol at POST /api/v3/operators/me/2fa'] },
      });
      expect((await me(t)).status).toBe(200);
      const enrolled = await enableTwoFa(t);
      expect(enrolled.secret).not.toBe(secret);
      expect((await http('GET', `${h.api}/api/v3/admin/state`, undefined, bearer(t))).status).toBe(200);

      expect(await audits('v3.operator.two_fa_reset', op.id)).toEqual([
        {
          action: 'v3.operator.two_fa_reset',
          entity_type: 'user',
          entity_id: op.id,
          user_id: boss.id,
          actor: 'operator',
          old_value: { two_fa_enabled: true },
          new_value: { two_fa_enabled: false },
          payload: { email: op.email, by: boss.id, recovery_codes_cleared: 10, sessions_revoked: 2 },
        },
      ]);
      const ended = await Promise.all(sessionIds.map((id) => audits('v3.operator.session_revoked', id)));
      expect(ended.flat().map((r) => [r.entity_id, r.user_id, r.new_value, r.payload])).toEqual(
        sessionIds.map((id) => [id, boss.id, { revoked_at: at }, { user_id: op.id, reason: 'two_fa_reset', by: boss.id }]),
      );
      const written = JSON.stringify([res.body, await audits('v3.operator.two_fa_reset', op.id)]);
      for (const s of [secret, ...recoveryCodes]) expect(written).not.toContain(s);
    } finally {
      await require2fa(false, boss.token);
    }
  });

  it('refuses a reset of the own 2FA of an admin (403 naming why), to a non-admin (403), of an unknown id (404), when off', async () => {
    const boss = await adminWithTwoFa();
    const own = await reset(boss.id, bearer(boss.token));
    expect(own).toMatchObject({
      status: 403,
      body: {
        message: ['an admin cannot reset their own 2FA: another admin can, or turn it off at POST /api/v3/operators/me/2fa/disable'],
      },
    });
    expect((await stored(boss.id)).two_fa_enabled).toBe(true);

    const op = await operator('operator');
    await enableTwoFa(op.token);
    const target = await operator('viewer');
    await enableTwoFa(target.token);
    expect(await reset(target.id, bearer(op.token))).toMatchObject({
      status: 403,
      body: { message: [`this needs the admin role; ${op.email} is operator`] },
    });
    expect((await stored(target.id)).two_fa_enabled).toBe(true);
    const nobody = randomUUID();
    expect(await reset(nobody, bearer(boss.token))).toMatchObject({ status: 404, body: { message: `operator ${nobody} not found` } });
    const plain = await operator('viewer');
    expect(await reset(plain.id, bearer(boss.token))).toMatchObject({
      status: 409,
      body: { fields: ['two_fa_enabled'], message: [`2FA is not on for ${plain.email}: nothing to reset`] },
    });
    for (const id of [boss.id, target.id, plain.id]) expect(await audits('v3.operator.two_fa_reset', id)).toEqual([]);
    expect((await me(plain.token)).status).toBe(200); // a refused reset ends no session
  });

  it('turns 2FA off only with the password and a current code; a wrong code or password is refused, counted and audited', async () => {
    const op = await operator('operator');
    const { secret } = await enableTwoFa(op.token);
    const now = code(secret);
    expect(await disable(op.token, PASSWORD, otherThan(now))).toMatchObject({
      status: 400,
      body: { fields: ['totp_code'], message: ['totp_code is wrong, expired or already used'] },
    });
    // the right code with a wrong password: refused before the code is spent
    expect(await disable(op.token, 'not-the-password', now)).toMatchObject({
      status: 400,
      body: { fields: ['current_password'], message: ['current_password is wrong'] },
    });
    expect((await stored(op.id)).two_fa_enabled).toBe(true);
    const failed = await audits('v3.operator.two_fa_disable_failed', op.id);
    expect(failed.map((r) => [r.user_id, r.payload.reason, r.payload.failures.account])).toEqual([
      [op.id, 'totp', 1],
      [op.id, 'password', 2],
    ]);
    expect(JSON.stringify(failed)).not.toContain(now);
    expect(JSON.stringify(failed)).not.toContain('not-the-password');

    const off = await disable(op.token, PASSWORD, now);
    expect(off).toEqual({
      status: 200,
      body: { success: true, two_fa_enabled: false, user: expect.objectContaining({ two_fa_enabled: false }) },
    });
    expect(await stored(op.id)).toEqual(OFF);
    expect(await audits('v3.operator.two_fa_disabled', op.id)).toEqual([
      {
        action: 'v3.operator.two_fa_disabled',
        entity_type: 'user',
        entity_id: op.id,
        user_id: op.id,
        actor: 'operator',
        old_value: { two_fa_enabled: true },
        new_value: { two_fa_enabled: false },
        payload: { email: op.email, method: 'totp', recovery_codes_cleared: 10 },
      },
    ]);
    // a success clears the account's failures, as a login does
    expect((await h.pg.query(`SELECT 1 FROM operator_lockouts WHERE scope = 'account' AND key = $1`, [op.email])).rows).toEqual([]);
    expect((await me(op.token)).status).toBe(200); // the session goes on
    expect(await login(op.email)).toMatchObject({ status: 200, body: { user: { two_fa_enabled: false } } });
    expect(await disable(op.token, PASSWORD, code(secret))).toMatchObject({ status: 409, body: { fields: ['two_fa_enabled'] } });
  });

  it('refuses to turn 2FA off while every operator must have it, and takes a recovery code otherwise', async () => {
    const boss = await adminWithTwoFa();
    const op = await operator('viewer');
    const { secret, recoveryCodes } = await enableTwoFa(op.token);
    await require2fa(true, boss.token);
    try {
      expect(await disable(op.token, PASSWORD, code(secret))).toMatchObject({
        status: 403,
        body: { message: ['2FA is required of every operator (PUT /api/v3/operators/settings): it cannot be turned off'] },
      });
      expect((await stored(op.id)).two_fa_enabled).toBe(true);
    } finally {
      await require2fa(false, boss.token);
    }
    expect(await disable(op.token, PASSWORD, recoveryCodes[3])).toMatchObject({ status: 200, body: { two_fa_enabled: false } });
    expect(await stored(op.id)).toEqual(OFF);
    expect((await audits('v3.operator.two_fa_disabled', op.id)).map((r) => r.payload.method)).toEqual(['recovery_code']);
  });

  it('documents both endpoints: a summary, the operator session as their security, their 4xx answers', async () => {
    const doc = (await http('GET', `${h.api}/api/docs-json`)).body;
    const expected: Record<string, string[]> = {
      'post /api/v3/operators/me/2fa/disable': ['400', '401', '403', '409', '413', '429'],
      'post /api/v3/operators/{id}/2fa/reset': ['400', '401', '403', '404', '409', '413', '429'],
    };
    for (const [key, answers] of Object.entries(expected)) {
      const [method, path] = key.split(' ');
      const operation = doc.paths[path]?.[method];
      expect({ key, summary: typeof operation?.summary }).toEqual({ key, summary: 'string' });
      expect({ key, security: operation.security }).toEqual({ key, security: [{ 'operator-session': [] }, { 'operator-token': [] }] });
      expect({ key, answers: Object.keys(operation.responses).filter((s) => s.startsWith('4')) }).toEqual({ key, answers });
    }
  });
});
