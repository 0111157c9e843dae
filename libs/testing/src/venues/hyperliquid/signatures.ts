/**
 * Signature recovery as Hyperliquid does it: L1 actions are signed as an EIP-712 "Agent" (phantom agent) over the msgpack
 * action hash; user-signed actions in the HyperliquidSignTransaction domain; a multi-sig action by its outer signer
 * (SendMultiSig over the wrapper's hash) and its inner signers (L1 signatures of [multiSigUser, outerSigner, action]).
 * Exported so tests can check it against the reference vectors. It knows more actions than the server runs (withdraw3,
 * multiSig): those are recovered, not simulated.
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

type Struct = { name: string; type: string }[];

const TRANSFER_FIELDS: Struct = [
  { name: 'hyperliquidChain', type: 'string' },
  { name: 'destination', type: 'string' },
  { name: 'amount', type: 'string' },
  { name: 'time', type: 'uint64' },
];

/** EIP-712 struct of each user-signed action whose signer the server recovers, by action type. */
export const USER_SIGNED_STRUCTS: Record<string, { primaryType: string; fields: Struct }> = {
  approveAgent: {
    primaryType: 'HyperliquidTransaction:ApproveAgent',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'agentAddress', type: 'address' },
      { name: 'agentName', type: 'string' },
      { name: 'nonce', type: 'uint64' },
    ],
  },
  usdSend: { primaryType: 'HyperliquidTransaction:UsdSend', fields: TRANSFER_FIELDS },
  withdraw3: { primaryType: 'HyperliquidTransaction:Withdraw', fields: TRANSFER_FIELDS },
};

const SEND_MULTI_SIG: Struct = [
  { name: 'hyperliquidChain', type: 'string' },
  { name: 'multiSigActionHash', type: 'bytes32' },
  { name: 'nonce', type: 'uint64' },
];

/** The field of a user-signed action that carries the request's nonce ('nonce' or 'time'). */
export function nonceFieldOf(type: string): string {
  const field = USER_SIGNED_STRUCTS[type]?.fields.find((f) => f.name === 'nonce' || f.name === 'time');
  if (!field) throw new Error(`${type} is not a user-signed action the simulator knows`);
  return field.name;
}

interface L1Request {
  action: Record<string, unknown> | unknown[];
  nonce: number;
  signature: unknown;
  vaultAddress?: string | null;
  expiresAfter?: number | null;
}

/** The hash an L1 signature covers (the phantom agent's connectionId): msgpack(action) ‖ nonce ‖ vault ‖ expiresAfter. */
function l1Hash(request: Omit<L1Request, 'signature'>): string {
  return createL1ActionHash({
    action: request.action,
    nonce: request.nonce,
    vaultAddress: request.vaultAddress ? (request.vaultAddress.toLowerCase() as `0x${string}`) : undefined,
    expiresAfter: request.expiresAfter ?? undefined,
  });
}

/** Address that signed an L1 action (phantom agent over the msgpack action hash), as Hyperliquid recovers it. */
export function recoverL1Signer(request: L1Request, isTestnet: boolean): string {
  const connectionId = l1Hash(request);
  return verifyTypedData(L1_DOMAIN, AGENT_TYPES, { source: isTestnet ? 'b' : 'a', connectionId }, toEthersSignature(request.signature));
}

/** Address that signed a user-signed action (approveAgent, usdSend, withdraw3) in the HyperliquidSignTransaction domain. */
export function recoverUserSignedSigner(action: Record<string, any>, signature: unknown): string {
  const spec = USER_SIGNED_STRUCTS[action.type];
  if (!spec) throw new Error(`${String(action.type)} is not a user-signed action the simulator knows`);
  // An approveAgent without a name is posted without agentName (or with null) but signed with ''.
  const message = Object.fromEntries(spec.fields.map(({ name }) => [name, name === 'agentName' ? (action.agentName ?? '') : action[name]]));
  return verifyTypedData(
    transactionDomain(action.signatureChainId),
    { [spec.primaryType]: spec.fields },
    message,
    toEthersSignature(signature),
  );
}

/**
 * The hash a multi-sig's outer signer signs (SendMultiSig's multiSigActionHash): the L1 hash of the multiSig action
 * without its type, in Hyperliquid's field order, addresses in lowercase.
 */
export function multiSigActionHash(request: Omit<L1Request, 'signature' | 'action'> & { action: Record<string, any> }): string {
  const { signatureChainId, signatures, payload } = request.action;
  const wrapper = {
    signatureChainId,
    signatures,
    payload: {
      multiSigUser: payload?.multiSigUser?.toLowerCase(),
      outerSigner: payload?.outerSigner?.toLowerCase(),
      action: payload?.action,
    },
  };
  return l1Hash({ ...request, action: wrapper });
}

/**
 * Signers of a multiSig action: the outer signer (SendMultiSig in the HyperliquidSignTransaction domain, over
 * multiSigActionHash) and, for each inner signature, the address that signed the L1 action
 * [multiSigUser, outerSigner, action] (lowercase addresses) with the same nonce, vault and expiry.
 */
export function recoverMultiSigSigners(
  request: L1Request & { action: Record<string, any> },
  isTestnet: boolean,
): { outer: string; inner: string[] } {
  const { signatures, payload } = request.action;
  if (!Array.isArray(signatures) || typeof payload?.multiSigUser !== 'string' || typeof payload?.outerSigner !== 'string')
    throw new Error('a multiSig action carries signatures and a payload {multiSigUser, outerSigner, action}');
  const message = {
    hyperliquidChain: isTestnet ? 'Testnet' : 'Mainnet',
    multiSigActionHash: multiSigActionHash(request),
    nonce: request.nonce,
  };
  const outer = verifyTypedData(
    transactionDomain(request.action.signatureChainId),
    { 'HyperliquidTransaction:SendMultiSig': SEND_MULTI_SIG },
    message,
    toEthersSignature(request.signature),
  );
  const signed = [payload.multiSigUser.toLowerCase(), payload.outerSigner.toLowerCase(), payload.action];
  const inner = signatures.map((signature: unknown) => recoverL1Signer({ ...request, action: signed, signature }, isTestnet));
  return { outer, inner };
}

function transactionDomain(signatureChainId: unknown) {
  const chainId = parseInt(String(signatureChainId), 16);
  if (!Number.isSafeInteger(chainId)) throw new Error('signatureChainId must be a hex chain id');
  return { name: 'HyperliquidSignTransaction', version: '1', chainId, verifyingContract: ZERO_ADDRESS };
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
