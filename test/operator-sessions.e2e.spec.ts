import { randomBytes, randomUUID } from 'crypto';
import { secretHash } from '@conduit/custody';
import { http, ManualClock, TEST_ADMIN_EMAIL } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/**
 * Operators see and end their sessions (docs/OPERATORS.md): real logins against the gateway at a ManualClock, each
 * session named by its id, the current one marked, ended ones refused; admins do the same for another operator.
 */
describe('operator sessions: list, revoke one, revoke the others, as the operator or an admin', () => {
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  const h = useGateway({ clock });
  const PASSWORD = 'operator-password-1';

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const ops = `/api/v3/operators`;
  /** Signs in from a user agent; answers the token, the session id (from the list) and the time it began. */
  async function login(email: string, userAgent: string) {
    const res = await http('POST', `${h.api}${ops}/login`, { email, password: PASSWORD }, { 'user-agent': userAgent });
    expect(res.status).toBe(200);
    const token: string = res.body.token;
    const hash = secretHash(token);
    const id: string = (await h.pg.query(`SELECT id FROM operator_sessions WHERE token_hash = $1`, [hash])).rows[0].id;
    return { token, id, hash, at: clock.now().toISOString() };
  }
  /** A new operator with this role, created by the admin. */
  async function operator(role: 'admin' | 'operator' | 'viewer' = 'viewer') {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const created = await http('POST', `${h.api}${ops}`, { email, password: PASSWORD, role }, h.admin);
    expect(created.status).toBe(201);
    return { email, id: created.body.user.id as string };
  }
  const me = (token: string) => http('GET', `${h.api}${ops}/me`, undefined, bearer(token));
  const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
  const ttlMs = () => h.env.OPERATOR_SESSION_TTL_S * 1000;
  const revokedRows = async (sessionIds: string[]) =>
    (
      await h.pg.query(
        `SELECT action, entity_type, entity_id, user_id, actor, old_value, new_value, payload FROM audit_logs
          WHERE entity_type = 'operator_session' AND entity_id = ANY($1::uuid[]) ORDER BY entity_id`,
        [sessionIds],
      )
    ).rows;

  it('lists the live sessions of the caller, newest first, the current one marked, last use to the minute, never a token', async () => {
    const op = await operator();
    const a = await login(op.email, 'browser-a');
    clock.advance(5 * 60_000);
    const b = await login(op.email, 'browser-b');
    const c = await login(op.email, 'browser-c');
    expect((await http('POST', `${h.api}${ops}/logout`, undefined, bearer(c.token))).status).toBe(200);

    const listed = await http('GET', `${h.api}${ops}/me/sessions`, undefined, bearer(a.token));
    expect(listed.status).toBe(200);
    const ip = (await h.pg.query(`SELECT ip_address FROM operator_sessions WHERE id = $1`, [a.id])).rows[0].ip_address;
    expect(ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    const view = (s: { id: string; at: string }, userAgent: string, lastSeen: string, current: boolean) => ({
      id: s.id,
      created_at: s.at,
      last_seen_at: lastSeen,
      expires_at: later(s.at, ttlMs()),
      revoked_at: null,
      ip_address: ip,
      user_agent: userAgent,
      current,
    });
    // b and c began at the same instant: the newest first, then by id; c (signed out) is not live.
    // a was last seen at its login, five minutes ago: this request moves it to now.
    expect(listed.body).toEqual({
      success: true,
      count: 2,
      sessions: [view(b, 'browser-b', b.at, false), view(a, 'browser-a', b.at, true)],
    });
    const text = JSON.stringify(listed.body);
    for (const s of [a, b, c]) {
      expect(text).not.toContain(s.token);
      expect(text).not.toContain(s.hash);
    }

    // last use moves again only once a minute has passed since the time it holds
    const seen = async () => (await http('GET', `${h.api}${ops}/me/sessions`, undefined, bearer(a.token))).body.sessions[1].last_seen_at;
    clock.advance(59_000);
    expect(await seen()).toBe(b.at);
    clock.advance(1_000);
    expect(await seen()).toBe(later(b.at, 60_000));
  });

  it('ends one session, which is refused after; another operator session is a 404 to them, as is an unknown id', async () => {
    const op = await operator();
    const a = await login(op.email, 'browser-a');
    const b = await login(op.email, 'browser-b');
    const stranger = await operator('admin');
    const s = await login(stranger.email, 'stranger');

    const theirs = await http('DELETE', `${h.api}${ops}/me/sessions/${b.id}`, undefined, bearer(s.token));
    expect(theirs).toMatchObject({ status: 404, body: { message: `session ${b.id} not found` } });
    expect((await me(b.token)).status).toBe(200);
    const unknown = randomUUID();
    expect(await http('DELETE', `${h.api}${ops}/me/sessions/${unknown}`, undefined, bearer(a.token))).toMatchObject({
      status: 404,
      body: { message: `session ${unknown} not found` },
    });

    clock.advance(1_000);
    const at = clock.now().toISOString();
    const ended = await http('DELETE', `${h.api}${ops}/me/sessions/${b.id}`, undefined, bearer(a.token));
    expect(ended).toMatchObject({ status: 200, body: { signed_out: false, session: { id: b.id, revoked_at: at, current: false } } });
    expect(await me(b.token)).toMatchObject({
      status: 401,
      body: { message: ['operator session is invalid, expired or revoked: sign in again'] },
    });
    expect((await me(a.token)).status).toBe(200);
    // ending it again answers it as it is and writes nothing
    clock.advance(1_000);
    const again = await http('DELETE', `${h.api}${ops}/me/sessions/${b.id}`, undefined, bearer(a.token));
    expect(again).toMatchObject({ status: 200, body: { signed_out: false, session: { id: b.id, revoked_at: at } } });
    expect(await revokedRows([b.id])).toEqual([
      {
        action: 'v3.operator.session_revoked',
        entity_type: 'operator_session',
        entity_id: b.id,
        user_id: op.id,
        actor: 'operator',
        old_value: { revoked_at: null },
        new_value: { revoked_at: at },
        payload: { user_id: op.id, reason: 'revoked', by: op.id },
      },
    ]);

    // ending the current session signs out: the cookie is cleared and the token refused
    const res = await fetch(`${h.api}${ops}/me/sessions/${a.id}`, { method: 'DELETE', headers: { cookie: `conduit_operator=${a.token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signed_out: true, session: { id: a.id, current: true } });
    expect(res.headers.get('set-cookie')).toMatch(/^conduit_operator=;.*Expires=Thu, 01 Jan 1970/);
    expect((await me(a.token)).status).toBe(401);
  });

  it('ends every other session of the caller and keeps the current one', async () => {
    const op = await operator('operator');
    const [a, b, c] = [await login(op.email, 'a'), await login(op.email, 'b'), await login(op.email, 'c')];
    const other = await operator();
    const untouched = await login(other.email, 'other');

    const revoked = await http('POST', `${h.api}${ops}/me/sessions/revoke-others`, undefined, bearer(b.token));
    expect(revoked).toEqual({ status: 200, body: { success: true, sessions_revoked: 2, revoked_ids: [a.id, c.id].sort() } });
    expect((await me(a.token)).status).toBe(401);
    expect((await me(c.token)).status).toBe(401);
    expect((await me(b.token)).status).toBe(200);
    expect((await me(untouched.token)).status).toBe(200);
    const listed = await http('GET', `${h.api}${ops}/me/sessions`, undefined, bearer(b.token));
    expect(listed.body.sessions.map((s: { id: string; current: boolean }) => [s.id, s.current])).toEqual([[b.id, true]]);
    const rows = await revokedRows([a.id, b.id, c.id]);
    expect(rows.map((r) => [r.entity_id, r.user_id, r.payload.reason])).toEqual(
      [a.id, c.id].sort().map((id) => [id, op.id, 'revoke_others']),
    );
    // nothing left to end: the same answer with none, and no audit row
    const none = await http('POST', `${h.api}${ops}/me/sessions/revoke-others`, undefined, bearer(b.token));
    expect(none.body).toEqual({ success: true, sessions_revoked: 0, revoked_ids: [] });
    expect(await revokedRows([a.id, b.id, c.id])).toHaveLength(2);
  });

  it('lets an admin list and end another operator sessions; others get 403, an unknown operator or session 404', async () => {
    const op = await operator('operator');
    const [a, b] = [await login(op.email, 'a'), await login(op.email, 'b')];
    const other = await operator();
    const otherSession = await login(other.email, 'other');
    const adminId = (await h.pg.query(`SELECT id FROM users WHERE email = $1`, [TEST_ADMIN_EMAIL])).rows[0].id;

    const listed = await http('GET', `${h.api}${ops}/${op.id}/sessions`, undefined, h.admin);
    expect(listed.status).toBe(200);
    expect(listed.body.sessions.map((s: { id: string; current: boolean }) => [s.id, s.current])).toEqual(
      [a.id, b.id].sort().map((id) => [id, false]),
    );
    for (const t of [a.token, otherSession.token]) {
      expect(await http('GET', `${h.api}${ops}/${op.id}/sessions`, undefined, bearer(t))).toMatchObject({
        status: 403,
        body: { message: [expect.stringContaining('this needs the admin role')] },
      });
      expect((await http('DELETE', `${h.api}${ops}/${op.id}/sessions/${a.id}`, undefined, bearer(t))).status).toBe(403);
    }
    const nobody = randomUUID();
    expect(await http('GET', `${h.api}${ops}/${nobody}/sessions`, undefined, h.admin)).toMatchObject({
      status: 404,
      body: { message: `operator ${nobody} not found` },
    });
    expect(await http('DELETE', `${h.api}${ops}/${op.id}/sessions/${otherSession.id}`, undefined, h.admin)).toMatchObject({
      status: 404,
      body: { message: `session ${otherSession.id} not found` },
    });
    expect((await me(otherSession.token)).status).toBe(200);

    const ended = await http('DELETE', `${h.api}${ops}/${op.id}/sessions/${a.id}`, undefined, h.admin);
    expect(ended).toMatchObject({ status: 200, body: { signed_out: false, session: { id: a.id, revoked_at: clock.now().toISOString() } } });
    expect((await me(a.token)).status).toBe(401);
    expect((await me(b.token)).status).toBe(200);
    expect((await revokedRows([a.id])).map((r) => [r.user_id, r.actor, r.payload])).toEqual([
      [adminId, 'operator', { user_id: op.id, reason: 'revoked', by: adminId }],
    ]);
  });

  it('documents each new endpoint: a summary, the operator session as its security, its 4xx answers', async () => {
    const doc = (await http('GET', `${h.api}/api/docs-json`)).body;
    const expected: Record<string, string[]> = {
      'get /api/v3/operators/me/sessions': ['401', '429'],
      'post /api/v3/operators/me/sessions/revoke-others': ['400', '401', '413', '429'],
      'delete /api/v3/operators/me/sessions/{id}': ['400', '401', '404', '413', '429'],
      'get /api/v3/operators/{id}/sessions': ['400', '401', '403', '404', '429'],
      'delete /api/v3/operators/{id}/sessions/{session_id}': ['400', '401', '403', '404', '413', '429'],
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
