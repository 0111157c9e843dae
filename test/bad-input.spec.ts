import { randomBytes, randomUUID } from 'crypto';
import { INestApplication } from '@nestjs/common';
import { isAddress } from 'ethers';
import { authenticator } from 'otplib';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { hashPassword, KeyVault, newSessionToken, sealTotpSecret, secretHash } from '@conduit/custody';
import { QueueName } from '@conduit/queue';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  insertAgent,
  insertDeployment,
  startHttpApp,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TestDatabase,
  testEnv,
  testQueues,
  WalletClient,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { Case, casesOf } from './bad-input/cases';
import { context, digits, Fixtures, Operation, Who } from './bad-input/fixtures';
import { OPERATIONS } from './bad-input/operations';
import { BAD_CHECKSUM } from './bad-input/values';

/**
 * The bad-input battery (issue 6). Every operation of the OpenAPI document has an entry in OPERATIONS (the
 * first test fails when one is missing, so a new endpoint must join); from each entry the battery sends missing
 * and wrongly typed fields, out-of-range numbers, unknown enums, malformed UUIDs, wallets, dates and query
 * parameters, unknown extra fields, oversized and malformed bodies, unknown ids, and the same valid request twice.
 * Each bad request must answer its 4xx (never a 5xx) with a message naming the field, and leave every table of the
 * public schema (audit_logs included) and every queue exactly as it was. Only the gateway runs: no worker, so a
 * request that got through would show as a queued job.
 *
 * This file runs the battery; its pieces are in bad-input/: values.ts (what a bad value looks like), fixtures.ts (the
 * rows and bodies the valid requests use, and the context filled in here), operations-*.ts (the table, by feature,
 * merged in operations.ts) and cases.ts (the cases each entry of the table makes).
 */

// ---- the harness ----------------------------------------------------------------------------------------------

let db: TestDatabase;
let env: Env;
let gateway: INestApplication;
let api: string;
let pg: Client;
let queues: ReturnType<typeof testQueues>;
let creator: WalletClient;
let subscriber: WalletClient;
let auth: Record<Exclude<Who, 'fresh' | 'fresh-operator'>, Record<string, string>>;
let operatorHash: string;
let fixtures: Fixtures;
let snapshotSql: string;

