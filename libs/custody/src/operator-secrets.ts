import { createHash, randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { KeyVault, VaultError } from './vault';

// Operators' secrets (issue 15): passwords, session tokens, API keys, recovery codes and the sealed TOTP secret.

/** scrypt's cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of ms), stored with each hash so they can rise later. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}
const maxmem = (N: number, r: number) => 256 * N * r;

/** `scrypt$N$r$p$salt$hash` (base64): the parameters and the 16-byte salt travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT;
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LEN, { N, r, p, maxmem: maxmem(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether password is the one hashed (a timing-safe compare); false for anything not an encoded scrypt hash. */
export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = encoded.split('$');
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (alg !== 'scrypt' || !salt || !hash || ![N, R, P].every((x) => Number.isInteger(x) && x > 0) || N > 1 << 20) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: R,
    p: P,
    maxmem: maxmem(N, R),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password, checked against when the email is unknown, so both take the same time. */
let decoy: Promise<string> | null = null;
export const decoyPasswordHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(16).toString('hex')));

/** SHA-256 (hex) of a high-entropy secret (session token, API key): what is stored and looked up. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Operator session tokens start with this, so the gateway tells them from wallets' SIWE JWTs (which start eyJ). */
export const SESSION_TOKEN_PREFIX = 'cos_';
/** Operator API keys start with this. */
export const API_KEY_PREFIX = 'cok_';

/** A new session token: `cos_` and 32 random bytes (base64url). */
export const newSessionToken = (): string => SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');

/** A new API key, `cok_<8 hex>_<32 random bytes>`, and its display prefix `cok_<8 hex>`. */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = API_KEY_PREFIX + randomBytes(4).toString('hex');
  return { key: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Ten recovery codes, `xxxxx-xxxxx` (about 49 bits each). */
export function newRecoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () => {
    const chars = Array.from(randomBytes(10), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}
/** Whether a text has the shape of a recovery code (dash and case optional). */
export const looksLikeRecoveryCode = (code: string): boolean => /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code.trim());
/** A recovery code's stored hash, bound to its user. */
export const recoveryCodeHash = (userId: string, code: string): string =>
  secretHash(`conduit:recovery:${userId}:${code.trim().toLowerCase().replace('-', '')}`);

const totpContext = (userId: string) => `conduit:operator-totp:${userId}`;

/** A TOTP secret sealed for one user: `v1:<iv>:<tag>:<ciphertext>`, AES-256-GCM under the master key. */
export function sealTotpSecret(vault: KeyVault, userId: string, secret: string): string {
  const s = vault.seal(secret, totpContext(userId));
  return ['v1', s.iv, s.tag, s.encrypted].join(':');
}

export function openTotpSecret(vault: KeyVault, userId: string, sealed: string): string {
  const [v, iv, tag, encrypted] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || !encrypted) throw new VaultError('not a sealed TOTP secret');
  return vault.open({ iv, tag, encrypted }, totpContext(userId));
}

/** Re-seals every operator's TOTP secret from `current` to `next` (key rotation), inside the caller's transaction. */
export async function rotateTotpSecrets(
  q: { query(sql: string, params?: unknown[]): Promise<unknown> },
  current: KeyVault,
  next: KeyVault,
): Promise<number> {
  const users = (await q.query(`SELECT id, two_fa_secret FROM users WHERE two_fa_secret IS NOT NULL FOR UPDATE`)) as {
    id: string;
    two_fa_secret: string;
  }[];
  for (const u of users) {
    const sealed = sealTotpSecret(next, u.id, openTotpSecret(current, u.id, u.two_fa_secret));
    await q.query(`UPDATE users SET two_fa_secret = $2 WHERE id = $1`, [u.id, sealed]);
  }
  return users.length;
}
