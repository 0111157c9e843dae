/**
 * Signature recovery as Hyperliquid does it: L1 actions are signed as an EIP-712 "Agent" (phantom agent) over the msgpack
 * action hash; user-signed actions in the HyperliquidSignTransaction domain. Exported so tests can check it against the
 * reference vectors.
 */
import { Signature, verifyTypedData } from 'ethers';
import { createL1ActionHash } from '@nktkas/hyperliquid/signing';
import { HlSignature, ZERO_ADDRESS } from './types';

const L1_DOMAIN = { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: ZERO_ADDRESS };
const AGENT_TYPES = {
  Agent: [
    { name: 'source', type: 'string' },
    { name: 'connectionId', type: 'bytes32' },
  ],
};

/** EIP-712 struct of each user-signed action the server accepts, and the field that carries its nonce. */
export const USER_SIGNED: Record<string, { primaryType: string; fields: { name: string; type: string }[]; nonceField: string }> = {
  approveAgent: {
    primaryType: 'HyperliquidTransaction:ApproveAgent',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'agentAddress', type: 'address' },
      { name: 'agentName', type: 'string' },
      { name: 'nonce', type: 'uint64' },
    ],
    nonceField: 'nonce',
  },
  usdSend: {
    primaryType: 'HyperliquidTransaction:UsdSend',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'destination', type: 'string' },
      { name: 'amount', type: 'string' },
      { name: 'time', type: 'uint64' },
    ],
    nonceField: 'time',
  },
};

/** Address that signed an L1 action (phantom agent over the msgpack action hash), as Hyperliquid recovers it. */
export function recoverL1Signer(
  request: {
    action: Record<string, unknown>;
    nonce: number;
    signature: unknown;
    vaultAddress?: string | null;
    expiresAfter?: number | null;
  },
  isTestnet: boolean,
): string {
  const connectionId = createL1ActionHash({
    action: request.action,
    nonce: request.nonce,
    vaultAddress: request.vaultAddress ? (request.vaultAddress.toLowerCase() as `0x${string}`) : undefined,
    expiresAfter: request.expiresAfter ?? undefined,
  });
  return verifyTypedData(L1_DOMAIN, AGENT_TYPES, { source: isTestnet ? 'b' : 'a', connectionId }, toEthersSignature(request.signature));
}

/** Address that signed a user-signed action (approveAgent, usdSend) in the HyperliquidSignTransaction domain. */
export function recoverUserSignedSigner(action: Record<string, any>, signature: unknown): string {
  const spec = USER_SIGNED[action.type];
  if (!spec) throw new Error(`${String(action.type)} is not a user-signed action the simulator knows`);
  const chainId = parseInt(String(action.signatureChainId), 16);
  if (!Number.isSafeInteger(chainId)) throw new Error('signatureChainId must be a hex chain id');
  // An approveAgent without a name is posted without agentName (or with null) but signed with ''.
  const message = Object.fromEntries(spec.fields.map(({ name }) => [name, name === 'agentName' ? (action.agentName ?? '') : action[name]]));
  const domain = { name: 'HyperliquidSignTransaction', version: '1', chainId, verifyingContract: ZERO_ADDRESS };
  return verifyTypedData(domain, { [spec.primaryType]: spec.fields }, message, toEthersSignature(signature));
}

/** {r, s, v} as posted; r and s may have dropped leading zeros (the Python SDK does), v is 27 or 28. */
function toEthersSignature(signature: unknown): Signature {
  const { r, s, v } = (signature ?? {}) as Partial<HlSignature>;
  const hex32 = (x: unknown, name: string) => {
    if (typeof x !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(x))
      throw new Error(`signature.${name} must be a hex string of at most 32 bytes`);
    return `0x${x.slice(2).padStart(64, '0')}`;
  };
  if (v !== 27 && v !== 28) throw new Error('signature.v must be 27 or 28');
  return Signature.from({ r: hex32(r, 'r'), s: hex32(s, 's'), v });
}
