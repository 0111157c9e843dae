import { Wallet } from 'ethers';
import { createL1ActionHash, signL1Action, signMultiSigAction, signUserSignedAction } from '@nktkas/hyperliquid/signing';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { readVectors } from '../../../testing/src/vectors';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * Every vector of shared/vectors/hyperliquid_signing.json (official Python SDK and nktkas SDK tests), signed
 * with the SDK the adapter uses. Signatures are RFC 6979-deterministic, so they must match bit for bit; the
 * padded form is compared (the Python SDK drops leading zero nibbles of r/s, see the file's field_guide).
 * What our own builders make of these vectors is actions.spec.ts / user-signed.spec.ts; the number rules are
 * wire-format.spec.ts.
 */
const VECTORS = readVectors('hyperliquid_signing.json');
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