/** A full set of fixture rows (direct SQL: fixtures, not the API under test). */
async function makeFixtures(): Promise<Fixtures> {
  const agent = await insertAgent(pg);
  const idleAgent = await insertAgent(pg, { name: 'Idle agent' });
  const trader = await insertAgent(pg, { name: `Battery trader ${randomUUID()}`, kind: 'llm_trader' });
  await pg.query(
    `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance) VALUES ($1, 'rules:momentum', 'paper', 1000)`,
    [trader],
  );
  const deployment = await insertDeployment(pg, agent, { user_wallet: subscriber.address });
  const one = async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows[0].id as string;
  const signalId = await one(
    `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, confidence)
     VALUES ($1, 'ETH', 'LONG', '{"type": "percentage", "value": 25}', '{"type": "trailing-stop", "stop": 0.03}', 0.85) RETURNING id`,
    [agent],
  );
  const position = await one(
    `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price) VALUES ($1, $2, 'HYPERLIQUID', 'ETH',
      'LONG', 1, 2000) RETURNING id`,
    [deployment, signalId],
  );
  const bill = await one(
    `INSERT INTO billing_events_v3 (deployment_id, position_id, kind, amount, status, metadata)
     VALUES ($1, $2, 'PROFIT_SHARE', 10, 'PENDING', '{"usd_send": {"typedData": {}}}') RETURNING id`,
    [deployment, position],
  );
  const account = await one(`INSERT INTO ct_accounts (x_username, x_user_id) VALUES ($1, $2) RETURNING id`, [
    `b${randomBytes(6).toString('hex')}`,
    digits(12),
  ]);
  const wallet = await one(`INSERT INTO wallets (address, label, tags) VALUES ($1, 'Battery whale', '{whale}') RETURNING id`, [
    `0x${randomBytes(20).toString('hex')}`,
  ]);
  const event = await one(
    `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, position_before, position_after)
     VALUES (now(), $1, $2, '1', 'open', 'ETH', 0, 1) RETURNING id`,
    [wallet, `0x${randomBytes(32).toString('hex')}`],
  );
  await pg.query(`INSERT INTO event_analysis (event_id, llm_classification, bias_impact) VALUES ($1, 'open', 0.25)`, [event]);
  // A report per fixture set: a 4h period of its own (the unique key is the type and the period's start).
  const reportStart = new Date(Date.UTC(2020, 0, 1) + (await pg.query(`SELECT count(*)::int AS n FROM reports`)).rows[0].n * 4 * 3600_000);
  const report = await one(
    `INSERT INTO reports (report_type, period_start, period_end, summary_markdown, metrics, notable_events)
     VALUES ('4h', $1, $2, '# Battery report', '{}', '[]') RETURNING id`,
    [reportStart, new Date(reportStart.getTime() + 4 * 3600_000)],
  );
  const operator = await one(`INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'viewer') RETURNING id`, [
    `viewer-${randomBytes(6).toString('hex')}@example.com`,
    operatorHash,
  ]);
  const apiKey = await one(
    `INSERT INTO operator_api_keys (user_id, name, key_hash, prefix) SELECT id, $2, $3, 'cok_battery' FROM users WHERE email = $1
     RETURNING id`,
    [TEST_ADMIN_EMAIL, `battery ${randomUUID()}`, randomBytes(32).toString('hex')],
  );
  const session = (userId: string) =>
    one(`INSERT INTO operator_sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour') RETURNING id`, [
      userId,
      randomBytes(32).toString('hex'),
    ]);
  const adminId = (await pg.query(`SELECT id FROM users WHERE email = $1`, [TEST_ADMIN_EMAIL])).rows[0].id;
  const [adminSession, operatorSession] = [await session(adminId), await session(operator)];
  return {
    ...{ agent, idleAgent, trader, deployment, signal: signalId, position, bill, account, wallet, event, report, operator, apiKey },
    ...{ adminSession, operatorSession },
  };
}

/** Rows (count and content) of every table in the public schema, and the jobs of every queue. */
async function snapshot(content = true): Promise<Record<string, string>> {
  const { rows } = await pg.query(snapshotSql);
  const out: Record<string, string> = Object.fromEntries(rows.map((r) => [r.t, content ? `${r.n} rows, ${r.h}` : `${r.n} rows`]));
  for (const q of Object.values(QueueName)) {
    const counts = await queues[q].getJobCounts();
    out[`queue ${q}`] = `${Object.values(counts).reduce((a, b) => a + b, 0)} jobs`;
  }
  return out;
}
const changes = (before: Record<string, string>, after: Record<string, string>) => Object.keys(after).filter((k) => before[k] !== after[k]);

/**
 * The headers of op.who. A fresh operator (a new user with a session and a pending 2FA secret, whose password is the
 * test admin's) is written here, so before the request's snapshot.
 */
async function credentialOf(op: Operation): Promise<Record<string, string>> {
  if (op.who === 'fresh') return {}; // signed in afresh by send, for each request
  if (op.who !== 'fresh-operator') return op.who ? auth[op.who] : {};
  const token = newSessionToken();
  context.operatorSecret = authenticator.generateSecret(20);
  const { rows } = await pg.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'operator') RETURNING id`, [
    `ops-${randomBytes(6).toString('hex')}@example.com`,
    operatorHash,
  ]);
  const id = rows[0].id;
  context.operatorId = id;
  await pg.query(`UPDATE users SET two_fa_secret = $2 WHERE id = $1`, [
    id,
    sealTotpSecret(new KeyVault(env.MASTER_KEY!), id, context.operatorSecret),
  ]);
  await pg.query(`INSERT INTO operator_sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [
    id,
    secretHash(token),
  ]);
  return { authorization: `Bearer ${token}` };
}

