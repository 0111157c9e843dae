import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { createL1ActionHash, signL1Action, signMultiSigAction, signUserSignedAction } from '@nktkas/hyperliquid/signing';
import { formatPrice, formatSize } from '@nktkas/hyperliquid/utils';
import { limitPrice } from './hyperliquid-adapter';

/**
 * Every vector of shared/vectors/hyperliquid_signing.json (official Python SDK and nktkas SDK tests), signed
 * with the SDK the adapter uses. Signatures are RFC 6979-deterministic, so they must match bit for bit; the
 * padded form is compared (the Python SDK drops leading zero nibbles of r/s, see the file's field_guide).
 */
const VECTORS = JSON.parse(readFileSync(join(__dirname, '../../../../../shared/vectors/hyperliquid_signing.json'), 'utf8'));
const byId = (list: any[]): [string, any][] => list.map((v) => [v.id, v]);
const opt = <T>(v: T | null | undefined) => (v == null ? undefined : v);

describe('Hyperliquid signing vectors', () => {
  const total =
    VECTORS.l1_vectors.length + VECTORS.action_hash_vectors.length + VECTORS.user_signed_vectors.length + VECTORS.multisig_vectors.length;
  it('the file holds 41 vectors', () => expect(total).toBe(41));

  it.each(byId(VECTORS.l1_vectors))('L1 action %s', async (_id, v: any) => {
    const wallet = new Wallet(v.private_key);
    expect(wallet.address).toBe(v.signer_address);
    if (v.derived?.action_hash) {
      expect(
        createL1ActionHash({ action: v.action, nonce: v.nonce, vaultAddress: opt(v.vault_address), expiresAfter: opt(v.expires_after) }),
      ).toBe(v.derived.action_hash);
    }
    const sig = await signL1Action({
      wallet,
      action: v.action,
      nonce: v.nonce,
      isTestnet: !v.is_mainnet,
      vaultAddress: opt(v.vault_address),
      expiresAfter: opt(v.expires_after),
    });
    expect(sig).toEqual(v.expected_signature_padded);
    // The source's unpadded form is the same integers.
    expect(BigInt(sig.r)).toBe(BigInt(v.expected_signature_as_in_source.r));
    expect(BigInt(sig.s)).toBe(BigInt(v.expected_signature_as_in_source.s));
  });

  it.each(byId(VECTORS.action_hash_vectors))('action hash %s', (_id, v: any) => {
    expect(
      createL1ActionHash({ action: v.action, nonce: v.nonce, vaultAddress: opt(v.vault_address), expiresAfter: opt(v.expires_after) }),
    ).toBe(v.expected_action_hash);
  });

  it.each(byId(VECTORS.user_signed_vectors))('user-signed action %s', async (_id, v: any) => {
    const sig = await signUserSignedAction({ wallet: new Wallet(v.private_key), action: v.message, types: v.types });
    expect(sig).toEqual(v.expected_signature_padded);
  });

  it.each(byId(VECTORS.multisig_vectors))('multi-sig action %s', async (_id, v: any) => {
    const wallet = new Wallet(v.private_key);
    const expected = v.expected_result;
    const inner = await signL1Action({
      wallet,
      action: [v.multi_sig_user.toLowerCase(), v.signer_address.toLowerCase(), v.inner_action],
      nonce: v.nonce,
      isTestnet: !v.is_mainnet,
    });
    expect(inner).toEqual(expected.action.signatures[0]);
    const outer = await signMultiSigAction({
      wallet,
      action: { ...expected.action, signatures: [inner] },
      nonce: v.nonce,
      isTestnet: !v.is_mainnet,
    });
    expect(outer).toEqual(expected.signature);
  });
});

describe('Hyperliquid price and size rules (vectors file, nktkas cases)', () => {
  const cases = VECTORS.price_size_rules.nktkas_formatPrice_formatSize_cases;

  it.each((cases.formatPrice as any[]).map((c): [string, number, string, string] => [c.input, c.szDecimals, c.market, c.expected]))(
    'formatPrice(%j, %d, %s) → %s',
    (input, sz, market, expected) => {
      if (String(expected).startsWith('throws'))
        expect(() => formatPrice(input as string, sz as number, market as 'perp' | 'spot')).toThrow();
      else expect(formatPrice(input as string, sz as number, market as 'perp' | 'spot')).toBe(expected);
    },
  );

  it.each((cases.formatSize as any[]).map((c): [string, number, string] => [c.input, c.szDecimals, c.expected]))(
    'formatSize(%j, %d) → %s',
    (input, sz, expected) => {
      if (String(expected).startsWith('throws')) expect(() => formatSize(input as string, sz as number)).toThrow();
      else expect(formatSize(input as string, sz as number)).toBe(expected);
    },
  );

  it('minimum price and size per asset format to themselves', () => {
    const ref = cases.reference_min_price_and_size;
    for (const r of ref.perps) {
      expect(formatPrice(r.minPrice, r.szDecimals, 'perp')).toBe(r.minPrice);
      expect(formatSize(r.minSize, r.szDecimals)).toBe(r.minSize);
    }
  });

  it('float_to_wire cases: integral and short decimals are written without trailing zeros', () => {
    for (const c of VECTORS.float_to_wire_cases.cases) expect(formatPrice(String(c.x), 0, 'perp')).toBe(c.wire);
  });

  it('a market order limit is the reference ± the slippage bound, then the price rule', () => {
    // ETH (szDecimals 4): 1903.95 × 1.005 = 1913.46975 → 5 significant figures, 2 decimals allowed → 1913.4
    expect(limitPrice('1903.95', 'BUY', '50', 4)).toBe('1913.4');
    // 1903.95 × 0.995 = 1894.43025 → 1894.4
    expect(limitPrice('1903.95', 'SELL', '50', 4)).toBe('1894.4');
    // BTC (szDecimals 5): 30135 × 1.005 = 30285.675 → integer part already has 5 figures → 30285
    expect(limitPrice('30135', 'BUY', '50', 5)).toBe('30285');
  });
});
