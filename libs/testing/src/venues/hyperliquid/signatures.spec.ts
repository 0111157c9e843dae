import { recoverL1Signer, recoverUserSignedSigner } from './signatures';

describe('signer recovery against the reference vectors (../shared/vectors/hyperliquid_signing.json)', () => {
  const order = (a: number, p: string, s: string, c?: string) => ({
    type: 'order',
    orders: [{ a, b: true, p, s, r: false, t: { limit: { tif: 'Gtc' } }, ...(c ? { c } : {}) }],
    grouping: 'na',
  });

  it('pysdk:test_l1_action_signing_order_with_cloid_matches:mainnet (r as in source, leading zero dropped)', () => {
    const signature = {
      r: '0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3',
      s: '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da',
      v: 27,
    };
    const signer = recoverL1Signer(
      { action: order(1, '100', '100', '0x00000000000000000000000000000001'), nonce: 0, signature, vaultAddress: null, expiresAfter: null },
      false,
    );
    expect(signer).toBe('0x14791697260E4c9A71f18484C9f997B308e59325');
  });

  it('nktkas:signL1Action:withBoth:testnet (vault address and expiresAfter)', () => {
    const signature = {
      r: '0x3a0bbbd9fadca54f58a2b7050899cecb97f68b2f693c63e91ca60510427326d7',
      s: '0x60f75f12cae7b9dc18b889406192afcaf13f40d2f8c68cc01f7f83f3fb5deb23',
      v: 27,
    };
    const request = {
      action: order(0, '30000', '0.1'),
      nonce: 1234567890,
      signature,
      vaultAddress: '0x1234567890123456789012345678901234567890',
      expiresAfter: 1234567890,
    };
    expect(recoverL1Signer(request, true)).toBe('0xE5cA49Fb3bD9A581F0D1EF9CB5D7177Da08bf901');
    expect(recoverL1Signer(request, false)).not.toBe('0xE5cA49Fb3bD9A581F0D1EF9CB5D7177Da08bf901'); // the source byte is signed
  });

  it('pysdk:test_sign_usd_transfer_action (user-signed UsdSend on testnet)', () => {
    const action = {
      type: 'usdSend',
      signatureChainId: '0x66eee',
      hyperliquidChain: 'Testnet',
      destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
      amount: '1',
      time: 1687816341423,
    };
    const signature = {
      r: '0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073',
      s: '0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7',
      v: 27,
    };
    expect(recoverUserSignedSigner(action, signature)).toBe('0x14791697260E4c9A71f18484C9f997B308e59325');
  });
});
