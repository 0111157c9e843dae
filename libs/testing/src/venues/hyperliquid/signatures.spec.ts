import { readVectors } from '../../vectors';
import { startHyperliquidServer } from '../hyperliquid-server';
import { multiSigActionHash, recoverL1Signer, recoverMultiSigSigners, recoverUserSignedSigner } from './signatures';

/**
 * The server's signature recovery over every vector of hyperliquid_signing.json that carries a signature and its signer:
 * 30 L1 actions, 3 user-signed actions and 1 multi-sig action (the 7 action-hash vectors carry no signature). Each must
 * recover to the vector's signer, from the signature as the source wrote it (the Python SDK drops leading zero nibbles)
 * and padded; the same signature over a tampered request must not.
 */
const VECTORS = readVectors('hyperliquid_signing.json');
const L1: any[] = VECTORS.l1_vectors;
const USER_SIGNED: any[] = VECTORS.user_signed_vectors;
const MULTI_SIG: any[] = VECTORS.multisig_vectors;

/** The recovered address in lowercase, or null when recovery fails outright. */
const recovered = (recover: () => string): string | null => {
  try {
    return recover().toLowerCase();
  } catch {
    return null;
  }
};

/** The posted type of a user-signed action, by its EIP-712 primary type (the python SDK's posted shapes). */
const POSTED_TYPE: Record<string, string> = {
  'HyperliquidTransaction:UsdSend': 'usdSend',
  'HyperliquidTransaction:Withdraw': 'withdraw3',
};

describe('signature recovery over the signing vectors (../shared/vectors/hyperliquid_signing.json)', () => {
  it('counts 34 vectors with a signature and a signer (30 L1, 3 user-signed, 1 multi-sig) of 41', () => {
    const signed = [...L1, ...USER_SIGNED, ...MULTI_SIG].filter(
      (v) => v.signer_address && (v.expected_signature_padded || v.expected_result),
    );
    expect(signed).toHaveLength(34);
    expect([L1.length, USER_SIGNED.length, MULTI_SIG.length]).toEqual([30, 3, 1]);
    expect(signed.length + VECTORS.action_hash_vectors.length).toBe(41);
    expect(VECTORS.action_hash_vectors.every((v: any) => !v.signer_address && !v.expected_signature_padded)).toBe(true);
  });

  it.each(L1.map((v): [string, any] => [v.id, v]))('L1 %s', (_id, v) => {
    const isTestnet = !v.is_mainnet;
    const request = (signature: unknown, change: Record<string, unknown> = {}) => ({
      action: v.action,
      nonce: v.nonce,
      vaultAddress: v.vault_address,
      expiresAfter: v.expires_after,
      signature,
      ...change,
    });
    const signer = v.signer_address.toLowerCase();
    for (const signature of [v.expected_signature_as_in_source, v.expected_signature_padded])
      expect(recovered(() => recoverL1Signer(request(signature), isTestnet))).toBe(signer);

    const signature = v.expected_signature_padded;
    const tampered = [
      request(signature, { nonce: v.nonce + 1 }),
      request(signature, { action: { ...v.action, tampered: true } }),
      request(signature, { vaultAddress: v.vault_address ? null : '0x1234567890123456789012345678901234567890' }),
      request(signature, { expiresAfter: v.expires_after == null ? v.nonce : null }),
    ];
    for (const t of tampered) expect(recovered(() => recoverL1Signer(t, isTestnet))).not.toBe(signer);
    // The network is signed too: the source byte of the phantom agent.
    expect(recovered(() => recoverL1Signer(request(signature), !isTestnet))).not.toBe(signer);
  });

  it.each(USER_SIGNED.map((v): [string, any] => [v.id, v]))('user-signed %s', (_id, v) => {
    const action = { type: POSTED_TYPE[v.primary_type], ...v.message };
    const signer = v.signer_address.toLowerCase();
    for (const signature of [v.expected_signature_as_in_source, v.expected_signature_padded])
      expect(recovered(() => recoverUserSignedSigner(action, signature))).toBe(signer);

    const signature = v.expected_signature_padded;
    const tampered = [
      { ...action, amount: `${action.amount}0` },
      { ...action, time: action.time + 1 },
      { ...action, destination: '0x0000000000000000000000000000000000000001' },
      { ...action, hyperliquidChain: action.hyperliquidChain === 'Mainnet' ? 'Testnet' : 'Mainnet' },
      { ...action, signatureChainId: '0xa4b1' },
      { ...action, type: action.type === 'usdSend' ? 'withdraw3' : 'usdSend' }, // same fields, another struct name
    ];
    for (const t of tampered) expect(recovered(() => recoverUserSignedSigner(t, signature))).not.toBe(signer);
  });

  it.each(MULTI_SIG.map((v): [string, any] => [v.id, v]))('multi-sig %s: the outer signer and every inner one', (_id, v) => {
    const { action, signature } = v.expected_result;
    const isTestnet = !v.is_mainnet;
    const signer = v.signer_address.toLowerCase();
    expect(multiSigActionHash({ action, nonce: v.nonce })).toBe(v.derived.multiSigActionHash);
    const signers = recoverMultiSigSigners({ action, nonce: v.nonce, signature }, isTestnet);
    expect({ outer: signers.outer.toLowerCase(), inner: signers.inner.map((a) => a.toLowerCase()) }).toEqual({
      outer: signer,
      inner: [signer],
    });

    const innerAction = { ...action.payload.action, orders: [{ ...action.payload.action.orders[0], s: '0.2' }] };
    const tampered = { ...action, payload: { ...action.payload, action: innerAction } };
    const fromTampered = recoverMultiSigSigners({ action: tampered, nonce: v.nonce, signature }, isTestnet);
    expect(fromTampered.outer.toLowerCase()).not.toBe(signer);
    expect(fromTampered.inner[0].toLowerCase()).not.toBe(signer);
    expect(recovered(() => recoverMultiSigSigners({ action, nonce: v.nonce + 1, signature }, isTestnet).outer)).not.toBe(signer);
    expect(recovered(() => recoverMultiSigSigners({ action, nonce: v.nonce, signature }, !isTestnet).outer)).not.toBe(signer);
  });
});

