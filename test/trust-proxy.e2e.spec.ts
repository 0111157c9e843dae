import { randomBytes } from 'crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { cleanupRedis, createTestDatabase, http, startHttpApp, TestDatabase, testEnv } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/**
 * TRUST_PROXY decides whose address a failed login counts against (req.ip: the lockout's address scope and the audit
 * actor). Two gateways on one database, reached from 127.0.0.1: one trusting no proxy, one trusting loopback (an
 * ingress on the same host).
 */
describe('TRUST_PROXY: the client address behind a proxy (lockout, audit)', () => {
  let db: TestDatabase;
  let pg: Client;
  const gateways: { env: Env; app: INestApplication; api: string }[] = [];
  const [untrusting, trusting] = [0, 1];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const overrides of [{}, { TRUST_PROXY: 'loopback' }] as Record<string, string>[]) {
      const env = testEnv(db, overrides);
      const { app, url } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway);
      gateways.push({ env, app, api: url });
    }
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    for (const g of gateways) {
      await g.app.close();
      await cleanupRedis(g.env);
    }
    await pg?.end();
    await db?.drop();
  });
  beforeEach(() => pg.query(`DELETE FROM operator_lockouts`));

  /** A failed login (an unknown email) through a gateway, as if forwarded for `forwardedFor`; answers the email tried. */
  const failLogin = async (gateway: number, forwardedFor: string) => {
    const email = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    const res = await http(
      'POST',
      `${gateways[gateway].api}/api/v3/operators/login`,
      { email, password: 'not-the-password-1' },
      { 'x-forwarded-for': forwardedFor },
    );
    expect(res.status).toBe(401);
    return email;
  };
  const addressCounts = async () =>
    (await pg.query(`SELECT key, failures FROM operator_lockouts WHERE scope = 'address' ORDER BY key`)).rows;
  const auditedAddresses = async (emails: string[]) =>
    (
      await pg.query(
        `SELECT payload->>'email' AS email, host(ip_address) AS ip, payload->>'ip_address' AS payload_ip FROM audit_logs
          WHERE action = 'v3.operator.login_failed' AND payload->>'email' = ANY($1) ORDER BY occurred_at, id`,
        [emails],
      )
    ).rows;

  it('unset: X-Forwarded-For is ignored; two forged values from one socket count against the one socket address', async () => {
    const emails = [await failLogin(untrusting, '203.0.113.7'), await failLogin(untrusting, '198.51.100.9')];
    expect(await addressCounts()).toEqual([{ key: '127.0.0.1', failures: 2 }]);
    expect(await auditedAddresses(emails)).toEqual(emails.map((email) => ({ email, ip: '127.0.0.1', payload_ip: '127.0.0.1' })));
  });

  it('loopback: the proxy on loopback is believed, so two X-Forwarded-For clients are counted apart', async () => {
    const emails = [await failLogin(trusting, '203.0.113.7'), await failLogin(trusting, '198.51.100.9')];
    expect(await addressCounts()).toEqual([
      { key: '198.51.100.9', failures: 1 },
      { key: '203.0.113.7', failures: 1 },
    ]);
    expect(await auditedAddresses(emails)).toEqual([
      { email: emails[0], ip: '203.0.113.7', payload_ip: '203.0.113.7' },
      { email: emails[1], ip: '198.51.100.9', payload_ip: '198.51.100.9' },
    ]);
  });

  it('loopback: what a client wrote before the proxy appended its address is not believed', async () => {
    // the client sent X-Forwarded-For: 192.0.2.1 (forged); the trusted proxy appended the address it saw
    const emails = [await failLogin(trusting, '192.0.2.1, 203.0.113.7'), await failLogin(trusting, '192.0.2.1, 203.0.113.7')];
    expect(await addressCounts()).toEqual([{ key: '203.0.113.7', failures: 2 }]);
    expect((await auditedAddresses(emails)).map((a) => a.ip)).toEqual(['203.0.113.7', '203.0.113.7']);
  });
});