async function send(key: string, op: Operation, req: Awaited<ReturnType<Case['request']>>, credential: Record<string, string>) {
  const [method, template] = key.split(' ');
  const id = req.id ?? (op.id ? fixtures[op.id.of] : undefined);
  let path = template.replace('{id}', encodeURIComponent(id ?? ''));
  for (const [param, { of }] of Object.entries(op.params ?? {}))
    path = path.replace(`{${param}}`, encodeURIComponent(req.params?.[param] ?? fixtures[of]));
  const url = `${api}${path}${req.query ? `?${req.query}` : ''}`;
  const fresh = op.who === 'fresh' ? await WalletClient.random(api).authorization() : {};
  return http(method, url, req.body, { ...credential, ...fresh, ...req.headers });
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The webhook SSRF guard on (testEnv allows private addresses for the receivers of other tests): its refusals are bad input.
  env = testEnv(db, { GATEWAY_WAIT_MS: '50', NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'false' });
  ({ app: gateway, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  queues = testQueues(env);
  operatorHash = await hashPassword(TEST_ADMIN_PASSWORD);
  creator = new WalletClient(api); // TEST_WALLET: the fixtures' agent creator
  subscriber = WalletClient.random(api);
  Object.assign(context, { api, subscriber, pg }); // what the operations' bodies and setups read
  auth = { creator: await creator.authorization(), subscriber: await subscriber.authorization(), admin: adminAuth(env) };
  fixtures = await makeFixtures();
  // The handle and X user id a conflicting post reuses.
  await pg.query(`INSERT INTO ct_accounts (x_username, x_user_id) VALUES ('batteryowner', '424242')`);
  const tables: string[] = (
    await pg.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name);
  // A session's last use is stamped by whichever request carries it (at most once a minute), a bad one too: it is
  // left out of the content compared, as the request writes nothing else.
  const row = (t: string) => (t === 'operator_sessions' ? `(to_jsonb(x) - 'last_seen_at')::text` : 'x::text');
  snapshotSql = tables
    .map(
      (t) => `SELECT '${t}' AS t, count(*)::int AS n, md5(COALESCE(string_agg(${row(t)}, '|' ORDER BY ${row(t)}), '')) AS h FROM "${t}" x`,
    )
    .join(' UNION ALL ');
});
afterAll(async () => {
  await gateway?.close();
  await queues?.close();
  await pg?.end();
  if (env) await cleanupRedis(env);
  await db?.drop();
});

describe('bad input to every endpoint: 4xx naming the field, never 5xx, nothing written', () => {
  it('has an entry for every operation, parameter and body field of the OpenAPI document', async () => {
    const doc = (await http('GET', `${api}/api/docs-json`)).body;
    const ref = (s: any) => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
    const documented: string[] = [];
    const problems: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        documented.push(key);
        const op = OPERATIONS[key];
        if (!op) continue;
        const params = (where: string) =>
          [...new Set((operation.parameters ?? []).filter((p: any) => p.in === where).map((p: any) => p.name.toLowerCase()))].sort();
        if (JSON.stringify(params('query')) !== JSON.stringify(Object.keys(op.query ?? {}).sort()))
          problems.push(`${key}: query ${params('query')}`);
        if (JSON.stringify(params('header')) !== JSON.stringify(Object.keys(op.headers ?? {}).sort()))
          problems.push(`${key}: headers ${params('header')}`);
        if (params('path').length && !op.id) problems.push(`${key}: path id`);
        const others = params('path').filter((p) => p !== 'id');
        if (JSON.stringify(others) !== JSON.stringify(Object.keys(op.params ?? {}).sort())) problems.push(`${key}: path ${others}`);
        // The body's fields, and those of its nested objects (arrays by their first item), against the table.
        const expected = new Map<string, boolean>();
        const walk = (schema: any, prefix: string) => {
          for (const [name, prop] of Object.entries<any>(schema?.properties ?? {})) {
            expected.set(prefix + name, (schema.required ?? []).includes(name));
            if (prop.items?.$ref) walk(ref(prop.items), `${prefix}${name}.0.`);
          }
        };
        walk(ref(operation.requestBody?.content?.['application/json']?.schema), '');
        const table = new Map(
          Object.entries(op.fields ?? {})
            .filter(([p]) => !p.includes('.') || expected.has(p))
            .map(([p, f]) => [p, !!f.required]),
        );
        const nestedTable = Object.keys(op.fields ?? {}).filter((p) => /\.0\./.test(p));
        for (const p of nestedTable) if (!expected.has(p)) problems.push(`${key}: ${p} is not in the document`);
        if (JSON.stringify([...expected].sort()) !== JSON.stringify([...table].sort()))
          problems.push(`${key}: body fields ${JSON.stringify([...expected])}`);
        if (op.fields && !op.body) problems.push(`${key}: fields without a valid body`);
        if (method !== 'get' && expected.size && !op.body) problems.push(`${key}: no valid body`);
      }
    }
    expect(documented.filter((k) => !OPERATIONS[k])).toEqual([]); // a new endpoint must join the battery
    expect(Object.keys(OPERATIONS).filter((k) => !documented.includes(k))).toEqual([]);
    expect(problems).toEqual([]);
  });

  describe.each(Object.entries(OPERATIONS))('%s', (key, op) => {
    it.each(casesOf(key, op).map((c) => [`${c.name} → ${c.status}`, c] as const))('%s', async (_, c) => {
      const credential = await credentialOf(op);
      const req = await c.request(fixtures);
      const before = await snapshot();
      const res = await send(key, op, req, credential);
      const after = await snapshot();
      const message = JSON.stringify(res.body?.message ?? res.body);
      expect({ status: res.status, message }).toMatchObject({ status: c.status });
      for (const n of c.names) expect(message).toContain(n);
      if (res.status >= 400) expect(res.body).toMatchObject({ statusCode: res.status });
      expect(changes(before, after).filter((t) => !c.writes?.includes(t))).toEqual([]);
    });
  });
});

