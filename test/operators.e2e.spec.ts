import { randomBytes } from 'crypto';
import { INestApplication } from '@nestjs/common';
import { authenticator } from 'otplib';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { createDataSource, recordNotification } from '@conduit/db';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  ManualClock,
  startHttpApp,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TestDatabase,
  testEnv,
  WalletClient,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/**
 * Operators (issue 15): real logins against the gateway, TOTP codes computed here at the gateway's clock (a
 * ManualClock), lockouts, sessions, API keys, roles, Bull Board.
 */
describe('operators: passwords, TOTP 2FA, sessions, API keys and roles', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  let pg: Client;
  const clock = new ManualClock(new Date());
  const admin = () => adminAuth(env);
  const PASSWORD = 'operator-password-1';

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway, { clock }));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await app?.close();
    await pg?.end();
    if (env) await cleanupRedis(env);
    await db?.drop();
  });

  const code = (secret: string, offsetSteps = 0) =>
    authenticator.clone({ epoch: clock.now().getTime() + offsetSteps * 30_000 }).generate(secret);
  const login = (email: string, password = PASSWORD, totp_code?: string, headers: Record<string, string> = {}) =>
    http('POST', `${api}/api/v3/operators/login`, { email, password, ...(totp_code ? { totp_code } : {}) }, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** A new operator with this role, created by the admin; answers its email, id and a session token. */
  async function operator(role: 'admin' | 'operator' | 'viewer') {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const created = await http('POST', `${api}/api/v3/operators`, { email, password: PASSWORD, role }, admin());
    expect(created.status).toBe(201);
    const session = await login(email);
    expect(session.status).toBe(200);
    return { email, id: created.body.user.id as string, token: session.body.token as string };
  }
  /** Enrols and confirms 2FA for a session; answers the secret (read from the URI) and the recovery codes. */
  async function enableTwoFa(token: string) {
    const enrol = await http('POST', `${api}/api/v3/operators/me/2fa`, undefined, bearer(token));
    expect(enrol.status).toBe(200);
    const secret = new URL(enrol.body.otpauth_uri).searchParams.get('secret')!;
    const confirmed = await http('POST', `${api}/api/v3/operators/me/2fa/confirm`, { code: code(secret) }, bearer(token));
    expect(confirmed.status).toBe(200);
    clock.advance(30_000); // the confirming code's step is spent
    return { secret, recoveryCodes: confirmed.body.recovery_codes as string[], enrol: enrol.body };
  }
  const audits = async (event: string) =>
    (await pg.query(`SELECT payload FROM audit_logs WHERE action = $1 ORDER BY occurred_at`, [event])).rows.map((r) => r.payload);

  it('signs in without 2FA: an HttpOnly SameSite=Strict cookie and the same token as a bearer; logout ends it', async () => {
    const { email } = await operator('operator');
    const res = await fetch(`${api}/api/v3/operators/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: email.toUpperCase(), password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.token).toMatch(/^cos_[A-Za-z0-9_-]{43}$/);
    expect(body.user).toMatchObject({ email, role: 'operator', two_fa_enabled: false });
    expect(body.user.password_hash).toBeUndefined();
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toContain(`conduit_operator=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain HTTP here
    // stored hashed only
    expect((await pg.query(`SELECT count(*)::int AS n FROM operator_sessions WHERE token_hash = $1`, [body.token])).rows[0].n).toBe(0);

    const me = await http('GET', `${api}/api/v3/operators/me`, undefined, { cookie: `conduit_operator=${body.token}` });
    expect(me).toMatchObject({ status: 200, body: { user: { email }, via: 'session' } });
    expect((await http('GET', `${api}/api/v3/admin/state`, undefined, bearer(body.token))).status).toBe(200);
    expect((await http('POST', `${api}/api/v3/operators/logout`, undefined, bearer(body.token))).status).toBe(200);
    expect((await http('GET', `${api}/api/v3/operators/me`, undefined, bearer(body.token))).status).toBe(401);

    const https = await fetch(`${api}/api/v3/operators/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(https.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('refuses a wrong password and an unknown email alike, and audits both without the password', async () => {
    const { email } = await operator('viewer');
    const wrong = await login(email, 'not-the-password');
    const unknown = await login(`nobody-${randomBytes(3).toString('hex')}@example.com`);
    expect(wrong).toMatchObject({ status: 401, body: { message: ['email or password is wrong'] } });
    expect(unknown).toMatchObject({ status: 401, body: { message: ['email or password is wrong'] } });
    const failed = await audits('v3.operator.login_failed');
    expect(failed.find((p) => p.email === email)).toMatchObject({ reason: 'password', ip_address: expect.any(String) });
    expect(JSON.stringify(failed)).not.toContain('not-the-password');
    expect(JSON.stringify(failed)).not.toContain(PASSWORD);
    // ADMIN_PASSWORD alone opens nothing any more: the old basic credential is refused
    const basic = { authorization: 'Basic ' + Buffer.from(`admin:${env.ADMIN_PASSWORD}`).toString('base64') };
    expect((await http('GET', `${api}/api/v3/admin/state`, undefined, basic)).status).toBe(401);
    // a wallet's token is no operator credential
    const wallet = await WalletClient.random(api).authorization();
    expect((await http('GET', `${api}/api/v3/admin/state`, undefined, wallet)).status).toBe(401);
  });

  it('enrols 2FA (URI, QR code, the secret sealed), then asks for a code; wrong, replayed and expired codes are refused', async () => {
    const { email, id, token } = await operator('operator');
    const { secret, recoveryCodes, enrol } = await enableTwoFa(token);
    expect(enrol.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Conduit:/);
    expect(enrol.qr_code_data_url).toMatch(/^data:image\/png;base64,/);
    expect(recoveryCodes).toHaveLength(10);
    const stored = (await pg.query(`SELECT two_fa_secret, two_fa_enabled FROM users WHERE id = $1`, [id])).rows[0];
    expect(stored.two_fa_enabled).toBe(true);
    expect(stored.two_fa_secret).toMatch(/^v1:/);
    expect(stored.two_fa_secret).not.toContain(secret);
    expect((await http('GET', `${api}/api/v3/operators/me`, undefined, bearer(token))).body.user.two_fa_secret).toBeUndefined();
    // enrolling again while on is refused
    expect((await http('POST', `${api}/api/v3/operators/me/2fa`, undefined, bearer(token))).status).toBe(409);

    const missing = await login(email);
    expect(missing).toMatchObject({ status: 401, body: { fields: ['totp_code'] } });
    expect(JSON.stringify(missing.body.message)).toContain('totp_code');
    const wrong = await login(email, PASSWORD, code(secret) === '000000' ? '111111' : '000000');
    expect(wrong).toMatchObject({ status: 401, body: { fields: ['totp_code'] } });
    expect((await login(email, PASSWORD, code(secret, -3))).status).toBe(401); // expired: 90 s old
    const now = code(secret);
    expect((await login(email, PASSWORD, now)).status).toBe(200);
    expect((await login(email, PASSWORD, now)).status).toBe(401); // replayed
    clock.advance(30_000);
    expect((await login(email, PASSWORD, code(secret, -1))).status).toBe(401); // the spent step, one step later
    expect((await login(email, PASSWORD, code(secret))).status).toBe(200); // a new step
    const failed = JSON.stringify(await audits('v3.operator.login_failed'));
    expect(failed).not.toContain(now);
  });

  it('takes a recovery code once in place of a TOTP code', async () => {
    const { email, token } = await operator('viewer');
    const { recoveryCodes } = await enableTwoFa(token);
    const [first] = recoveryCodes;
    expect(first).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    expect((await login(email, PASSWORD, first.toUpperCase())).status).toBe(200);
    expect((await login(email, PASSWORD, first)).status).toBe(401);
    expect((await login(email, PASSWORD, recoveryCodes[1])).status).toBe(200);
    const stored = (await pg.query(`SELECT code_hash FROM operator_recovery_codes`)).rows.map((r) => r.code_hash);
    for (const c of recoveryCodes) expect(stored).not.toContain(c);
  });

  it('slows down then locks an account after repeated failures (429, Retry-After); an admin or time unlocks it', async () => {
    const { email, id } = await operator('operator');
    // This client address's own count is the last test's; here it starts clean and is cleared afterwards.
    const clearAddress = () => pg.query(`DELETE FROM operator_lockouts WHERE scope = 'address'`);
    await clearAddress();
    for (let i = 0; i < 5; i++) expect((await login(email, 'wrong-password')).status).toBe(401);
    const slowed = await fetch(`${api}/api/v3/operators/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }), // even the right password waits
    });
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBe(30);
    clock.advance(31_000);
    expect((await login(email)).status).toBe(200); // a success clears the account's count

    for (let n = 1; n <= 10; n++) {
      expect((await login(email, 'wrong-password')).status).toBe(401);
      if (n >= 5 && n < 10) clock.advance(30_000 * 2 ** (n - 5) + 1_000); // wait out each slow-down
    }
    const locked = await login(email);
    expect(locked.status).toBe(429);
    expect(locked.body.retry_after_s).toBeGreaterThan(60);
    expect((await audits('v3.operator.login_refused')).some((p) => p.email === email && p.reason === 'locked')).toBe(true);
    // a viewer cannot unlock; an admin can
    await clearAddress();
    const viewer = await operator('viewer');
    expect((await http('PATCH', `${api}/api/v3/operators/${id}`, { unlock: true }, bearer(viewer.token))).status).toBe(403);
    expect((await http('PATCH', `${api}/api/v3/operators/${id}`, { unlock: true }, admin())).status).toBe(200);
    expect((await login(email)).status).toBe(200);
    await clearAddress();
  });

  it('revokes every session of the operator when the password changes', async () => {
    const { email, token } = await operator('operator');
    const other = (await login(email)).body.token;
    const wrong = await http(
      'POST',
      `${api}/api/v3/operators/me/password`,
      { current_password: 'nope', new_password: 'another-password-2' },
      bearer(token),
    );
    expect(wrong).toMatchObject({ status: 400, body: { fields: ['current_password'] } });
    const changed = await http(
      'POST',
      `${api}/api/v3/operators/me/password`,
      { current_password: PASSWORD, new_password: 'another-password-2' },
      bearer(token),
    );
    expect(changed).toMatchObject({ status: 200, body: { sessions_revoked: 2 } });
    for (const t of [token, other]) expect((await http('GET', `${api}/api/v3/operators/me`, undefined, bearer(t))).status).toBe(401);
    expect((await login(email)).status).toBe(401);
    expect((await login(email, 'another-password-2')).status).toBe(200);
  });

  it('takes an API key on the data feeds (last use recorded) and refuses it once revoked', async () => {
    const { token } = await operator('operator');
    const created = await http('POST', `${api}/api/v3/operators/me/api-keys`, { name: 'ct ingest' }, bearer(token));
    expect(created.status).toBe(201);
    const key: string = created.body.api_key.key;
    expect(key).toMatch(/^cok_[0-9a-f]{8}_/);
    expect(key.startsWith(created.body.api_key.prefix)).toBe(true);
    const listed = await http('GET', `${api}/api/v3/operators/me/api-keys`, undefined, bearer(token));
    expect(listed.body.api_keys).toEqual([expect.objectContaining({ name: 'ct ingest', last_used_at: null, revoked_at: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const watch = (headers: Record<string, string>) =>
      http('POST', `${api}/api/v3/wallets`, { address: `0x${randomBytes(20).toString('hex')}`, label: 'fed' }, headers);
    expect((await watch({ authorization: `ApiKey ${key}` })).status).toBe(201);
    expect((await watch({ 'x-api-key': key })).status).toBe(201);
    const used = await http('GET', `${api}/api/v3/operators/me/api-keys`, undefined, bearer(token));
    expect(used.body.api_keys[0].last_used_at).not.toBeNull();
    // an API key opens the feeds only, not the admin endpoints
    expect((await http('GET', `${api}/api/v3/admin/state`, undefined, { 'x-api-key': key })).status).toBe(401);

    const id = created.body.api_key.id;
    expect((await http('DELETE', `${api}/api/v3/operators/me/api-keys/${id}`, undefined, bearer(token))).status).toBe(200);
    const refused = await watch({ authorization: `ApiKey ${key}` });
    expect(refused).toMatchObject({ status: 401, body: { message: ['API key is invalid or revoked'] } });
    // a viewer's key reaches a feed but its role does not
    const viewer = await operator('viewer');
    const viewerKey = (await http('POST', `${api}/api/v3/operators/me/api-keys`, { name: 'v' }, bearer(viewer.token))).body.api_key.key;
    expect((await watch({ 'x-api-key': viewerKey })).status).toBe(403);
  });

  it('lets a viewer read but not act, an operator act but not manage operators, an admin everything', async () => {
    const viewer = await operator('viewer');
    const op = await operator('operator');
    const mark = { venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '2000' };
    expect((await http('GET', `${api}/api/v3/admin/audit`, undefined, bearer(viewer.token))).status).toBe(200);
    expect((await http('PUT', `${api}/api/v3/admin/paper/marks`, mark, bearer(viewer.token))).status).toBe(403);
    expect((await http('PUT', `${api}/api/v3/admin/paper/marks`, mark, bearer(op.token))).status).toBe(200);
    const newUser = { email: `x-${randomBytes(3).toString('hex')}@example.com`, password: PASSWORD, role: 'viewer' };
    expect((await http('POST', `${api}/api/v3/operators`, newUser, bearer(op.token))).status).toBe(403);
    expect((await http('GET', `${api}/api/v3/operators`, undefined, bearer(op.token))).status).toBe(403);
    expect((await http('PUT', `${api}/api/v3/operators/settings`, { require_2fa: false }, bearer(op.token))).status).toBe(403);
    expect((await http('POST', `${api}/api/v3/operators`, newUser, admin())).status).toBe(201);
    // deactivated: sessions end
    expect((await http('PATCH', `${api}/api/v3/operators/${op.id}`, { is_active: false }, admin())).status).toBe(200);
    expect((await http('GET', `${api}/api/v3/admin/state`, undefined, bearer(op.token))).status).toBe(401);
    expect((await login(op.email)).status).toBe(401);
    // the last admin stays an admin
    const adminId = (await pg.query(`SELECT id FROM users WHERE email = $1`, [TEST_ADMIN_EMAIL])).rows[0].id;
    const others = (await pg.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND id <> $1`, [adminId])).rows[0].n;
    if (others === 0) expect((await http('PATCH', `${api}/api/v3/operators/${adminId}`, { role: 'viewer' }, admin())).status).toBe(409);
  });

  it('opens Bull Board only to a session cookie: a viewer looks, an operator acts', async () => {
    const viewer = await operator('viewer');
    const op = await operator('operator');
    const board = (headers: Record<string, string>, method = 'GET', path = '') => fetch(`${api}/admin/queues${path}`, { method, headers });
    expect((await board({})).status).toBe(401);
    expect((await board({ authorization: 'Basic ' + Buffer.from(`admin:${env.ADMIN_PASSWORD}`).toString('base64') })).status).toBe(401);
    expect((await board({ cookie: 'conduit_operator=cos_forged' })).status).toBe(401);
    const key = (await http('POST', `${api}/api/v3/operators/me/api-keys`, { name: 'board' }, bearer(op.token))).body.api_key.key;
    expect((await board({ 'x-api-key': key })).status).toBe(401);
    expect((await board({ cookie: `conduit_operator=${viewer.token}` })).status).toBe(200);
    const retry = '/api/queues/conduit-policy/retry/failed';
    expect((await board({ cookie: `conduit_operator=${viewer.token}` }, 'PUT', retry)).status).toBe(403);
    expect((await board({ cookie: `conduit_operator=${op.token}` }, 'PUT', retry)).status).toBeLessThan(300);
  });

  it('requires 2FA of every operator when an admin says so: until enrolled, only their own account is open', async () => {
    const op = await operator('operator');
    const second = await operator('admin');
    await enableTwoFa(second.token);
    expect((await http('PUT', `${api}/api/v3/operators/settings`, { require_2fa: true }, bearer(second.token))).status).toBe(200);
    try {
      const session = await login(op.email);
      expect(session.body.two_fa_enrolment_required).toBe(true);
      const t = session.body.token;
      expect((await http('GET', `${api}/api/v3/admin/state`, undefined, bearer(t))).status).toBe(403);
      expect((await http('GET', `${api}/api/v3/operators/me`, undefined, bearer(t))).status).toBe(200);
      await enableTwoFa(t);
      expect((await http('GET', `${api}/api/v3/admin/state`, undefined, bearer(t))).status).toBe(200);
    } finally {
      expect((await http('PUT', `${api}/api/v3/operators/settings`, { require_2fa: false }, bearer(second.token))).status).toBe(200);
    }
  });

  it('bootstraps the first admin from ADMIN_EMAIL and ADMIN_PASSWORD only when there is no admin', async () => {
    const fresh = await createTestDatabase();
    const c = new Client({ connectionString: fresh.url });
    await c.connect();
    try {
      await c.query(`DELETE FROM users`);
      const bootEnv = testEnv(fresh, { ADMIN_EMAIL: 'First@Example.com', ADMIN_PASSWORD: 'first-admin-password' });
      for (let boot = 0; boot < 2; boot++) {
        const started = await startHttpApp(GatewayAppModule.forRoot(bootEnv), bootEnv, configureGateway);
        try {
          const session = await http('POST', `${started.url}/api/v3/operators/login`, {
            email: 'first@example.com',
            password: 'first-admin-password',
          });
          expect(session).toMatchObject({ status: 200, body: { user: { email: 'first@example.com', role: 'admin' } } });
        } finally {
          await started.app.close();
        }
      }
      expect((await c.query(`SELECT email, role FROM users`)).rows).toEqual([{ email: 'first@example.com', role: 'admin' }]);
      await cleanupRedis(bootEnv);
    } finally {
      await c.end();
      await fresh.drop();
    }
  });

  // Last: it slows down this client address for the rest of the file.
  it('slows down a client address that fails on many accounts', async () => {
    clock.advance(16 * 60_000); // a fresh window
    await pg.query(`DELETE FROM operator_lockouts WHERE scope = 'address'`);
    for (let i = 0; i < 20; i++) expect((await login(`spray-${i}@example.com`, 'wrong-password')).status).toBe(401);
    const slowed = await login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    expect(slowed.status).toBe(429);
    clock.advance(31_000);
    expect((await login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD)).status).toBe(200);
  });

  it('lets an operator choose its own notifications, which then name it as their recipient', async () => {
    const { id, token } = await operator('viewer');
    const body = { events: ['venue.down', 'bill.failed'], channels: { telegram: { enabled: true, chat_id: '777' } } };
    const put = await http('PUT', `${api}/api/v3/operators/me/notifications/settings`, body, bearer(token));
    expect(put.status).toBe(200);
    expect(put.body.settings).toMatchObject({
      events: ['venue.down', 'bill.failed'],
      channels: { telegram: { enabled: true, chat_id: '777' } },
    });
    const stored = (await pg.query(`SELECT subject_type, subject_id FROM notification_settings WHERE subject_id = $1`, [id])).rows;
    expect(stored).toEqual([{ subject_type: 'user', subject_id: id }]);
    // a wallet never reads an operator's settings: the wallet route is for wallets
    expect((await http('GET', `${api}/api/v3/notifications/settings`, undefined, bearer(token))).status).toBe(401);

    // an event about a wallet reaches every operator subscribed to it too (the producer lifecycle code calls)
    const ds = createDataSource(db.url, { extra: { max: 1 } });
    await ds.initialize();
    try {
      await ds.transaction((em) =>
        recordNotification(em, { event: 'venue.down', key: 'venue.down:OSTIUM:test', broadcast: true, payload: { venue: 'OSTIUM' } }),
      );
    } finally {
      await ds.destroy();
    }
    const listed = await http('GET', `${api}/api/v3/operators/me/notifications`, undefined, bearer(token));
    expect(listed.status).toBe(200);
    expect(listed.body.notifications.map((n: any) => [n.event_type, n.payload])).toEqual([['venue.down', { venue: 'OSTIUM' }]]);
    const others = await http('GET', `${api}/api/v3/operators/me/notifications`, undefined, admin());
    expect(others.body.notifications).toEqual([]);
  });
});
