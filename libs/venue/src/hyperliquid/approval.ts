/**
 * The approval a user signs with their master wallet so that a deployment's agent wallet may trade for them
 * (Hyperliquid's `approveAgent`, a user-signed EIP-712 action). Conduit never holds the master key: it
 * returns this payload; the user signs `typedData` (eth_signTypedData_v4) and posts `action` with the
 * signature and `nonce` to Hyperliquid's /exchange.
 *
 * `typedData` is the JSON eth_signTypedData_v4 takes: its types declare EIP712Domain, as the Python SDK's and
 * ethers' JSON-RPC payloads do; a wallet that finds none (MetaMask's eth-sig-util) hashes an empty domain and signs
 * something Hyperliquid rejects. ethers' own signTypedData wants the types without it.
 */
export interface ApproveAgentPayload {
  action: {
    type: 'approveAgent';
    signatureChainId: `0x${string}`;
    hyperliquidChain: 'Mainnet' | 'Testnet';
    agentAddress: string;
    agentName: string;
    nonce: number;
  };
  nonce: number;
  typedData: {
    domain: { name: string; version: string; chainId: number; verifyingContract: string };
    types: Record<string, { name: string; type: string }[]>;
    primaryType: string;
    message: Record<string, unknown>;
  };
}

export const APPROVE_AGENT_TYPES = {
  'HyperliquidTransaction:ApproveAgent': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'agentAddress', type: 'address' },
    { name: 'agentName', type: 'string' },
    { name: 'nonce', type: 'uint64' },
  ],
};

type TypedData = ApproveAgentPayload['typedData'];

/** The domain struct of EIP-712 for a domain of name, version, chainId and verifyingContract. */
const EIP712_DOMAIN = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];

/**
 * Any user-signed action (approveAgent, usdSend): the action with its chain fields, and the EIP-712 typed data the
 * master wallet signs in the HyperliquidSignTransaction domain. signatureChainId is the chain the user's wallet is on
 * when signing: Arbitrum Sepolia (0x66eee) on testnet and Arbitrum One (0xa4b1) on mainnet unless the caller names
 * another; Hyperliquid accepts any, the signature covers it through the domain. `fields` are the signed fields in
 * their struct order.
 */
export function userSignedPayload<F extends Record<string, unknown>>(
  type: string,
  types: Record<string, { name: string; type: string }[]>,
  fields: F,
  nonce: number,
  isTestnet: boolean,
  signatureChainId: `0x${string}` = isTestnet ? '0x66eee' : '0xa4b1',
): {
  action: { type: string; signatureChainId: `0x${string}`; hyperliquidChain: 'Mainnet' | 'Testnet' } & F;
  nonce: number;
  typedData: TypedData;
} {
  const hyperliquidChain = isTestnet ? ('Testnet' as const) : ('Mainnet' as const);
  const primaryType = Object.keys(types)[0];
  return {
    action: { type, signatureChainId, hyperliquidChain, ...fields },
    nonce,
    typedData: {
      domain: {
        name: 'HyperliquidSignTransaction',
        version: '1',
        chainId: parseInt(signatureChainId, 16),
        verifyingContract: '0x0000000000000000000000000000000000000000',
      },
      types: { ...types, EIP712Domain: EIP712_DOMAIN },
      primaryType,
      message: { hyperliquidChain, ...fields },
    },
  };
}

export function approveAgentPayload(args: {
  agentAddress: string;
  agentName: string;
  nonce: number;
  isTestnet: boolean;
  signatureChainId?: `0x${string}`;
}): ApproveAgentPayload {
  const fields = { agentAddress: args.agentAddress.toLowerCase(), agentName: args.agentName, nonce: args.nonce };
  return userSignedPayload(
    'approveAgent',
    APPROVE_AGENT_TYPES,
    fields,
    args.nonce,
    args.isTestnet,
    args.signatureChainId,
  ) as ApproveAgentPayload;
}