describe('the same valid request twice: a 409 or an idempotent repeat, never a second row', () => {
  const mutating = Object.entries(OPERATIONS).filter(([key]) => !key.startsWith('GET '));
  it.each(mutating)('%s', async (key, op) => {
    const f = await makeFixtures();
    const credential = await credentialOf(op);
    await op.repeat?.setup?.(f);
    const body = await op.body?.(f);
    const id = op.id ? f[op.id.of] : undefined;
    const params = Object.fromEntries(Object.entries(op.params ?? {}).map(([param, { of }]) => [param, f[of]]));
    const req = { id, params, body, headers: op.repeat?.headers };
    const first = await send(key, op, req, credential);
    expect({ status: first.status < 300, body: first.body }).toMatchObject({ status: true });
    const before = await snapshot(false);
    const second = await send(key, op, req, credential);
    const after = await snapshot(false);
    if (op.repeat?.second) expect(second.status).toBe(op.repeat.second);
    else expect({ status: second.status === 409 || second.status < 300, body: second.body }).toMatchObject({ status: true });
    expect(changes(before, after).filter((t) => !op.repeat?.grows?.includes(t))).toEqual([]);
  });
});

// A sanity check of the bad checksum itself: it must really be a mixed-case address whose EIP-55 checksum fails.
it('uses a wallet whose checksum is wrong', () => {
  expect(BAD_CHECKSUM).toMatch(/^0x(?=.*[a-f])(?=.*[A-F])[0-9a-fA-F]{40}$/);
  expect(isAddress(BAD_CHECKSUM)).toBe(false);
});
