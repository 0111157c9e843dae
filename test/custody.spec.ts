import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { INestApplication } from '@nestjs/common';
import { Wallet } from 'ethers';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { keyContext, KeyVault, rotateAgentKeys } from '@conduit/custody';
import {
  cleanupRedis,
  createTestDatabase,
  insertAgent,
  QUICK_START,
  startHttpApp,
  TEST_MASTER_KEY,
  TestDatabase,
  testEnv,
  WalletClient,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

const root = join(__dirname, '..');

/** Agent-key custody end to end: generation at deploy, the seed's compatibility fields, rotation of the master key. */
describe('custody: agent keys sealed under the master key', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  let user: WalletClient;
  let pg: Client;
  const vault = new KeyVault(TEST_MASTER_KEY);

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, { GATEWAY_WAIT_MS: '200' });
    ({ app, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
    user = new WalletClient(api);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await app?.close();
    await pg?.end();
    await cleanupRedis(env);
    await db?.drop();
  });

  /** Deploys as a new wallet of its own (the body's user_wallet is that wallet); answers the wallet too. */
  const deployAs = async (base: string, body: Record<string, unknown>) => {
    const client = WalletClient.random(base);
    return Object.assign(await client.http('POST', `${base}/api/v3/agents/deploy`, { ...body, user_wallet: client.address }), { client });
  };
  const deployments = async () => (await pg.query(`SELECT count(*)::int AS n FROM agent_deployments_v3`)).rows[0].n as number;
  const row = async (id: string) => (await pg.query(`SELECT * FROM agent_deployments_v3 WHERE id = $1`, [id])).rows[0];

  it('deploy generates one agent wallet per venue; only the ciphertext is stored and it opens to that address', async () => {
    const agentId = await insertAgent(pg);
    const res = await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agentId));
    expect(res.status).toBe(201);
    const d = await row(res.body.deployment.id);
    for (const [venue, prefix] of [
      ['HYPERLIQUID', 'hyperliquid'],
      ['OSTIUM', 'ostium'],
    ]) {
      const sealed = { encrypted: d[`${prefix}_agent_key_encrypted`], iv: d[`${prefix}_agent_key_iv`], tag: d[`${prefix}_agent_key_tag`] };
      const privateKey = vault.open(sealed, keyContext(venue, d[`${prefix}_agent_address`]));
      expect(new Wallet(privateKey).address.toLowerCase()).toBe(d[`${prefix}_agent_address`]);
      // The plaintext is in no column and in no answer.
      expect(JSON.stringify(d)).not.toContain(privateKey.slice(2));
      expect(JSON.stringify(res.body)).not.toContain(privateKey.slice(2));
      expect(JSON.stringify(res.body)).not.toContain(sealed.encrypted);
    }
    expect(res.body.agent_wallets.OSTIUM.transactions.map((t: { to: string }) => t.to)).toHaveLength(2);
    const again = await user.http('GET', `${api}/api/v3/deployments/${d.id}/agent-wallets`);
    expect(again.body.agent_wallets.HYPERLIQUID.agent_address).toBe(d.hyperliquid_agent_address);
  });

  it("accepts the seed's sealed-key fields only when they decrypt under the master key for that address", async () => {
    const agentId = await insertAgent(pg);
    const agent = Wallet.createRandom();
    const sealed = vault.seal(agent.privateKey, keyContext('HYPERLIQUID', agent.address));
    const body = (wallet: string, extra: Record<string, string>) => ({
      ...QUICK_START.deploy(agentId),
      user_wallet: wallet,
      hyperliquid_agent_address: agent.address,
      hyperliquid_agent_key_encrypted: sealed.encrypted,
      hyperliquid_agent_key_iv: sealed.iv,
      hyperliquid_agent_key_tag: sealed.tag,
      ...extra,
    });
    const before = await deployments();
    const refusals: [Record<string, string>, string][] = [
      [{ hyperliquid_agent_key_encrypted: '...' }, 'hyperliquid_agent_key_encrypted'],
      [{ hyperliquid_agent_key_tag: Buffer.alloc(16).toString('base64') }, 'hyperliquid_agent_key_encrypted'],
      [{ hyperliquid_agent_address: Wallet.createRandom().address }, 'hyperliquid_agent_key_encrypted'],
      [
        {
          hyperliquid_agent_key_encrypted: new KeyVault(randomBytes(32)).seal(agent.privateKey, keyContext('HYPERLIQUID', agent.address))
            .encrypted,
        },
        'hyperliquid_agent_key_encrypted',
      ],
    ];
    for (const [extra, field] of refusals) {
      const res = await deployAs(api, body('0xRefused', extra));
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([field]);
      expect(JSON.stringify(res.body)).not.toContain(agent.privateKey.slice(2));
    }
    const { hyperliquid_agent_key_iv: _iv, ...noIv } = body('0xNoIv', {});
    const missing = await deployAs(api, noIv);
    expect(missing.status).toBe(400);
    expect(missing.body.fields).toEqual(['hyperliquid_agent_key_iv']);
    expect(await deployments()).toBe(before);

    const ok = await deployAs(api, body('0xAccepted', {}));
    expect(ok.status).toBe(201);
    expect(ok.body.agent_wallets.HYPERLIQUID.agent_address).toBe(agent.address.toLowerCase());
    expect((await row(ok.body.deployment.id)).hyperliquid_agent_key_encrypted).toBe(sealed.encrypted);
  });

  it('live trading needs the master key: without one the gateway refuses live deployments and sealed keys', async () => {
    const bare = testEnv(db, { MASTER_KEY: '', GATEWAY_WAIT_MS: '200' });
    const { app: other, url } = await startHttpApp(GatewayAppModule.forRoot(bare), bare, configureGateway);
    try {
      const agentId = await insertAgent(pg);
      const live = await deployAs(url, { ...QUICK_START.deploy(agentId), trading_mode: 'live' });
      expect(live.status).toBe(400);
      expect(live.body.fields).toEqual(['trading_mode']);
      const paper = await deployAs(url, { ...QUICK_START.deploy(agentId) });
      expect(paper.status).toBe(201);
      expect(paper.body.agent_wallets).toEqual({});
      const toLive = await paper.client.http('POST', `${url}/api/v3/deployments/${paper.body.deployment.id}/trading-mode`, {
        trading_mode: 'live',
      });
      expect(toLive.status).toBe(400);
    } finally {
      await other.close();
      await cleanupRedis(bare);
    }
    expect(() => testEnv(db, { MASTER_KEY: '', LIVE_TRADING: 'true' })).toThrow('LIVE_TRADING requires MASTER_KEY');
    expect(() => testEnv(db, { MASTER_KEY: 'short' })).toThrow('MASTER_KEY must be 32 bytes');
  });

  it('rotation re-encrypts every key in one transaction; a key that does not open aborts it and nothing changes', async () => {
    const next = new KeyVault(randomBytes(32));
    const before = (
      await pg.query(
        `SELECT id, hyperliquid_agent_address, hyperliquid_agent_key_encrypted FROM agent_deployments_v3 WHERE
          hyperliquid_agent_key_encrypted IS NOT NULL ORDER BY id`,
      )
    ).rows;
    expect(before.length).toBeGreaterThanOrEqual(2);

    // A foreign ciphertext in one row: the rotation must refuse as a whole.
    const agentId = await insertAgent(pg);
    const stranger = Wallet.createRandom();
    const foreign = new KeyVault(randomBytes(32)).seal(stranger.privateKey, keyContext('HYPERLIQUID', stranger.address));
    const {
      rows: [bad],
    } = await pg.query(
      `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, hyperliquid_agent_address, hyperliquid_agent_key_encrypted,
        hyperliquid_agent_key_iv, hyperliquid_agent_key_tag)
       VALUES ($1, '0xforeign', $2, $3, $4, $5) RETURNING id`,
      [agentId, stranger.address.toLowerCase(), foreign.encrypted, foreign.iv, foreign.tag],
    );
    await pg.query('BEGIN');
    const em = { query: async (sql: string, params?: unknown[]) => (await pg.query(sql, params as unknown[])).rows };
    await expect(rotateAgentKeys(em, vault, next)).rejects.toThrow('does not decrypt');
    await pg.query('ROLLBACK');
    const unchanged = (
      await pg.query(
        `SELECT id, hyperliquid_agent_address, hyperliquid_agent_key_encrypted FROM agent_deployments_v3 WHERE id <> $1 AND
          hyperliquid_agent_key_encrypted IS NOT NULL ORDER BY id`,
        [bad.id],
      )
    ).rows;
    expect(unchanged).toEqual(before);
    await pg.query(`DELETE FROM agent_deployments_v3 WHERE id = $1`, [bad.id]);

    // The command itself, as an operator runs it.
    const nextHex = randomBytes(32).toString('hex');
    const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/scripts/rotate-keys.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: db.url, MASTER_KEY: TEST_MASTER_KEY, NEW_MASTER_KEY: nextHex },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('exit', (code) => resolve({ code, text }));
    });
    expect({ code: out.code, text: out.code === 0 ? '' : out.text }).toEqual({ code: 0, text: '' });
    expect(out.text).toMatch(/keys rotated: \d+ key\(s\)/);
    expect(out.text).not.toContain(nextHex);
    expect(out.text).not.toContain(TEST_MASTER_KEY);
    const rotated = new KeyVault(nextHex);
    const rows = (await pg.query(`SELECT * FROM agent_deployments_v3 WHERE hyperliquid_agent_key_encrypted IS NOT NULL ORDER BY id`)).rows;
    for (const d of rows) {
      const sealed = { encrypted: d.hyperliquid_agent_key_encrypted, iv: d.hyperliquid_agent_key_iv, tag: d.hyperliquid_agent_key_tag };
      const ctx = keyContext('HYPERLIQUID', d.hyperliquid_agent_address);
      expect(new Wallet(rotated.open(sealed, ctx)).address.toLowerCase()).toBe(d.hyperliquid_agent_address);
      expect(() => vault.open(sealed, ctx)).toThrow('does not decrypt');
    }
    const audits = (await pg.query(`SELECT payload FROM audit_logs WHERE action = 'v3.key.rotated'`)).rows;
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits)).not.toContain(nextHex);
  });
});
