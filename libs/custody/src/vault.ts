import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';

/** The three seed columns of one stored key: `*_key_encrypted`, `*_key_iv`, `*_key_tag` (base64 each). */
export interface SealedKey {
  encrypted: string;
  iv: string;
  tag: string;
}

export class VaultError extends Error {
  override name = 'VaultError';
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The master key: 32 bytes, written as 64 hex digits (0x optional) or base64. Anything else is refused, so a
 * truncated or mistyped key fails at start instead of encrypting under a weak key.
 */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const hex = t.replace(/^0x/i, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    if (b.length === KEY_BYTES) return b;
  }
  throw new VaultError('MASTER_KEY must be 32 bytes, written as 64 hex digits or base64');
}

/**
 * Associated data bound into every ciphertext: a key sealed for one venue and agent address does not open as
 * another's, so rows cannot be swapped unnoticed.
 */
export function keyContext(venue: string, agentAddress: string): string {
  return `conduit:agent-key:${venue.toUpperCase()}:${agentAddress.toLowerCase()}`;
}

/**
 * Associated data of a recipient's webhook secret (notification_settings): a secret sealed for one wallet or operator
 * does not open as another's.
 */
export function webhookSecretContext(subjectType: string, subjectId: string): string {
  return `conduit:notification-webhook:${subjectType}:${subjectId.toLowerCase()}`;
}

/** Signing key whose plaintext exists only inside `use` (the shape the venue adapters take). */
export interface KeyHandle {
  readonly address: string;
  use<T>(fn: (privateKey: string) => Promise<T>): Promise<T>;
}

/** A generated agent wallet: its public address and its sealed key. The plaintext never leaves `generate`. */
export interface GeneratedAgent {
  address: string;
  sealed: SealedKey;
}

/**
 * AES-256-GCM under the master key, a fresh random 96-bit IV per encryption, the 128-bit tag stored apart.
 * The vault never logs and its errors never carry key material.
 */
export class KeyVault {
  private readonly key: Buffer;

  constructor(masterKey: Buffer | string) {
    this.key = typeof masterKey === 'string' ? parseMasterKey(masterKey) : Buffer.from(masterKey);
    if (this.key.length !== KEY_BYTES) throw new VaultError('master key must be 32 bytes');
  }

  seal(plaintext: string, context: string): SealedKey {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { encrypted: encrypted.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  open(sealed: SealedKey, context: string): string {
    const iv = decode(sealed.iv, 'iv');
    const tag = decode(sealed.tag, 'tag');
    if (iv.length !== IV_BYTES) throw new VaultError(`iv must be ${IV_BYTES} bytes`);
    if (tag.length !== TAG_BYTES) throw new VaultError(`tag must be ${TAG_BYTES} bytes`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(decode(sealed.encrypted, 'encrypted')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError('key does not decrypt under the master key');
    }
  }

  /** A new agent wallet for `venue`, sealed at once. */
  generate(venue: string): GeneratedAgent {
    const wallet = Wallet.createRandom();
    return { address: wallet.address, sealed: this.seal(wallet.privateKey, keyContext(venue, wallet.address)) };
  }

  /**
   * Checks a sealed agent key a client sent (the seed's compatibility fields): it must decrypt under the
   * master key and belong to the stated address.
   */
  verifyAgentKey(venue: string, agentAddress: string, sealed: SealedKey): void {
    const privateKey = this.open(sealed, keyContext(venue, agentAddress));
    let address: string;
    try {
      address = new Wallet(privateKey).address;
    } catch {
      throw new VaultError('the decrypted key is not a secp256k1 private key');
    }
    if (address.toLowerCase() !== agentAddress.toLowerCase()) throw new VaultError('the key does not belong to the agent address');
  }

  /** A handle that decrypts at the moment of use and keeps nothing. */
  handle(venue: string, agentAddress: string, sealed: SealedKey): KeyHandle {
    const context = keyContext(venue, agentAddress);
    const open = () => this.open(sealed, context);
    return {
      address: agentAddress,
      use: async <T>(fn: (privateKey: string) => Promise<T>) => fn(open()),
    };
  }

  /** Re-encrypts under `next` (key rotation); the plaintext lives only inside this call. */
  reseal(sealed: SealedKey, context: string, next: KeyVault): SealedKey {
    return next.seal(this.open(sealed, context), context);
  }
}

function decode(value: string, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new VaultError(`${field} must be base64`);
  return Buffer.from(value, 'base64');
}
