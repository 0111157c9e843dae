import { createHash } from 'crypto';
import { Wallet } from 'ethers';
import { hashPassword, secretHash, SESSION_TOKEN_PREFIX } from '@conduit/custody';
import { SiweMessage } from 'siwe';
import { Env } from '@conduit/config';
import { proofOfIntentMessage } from '@conduit/domain';
import { http } from './http';

/** The wallet of the quick-start bodies (a well-known development key: never holds anything). */
export const TEST_WALLET = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');

/** An EIP-4361 message for the API at `api`, as a wallet front end would build it. */
export function signInMessage(api: string, address: string, nonce: string, overrides: Partial<SiweMessage> = {}): string {
  const now = Date.now();
  return new SiweMessage({
    domain: new URL(api).host,
    address,
    statement: 'Sign in to Conduit.',
    uri: api,
    version: '1',
    chainId: 1,
    nonce,
    issuedAt: new Date(now).toISOString(),
    expirationTime: new Date(now + 10 * 60_000).toISOString(),
    ...overrides,
  }).prepareMessage();
}

/** Signs in through GET /auth/nonce and POST /auth/verify; answers the bearer token. */
export async function signIn(api: string, wallet: Wallet): Promise<string> {
  const nonce = await http('GET', `${api}/api/v3/auth/nonce`);
  if (nonce.status !== 200) throw new Error(`auth/nonce answered ${nonce.status}: ${JSON.stringify(nonce.body)}`);
  const message = signInMessage(api, wallet.address, nonce.body.nonce);
  const verified = await http('POST', `${api}/api/v3/auth/verify`, { message, signature: await wallet.signMessage(message) });
  if (verified.status !== 200) throw new Error(`auth/verify answered ${verified.status}: ${JSON.stringify(verified.body)}`);
  return verified.body.token;
}

/** The proof-of-intent fields of an agent creation body, signed by `wallet` now. */
export async function proofOfIntent(
  wallet: { signMessage(message: string): Promise<string> },
  creatorWallet: string,
  name: string,
  timestamp = new Date().toISOString(),
) {
  const message = proofOfIntentMessage({ creatorWallet, name, timestamp });
  return {
    proof_of_intent_message: message,
    proof_of_intent_signature: await wallet.signMessage(message),
    proof_of_intent_timestamp: timestamp,
  };
}

/** The admin every test database holds (createTestDatabase seeds it), with this password and no 2FA. */
export const TEST_ADMIN_EMAIL = 'admin@conduit.test';
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/**
 * The session token of the test admin of a database: derived from the database URL, so adminAuth stays synchronous.
 * createTestDatabase stores its hash as a session that outlives any test clock (a test fixture: the gateway itself
 * only issues random tokens at login).
 */
export const testAdminToken = (databaseUrl: string): string =>
  SESSION_TOKEN_PREFIX + createHash('sha256').update(`conduit-test-admin:${databaseUrl}`).digest('base64url');

/** Headers of the test admin's operator session (a bearer `cos_…` token): what @AdminOnly endpoints take. */
export const adminAuth = (env: Env) => ({ authorization: `Bearer ${testAdminToken(env.DATABASE_URL)}` });

/** The test admin's session as the browser sends it (Bull Board takes the cookie). */
export const adminCookie = (env: Env) => ({ cookie: `${OPERATOR_COOKIE}=${testAdminToken(env.DATABASE_URL)}` });

/** The operator session cookie's name (the gateway's OPERATOR_COOKIE). */
export const OPERATOR_COOKIE = 'conduit_operator';

let adminHash: Promise<string> | null = null;
/** Seeds the test admin and its session into a migrated database. */
export async function seedTestAdmin(pg: { query(sql: string, params?: unknown[]): Promise<unknown> }, databaseUrl: string) {
  adminHash ??= hashPassword(TEST_ADMIN_PASSWORD);
  await pg.query(
    `WITH u AS (INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'admin') RETURNING id)
     INSERT INTO operator_sessions (user_id, token_hash, expires_at) SELECT id, $3, '2999-01-01' FROM u`,
    [TEST_ADMIN_EMAIL, await adminHash, secretHash(testAdminToken(databaseUrl))],
  );
}

/**
 * A client of the API acting as one wallet, as a front end would: it signs in once (again when the token is near
 * its end) and sends its bearer token with every call (a read of a deployment's own data needs it too), unless the
 * call brings its own Authorization. An agent creation body without a proof of intent gets one signed by this wallet
 * over the body's own fields.
 */
export class WalletClient {
  private token: string | null = null;
  private tokenAt = 0;

  constructor(
    readonly api: string,
    readonly wallet: Wallet = TEST_WALLET,
  ) {}

  static random(api: string): WalletClient {
    return new WalletClient(api, new Wallet(Wallet.createRandom().privateKey));
  }

  /** The wallet address as the API stores it (lower case). */
  get address(): string {
    return this.wallet.address.toLowerCase();
  }

  async authorization(): Promise<{ authorization: string }> {
    if (!this.token || Date.now() - this.tokenAt > 5 * 60_000) {
      this.token = await signIn(this.api, this.wallet);
      this.tokenAt = Date.now();
    }
    return { authorization: `Bearer ${this.token}` };
  }

  async http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const auth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization') ? {} : await this.authorization();
    if (
      method === 'POST' &&
      url.endsWith('/api/v3/agents/create') &&
      body &&
      typeof body === 'object' &&
      !('proof_of_intent_signature' in body)
    ) {
      const b = body as { creator_wallet?: unknown; name?: unknown };
      if (typeof b.creator_wallet === 'string' && typeof b.name === 'string')
        body = { ...b, ...(await proofOfIntent(this.wallet, b.creator_wallet, b.name)) };
    }
    return http(method, url, body, { ...auth, ...headers });
  }
}
