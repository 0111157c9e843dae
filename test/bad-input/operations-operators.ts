import { randomBytes } from 'crypto';
import { authenticator } from 'otplib';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD } from '@conduit/testing';
import { context, Operation } from './fixtures';
import { oneOf, text } from './values';

const BAD_EMAILS = ['', 'not-an-email', '@example.com', `${'x'.repeat(250)}@example.com`];
const BAD_PASSWORDS = ['', 'short', 'x'.repeat(257)];
const OPERATOR = { of: 'operator', noun: 'operator' } as const;

/** Operators (issue 15): sign-in, 2FA, API keys, user management. */
export const OPERATORS_OPERATIONS: Record<string, Operation> = {
  'POST /api/v3/operators/login': {
    body: () => ({ email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD }),
    fields: {
      email: text(BAD_EMAILS),
      password: text(['', 'x'.repeat(257)]),
      totp_code: text(['', '12345', '1234567', 'abcdef', '12345-678901'], false),
    },
    cases: [
      {
        name: 'a wrong password',
        body: () => ({ email: TEST_ADMIN_EMAIL, password: 'not-the-password' }),
        status: 401,
        names: ['password'],
        writes: ['operator_lockouts', 'audit_logs'],
      },
      {
        name: 'an unknown email',
        body: () => ({ email: `nobody-${randomBytes(4).toString('hex')}@example.com`, password: TEST_ADMIN_PASSWORD }),
        status: 401,
        names: ['email'],
        writes: ['operator_lockouts', 'audit_logs'],
      },
    ],
    // Each login is a new session.
    repeat: { grows: ['operator_sessions', 'audit_logs'] },
  },
  'POST /api/v3/operators/logout': { who: 'fresh-operator', repeat: { second: 401 } },
  'GET /api/v3/operators/me': { who: 'admin' },
  'POST /api/v3/operators/me/password': {
    who: 'fresh-operator',
    body: () => ({ current_password: TEST_ADMIN_PASSWORD, new_password: 'a-new-long-password' }),
    fields: { current_password: text(['', 'x'.repeat(257)]), new_password: text(BAD_PASSWORDS) },
    cases: [
      {
        name: 'a wrong current password',
        body: () => ({ current_password: 'not-the-password', new_password: 'a-new-long-password' }),
        status: 400,
        names: ['current_password'],
      },
    ],
    // Every session of the operator ends, the one used too.
    repeat: { second: 401 },
  },
  'POST /api/v3/operators/me/2fa': { who: 'fresh-operator', repeat: { grows: ['audit_logs'] } },
  'POST /api/v3/operators/me/2fa/confirm': {
    who: 'fresh-operator',
    body: () => ({ code: authenticator.generate(context.operatorSecret) }),
    fields: { code: text(['', '12345', '1234567', 'abcdef', '12345-67890']) },
    cases: [{ name: 'a wrong code', body: () => ({ code: '000000' }), status: 400, names: ['code'] }],
  },
  'POST /api/v3/operators/me/2fa/disable': {
    who: 'fresh-operator',
    body: () => ({ current_password: TEST_ADMIN_PASSWORD, totp_code: authenticator.generate(context.operatorSecret) }),
    fields: {
      current_password: text(['', 'x'.repeat(257)]),
      totp_code: text(['', '12345', '1234567', 'abcdef', '12345-678901', 'abcde_fghij']),
    },
    // The fresh operator's secret is pending, not on.
    cases: [
      {
        name: '2FA not on',
        body: () => ({ current_password: TEST_ADMIN_PASSWORD, totp_code: authenticator.generate(context.operatorSecret) }),
        status: 409,
        names: ['2FA is not on'],
      },
    ],
    // 2FA on first: the second request finds it off (409).
    repeat: { setup: () => context.pg.query(`UPDATE users SET two_fa_enabled = true WHERE id = $1`, [context.operatorId]) },
  },
  'POST /api/v3/operators/me/api-keys': {
    who: 'admin',
    body: () => ({ name: `battery ${randomBytes(4).toString('hex')}` }),
    fields: { name: text(['', ' leading space', 'x'.repeat(101), 'semi;colon']) },
  },
  'GET /api/v3/operators/me/api-keys': { who: 'admin' },
  'DELETE /api/v3/operators/me/api-keys/{id}': { who: 'admin', id: { of: 'apiKey', noun: 'API key' } },
  'GET /api/v3/operators': { who: 'admin' },
  'POST /api/v3/operators': {
    who: 'admin',
    body: () => ({ email: `ops-${randomBytes(4).toString('hex')}@example.com`, password: 'a-long-password-1', role: 'operator' }),
    fields: { email: text(BAD_EMAILS), password: text(BAD_PASSWORDS), role: oneOf(['root', 'ADMIN', '']) },
  },
  'PUT /api/v3/operators/settings': {
    who: 'admin',
    body: () => ({ require_2fa: false }),
    fields: { require_2fa: { type: 'boolean', required: true } },
  },
  // sessions: the caller's own, and (admins) another operator's
  'GET /api/v3/operators/me/sessions': { who: 'admin' },
  // A fresh operator: ending the admin's other sessions would end the fixture sessions of later requests.
  'POST /api/v3/operators/me/sessions/revoke-others': { who: 'fresh-operator' },
  // Ending a session again answers it as it is.
  'DELETE /api/v3/operators/me/sessions/{id}': { who: 'admin', id: { of: 'adminSession', noun: 'session' } },
  'GET /api/v3/operators/{id}/sessions': { who: 'admin', id: OPERATOR },
  'DELETE /api/v3/operators/{id}/sessions/{session_id}': {
    who: 'admin',
    id: OPERATOR,
    params: { session_id: { of: 'operatorSession', noun: 'session' } },
  },
  // The fixture operator has no 2FA (409) but where the repeat turns it on first: the second request finds it off.
  'POST /api/v3/operators/{id}/2fa/reset': {
    who: 'admin',
    id: OPERATOR,
    repeat: { setup: (f) => context.pg.query(`UPDATE users SET two_fa_enabled = true WHERE id = $1`, [f.operator]) },
  },
  'PATCH /api/v3/operators/{id}': {
    who: 'admin',
    id: OPERATOR,
    body: () => ({ role: 'operator', unlock: false }),
    fields: { role: oneOf(['root', 'Operator', ''], false), is_active: { type: 'boolean' }, unlock: { type: 'boolean' } },
  },
};
