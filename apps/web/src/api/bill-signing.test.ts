import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { splitSignature, typedDataV4, usdSendOf, type TypedData } from './bill-signing';

/** A usdSend as billing writes it into a live bill's metadata (EIP712Domain included in the types). */
const TYPED: TypedData = {
  domain: {
    name: 'HyperliquidSignTransaction',
    version: '1',
    chainId: 421614,
    verifyingContract: '0x0000000000000000000000000000000000000000',
  },
  types: {
    'HyperliquidTransaction:UsdSend': [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'destination', type: 'string' },
      { name: 'amount', type: 'string' },
      { name: 'time', type: 'uint64' },
    ],
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
  },
  primaryType: 'HyperliquidTransaction:UsdSend',
  message: { hyperliquidChain: 'Testnet', destination: '0x' + 'ee'.repeat(20), amount: '10', time: 1760000000000 },
};

describe('bill signing', () => {
  it('reads the usdSend of a live bill only', () => {
    expect(usdSendOf({ usd_send: { action: {}, nonce: 1, typedData: TYPED } })?.typedData).toBe(TYPED);
    expect(usdSendOf({ collector: 'paper-ledger' })).toBeNull();
    expect(usdSendOf(null)).toBeNull();
  });

  it('signs the typed data as the API gives it, and builds EIP712Domain when it is missing', () => {
    expect(JSON.parse(typedDataV4(TYPED))).toEqual(TYPED);
    const { EIP712Domain: _domain, ...types } = TYPED.types;
    const built = JSON.parse(typedDataV4({ ...TYPED, types }));
    expect(built.types.EIP712Domain).toEqual(TYPED.types.EIP712Domain);
    expect(built.types['HyperliquidTransaction:UsdSend']).toEqual(types['HyperliquidTransaction:UsdSend']);
  });

  it('splits a wallet signature into the r, s and v the API takes', async () => {
    const wallet = Wallet.createRandom();
    const { EIP712Domain: _domain, ...types } = TYPED.types;
    const signature = await wallet.signTypedData(TYPED.domain, types, TYPED.message);
    const { r, s, v } = splitSignature(signature);
    expect(r).toBe(signature.slice(0, 66));
    expect(s).toBe('0x' + signature.slice(66, 130));
    expect([27, 28]).toContain(v);
    expect(v).toBe(parseInt(signature.slice(130), 16));
  });

  it('reads a recovery id of 0 or 1 as 27 or 28, and refuses what is not a 65-byte signature', () => {
    const body = '0x' + 'ab'.repeat(64);
    expect(splitSignature(body + '00').v).toBe(27);
    expect(splitSignature(body + '01').v).toBe(28);
    expect(() => splitSignature(body + '05')).toThrow('unknown recovery id');
    expect(() => splitSignature(body)).toThrow('not a signature');
  });
});
