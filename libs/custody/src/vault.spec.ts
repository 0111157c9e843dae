import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { keyContext, KeyVault, parseMasterKey, VaultError } from './vault';

const MASTER = 'a'.repeat(64);

describe('master key', () => {
  it('accepts 32 bytes as hex (with or without 0x) or base64', () => {
    const raw = randomBytes(32);
    expect(parseMasterKey(raw.toString('hex'))).toEqual(raw);
    expect(parseMasterKey('0x' + raw.toString('hex'))).toEqual(raw);
    expect(parseMasterKey(raw.toString('base64'))).toEqual(raw);
  });

  it.each(['', 'abc', 'a'.repeat(63), 'a'.repeat(66), randomBytes(16).toString('base64'), 'z'.repeat(64)])('refuses %j', (text) => {
    expect(() => parseMasterKey(text)).toThrow(VaultError);
  });

  it.each(['f'.repeat(62), 'f'.repeat(65), Buffer.alloc(31, 0xab).toString('base64')])('the refusal of %j never echoes the key', (text) => {
    // The refusal is caught here only to read its message: a key that is accepted fails the test.
    let refusal: unknown = null;
    try {
      parseMasterKey(text);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(VaultError);
    expect((refusal as VaultError).message).not.toContain(text);
  });
});

describe('KeyVault (AES-256-GCM)', () => {
  const vault = new KeyVault(MASTER);
  const wallet = Wallet.createRandom();
  const ctx = keyContext('HYPERLIQUID', wallet.address);

  it('round-trips a key; ciphertext, 96-bit IV and 128-bit tag are stored apart, base64', () => {
    const sealed = vault.seal(wallet.privateKey, ctx);
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(sealed.encrypted).not.toContain(wallet.privateKey.slice(2, 20));
    expect(vault.open(sealed, ctx)).toBe(wallet.privateKey);
  });

  it('draws a fresh IV for every encryption', () => {
    const ivs = new Set(Array.from({ length: 200 }, () => vault.seal(wallet.privateKey, ctx).iv));
    expect(ivs.size).toBe(200);
  });

  it('refuses a wrong master key, a tampered ciphertext, tag or IV, and another context', () => {
    const sealed = vault.seal(wallet.privateKey, ctx);
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[0] ^= 1;
      return b.toString('base64');
    };
    expect(() => new KeyVault('b'.repeat(64)).open(sealed, ctx)).toThrow('does not decrypt');
    expect(() => vault.open({ ...sealed, encrypted: flip(sealed.encrypted) }, ctx)).toThrow('does not decrypt');
    expect(() => vault.open({ ...sealed, tag: flip(sealed.tag) }, ctx)).toThrow('does not decrypt');
    expect(() => vault.open({ ...sealed, iv: flip(sealed.iv) }, ctx)).toThrow('does not decrypt');
    expect(() => vault.open(sealed, keyContext('OSTIUM', wallet.address))).toThrow('does not decrypt');
    expect(() => vault.open({ ...sealed, iv: 'AAAA' }, ctx)).toThrow('iv must be 12 bytes');
    expect(() => vault.open({ ...sealed, tag: 'not base64!' }, ctx)).toThrow('tag must be base64');
  });

  it('generates agent wallets whose sealed key opens to the stated address', () => {
    const agent = vault.generate('HYPERLIQUID');
    const pk = vault.open(agent.sealed, keyContext('HYPERLIQUID', agent.address));
    expect(new Wallet(pk).address).toBe(agent.address);
    expect(() => vault.verifyAgentKey('HYPERLIQUID', agent.address, agent.sealed)).not.toThrow();
  });

  it('verifyAgentKey refuses a key sealed for another address or garbage', () => {
    const agent = vault.generate('OSTIUM');
    const other = Wallet.createRandom().address;
    expect(() => vault.verifyAgentKey('OSTIUM', other, agent.sealed)).toThrow(VaultError);
    const notAKey = vault.seal('hello', keyContext('OSTIUM', other));
    expect(() => vault.verifyAgentKey('OSTIUM', other, notAKey)).toThrow('not a secp256k1 private key');
  });

  it('a handle decrypts only when used, and errors carry no key material', async () => {
    const agent = vault.generate('HYPERLIQUID');
    const handle = vault.handle('HYPERLIQUID', agent.address, agent.sealed);
    expect(JSON.stringify(handle)).not.toMatch(/0x[0-9a-f]{64}/);
    const signed = await handle.use(async (pk) => new Wallet(pk).signMessage('hi'));
    expect(signed).toMatch(/^0x[0-9a-f]{130}$/);
    const broken = vault.handle('HYPERLIQUID', agent.address, { ...agent.sealed, tag: Buffer.alloc(16).toString('base64') });
    await expect(broken.use(async () => 'x')).rejects.toThrow('does not decrypt');
  });

  it('reseal moves a key to a new master key with a new IV', () => {
    const next = new KeyVault(randomBytes(32));
    const sealed = vault.seal(wallet.privateKey, ctx);
    const moved = vault.reseal(sealed, ctx, next);
    expect(moved.iv).not.toBe(sealed.iv);
    expect(next.open(moved, ctx)).toBe(wallet.privateKey);
    expect(() => vault.open(moved, ctx)).toThrow(VaultError);
  });
});
