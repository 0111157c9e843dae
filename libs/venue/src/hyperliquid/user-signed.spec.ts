import { concat, keccak256, Signature, TypedDataEncoder, Wallet } from 'ethers';
import { signUserSignedAction } from '@nktkas/hyperliquid/signing';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { readVectors } from '../../../testing/src/vectors';
/* eslint-enable @nx/enforce-module-boundaries */
import { APPROVE_AGENT_TYPES, approveAgentPayload, ApproveAgentPayload } from './approval';
import { USD_SEND_TYPES, usdSendPayload } from './transfer';

/**
 * The user-signed payloads Conduit hands a user (approveAgent when deploying live, usdSend for a live bill) against
 * hyperliquid_signing.json: the posted action, the typed data a wallet signs, its EIP-712 digest and the signature.
 */
const VECTORS = readVectors('hyperliquid_signing.json');
const ALGORITHM = VECTORS.algorithm.user_signed_eip712;

type TypedData = ApproveAgentPayload['typedData'];

/**
 * The digest a wallet signs for eth_signTypedData_v4: the domain struct as `types.EIP712Domain` declares it (MetaMask's
 * eth-sig-util reads it from there, and hashes an empty struct when it is missing), then the primary struct.
 */
function walletDigest(td: TypedData): string {
  const { EIP712Domain, ...types } = td.types;
  const domainSeparator = TypedDataEncoder.hashStruct('EIP712Domain', { EIP712Domain: EIP712Domain ?? [] }, td.domain);
  const struct = TypedDataEncoder.hashStruct(td.primaryType, types, td.message);
  return keccak256(concat(['0x1901', domainSeparator, struct]));
}

/** What ethers' signTypedData takes: the types without EIP712Domain (it derives the domain struct itself). */
async function signWithEthers(wallet: Wallet, td: TypedData) {
  const { EIP712Domain: _domain, ...types } = td.types;
  const { r, s, v } = Signature.from(await wallet.signTypedData(td.domain, types, td.message));
  return { r, s, v };
}

/** "name:type" lines of the vectors file's algorithm section, as an EIP-712 struct. */
const struct = (lines: string[]) => lines.map((l) => ({ name: l.split(':')[0], type: l.split(':')[1] }));

describe('user-signed payloads (approval.ts, transfer.ts) against the signing vectors', () => {
  it('sign the structs the vectors file lists for ApproveAgent and UsdSend', () => {
    expect(APPROVE_AGENT_TYPES).toEqual({
      'HyperliquidTransaction:ApproveAgent': struct(ALGORITHM.types['HyperliquidTransaction:ApproveAgent']),
    });
    expect(USD_SEND_TYPES).toEqual({ 'HyperliquidTransaction:UsdSend': struct(ALGORITHM.types['HyperliquidTransaction:UsdSend']) });
  });

  const usdSends = (VECTORS.user_signed_vectors as any[]).filter((v) => v.primary_type === 'HyperliquidTransaction:UsdSend');

  it('has 2 usdSend vectors (the third user-signed one is a withdraw, which Conduit never builds)', () => {
    expect(usdSends.map((v) => v.id)).toEqual(['pysdk:test_sign_usd_transfer_action', 'nktkas:signUserSignedAction:UsdSend']);
    expect(VECTORS.user_signed_vectors).toHaveLength(3);
  });

  it.each(usdSends.map((v): [string, any] => [v.id, v]))('%s: same action, typed data, digest and signature', async (_id, v) => {
    const wallet = new Wallet(v.private_key);
    const payload = usdSendPayload({
      destination: v.message.destination,
      amount: v.message.amount,
      time: v.message.time,
      isTestnet: !v.is_mainnet,
      // The nktkas vector signs a mainnet transfer from Arbitrum Sepolia (0x66eee); mainnet's default is Arbitrum One.
      ...(v.is_mainnet ? { signatureChainId: v.domain.chainId_hex } : {}),
    });
    expect(payload.action).toEqual({ type: 'usdSend', ...v.message });
    expect(payload.nonce).toBe(v.message.time);
    const { chainId_hex: _hex, ...domain } = v.domain;
    expect(payload.typedData.domain).toEqual(domain);
    expect(payload.typedData.primaryType).toBe(v.primary_type);

    expect(walletDigest(payload.typedData)).toBe(v.derived.eip712_digest);
    expect(await signWithEthers(wallet, payload.typedData)).toEqual(v.expected_signature_padded);
    // Hyperliquid reads the signed fields from the posted action: the SDK's signer over our action agrees.
    expect(await signUserSignedAction({ wallet, action: payload.action, types: USD_SEND_TYPES })).toEqual(v.expected_signature_padded);
  });

  it('usdSend writes the amount in Hyperliquid style (no trailing zeros) and the destination in lowercase', () => {
    const payload = usdSendPayload({
      destination: '0x5E9EE1089755C3435139848E47E6635505D5A13A',
      amount: '12.50',
      time: 1,
      isTestnet: true,
    });
    expect(payload.action).toMatchObject({ destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a', amount: '12.5' });
    expect(usdSendPayload({ destination: payload.action.destination, amount: '1.000', time: 1, isTestnet: true }).action.amount).toBe('1');
  });

  it('every payload is eth_signTypedData_v4 JSON: its types declare EIP712Domain as ethers sends it to a JSON-RPC wallet', () => {
    const payloads = [
      usdSendPayload({ destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a', amount: '1', time: 1687816341423, isTestnet: true }),
      approveAgentPayload({ agentAddress: Wallet.createRandom().address, agentName: 'conduit', nonce: 1, isTestnet: false }),
    ];
    for (const { typedData } of payloads) {
      const { EIP712Domain: _domain, ...types } = typedData.types;
      const rpc = TypedDataEncoder.getPayload(typedData.domain, types, typedData.message);
      expect(typedData.types).toEqual(rpc.types);
      expect(typedData.primaryType).toBe(rpc.primaryType);
    }
  });

  it('approveAgent (no signed vector exists): the posted action, and typed data that signs what Hyperliquid verifies', async () => {
    const master = new Wallet(VECTORS.l1_vectors[0].private_key);
    const agent = Wallet.createRandom().address;
    for (const isTestnet of [true, false]) {
      const payload = approveAgentPayload({ agentAddress: agent, agentName: 'conduit 1234abcd', nonce: 1_700_000_000_000, isTestnet });
      // The python SDK's posted shape (type, agentAddress, agentName, nonce) plus the chain fields every user-signed action carries.
      expect(Object.keys(payload.action).sort()).toEqual(
        [...Object.keys(ALGORITHM.posted_action_shapes_python_sdk.approveAgent), 'hyperliquidChain', 'signatureChainId'].sort(),
      );
      expect(payload.action).toMatchObject({
        type: 'approveAgent',
        hyperliquidChain: isTestnet ? 'Testnet' : 'Mainnet',
        agentAddress: agent.toLowerCase(),
        nonce: payload.nonce,
      });
      const fromAction = TypedDataEncoder.hash(payload.typedData.domain, APPROVE_AGENT_TYPES, payload.action);
      expect(walletDigest(payload.typedData)).toBe(fromAction);
      expect(await signWithEthers(master, payload.typedData)).toEqual(
        await signUserSignedAction({ wallet: master, action: payload.action, types: APPROVE_AGENT_TYPES }),
      );
    }
  });
});