describe('the same vectors posted to /exchange: the server records the signer it recovers', () => {
  const post = (url: string, body: unknown) =>
    fetch(`${url}/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      (r) => r.json() as Promise<any>,
    );

  it.each([true, false])(
    'isTestnet %s: every order and usdSend vector of that network (vaults are refused before recovery)',
    async (isTestnet) => {
      const sim = await startHyperliquidServer({ isTestnet });
      try {
        const l1 = L1.filter((v) => v.action.type === 'order' && !v.vault_address && v.is_mainnet !== isTestnet);
        const sends = USER_SIGNED.filter((v) => POSTED_TYPE[v.primary_type] === 'usdSend' && v.is_mainnet !== isTestnet);
        expect([l1.length, sends.length]).toEqual([6, 1]);
        const bodies = [
          ...l1.map((v) => ({
            v,
            body: { action: v.action, nonce: v.nonce, signature: v.expected_signature_as_in_source, expiresAfter: v.expires_after },
          })),
          ...sends.map((v) => ({
            v,
            body: { action: { type: 'usdSend', ...v.message }, nonce: v.message.time, signature: v.expected_signature_padded },
          })),
        ];
        for (const { v, body } of bodies) {
          const signer = v.signer_address.toLowerCase();
          // The vectors' signers hold no account here: recovered, then refused as unknown (or expired first).
          const answer = await post(sim.url, body);
          expect(answer.status).toBe('err');
          expect(sim.exchangeRequests.at(-1)!.signer).toBe(signer);
          const tampered = await post(sim.url, {
            ...body,
            nonce: body.nonce + 1,
            action: { ...body.action, ...('time' in body.action ? { time: body.nonce + 1 } : {}) },
          });
          expect(tampered.status).toBe('err');
          expect(sim.exchangeRequests.at(-1)!.signer).not.toBe(signer);
        }
      } finally {
        await sim.close();
      }
    },
  );
});
