/**
 * The approval a user signs with their master wallet so that a deployment's agent wallet may trade for them
 * (Hyperliquid's `approveAgent`, a user-signed EIP-712 action). Conduit never holds the master key: it
 * returns this payload; the user signs `typedData` (eth_signTypedData_v4) and posts `action` with the
 * signature and `nonce` to Hyperliquid's /exchange.
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

/** signatureChainId: the chain the user's wallet is on when signing (Arbitrum One / Arbitrum Sepolia). */
export function approveAgentPayload(args: { agentAddress: string; agentName: string; nonce: number; isTestnet: boolean }): ApproveAgentPayload {
  const signatureChainId = args.isTestnet ? '0x66eee' : '0xa4b1';
  const action = {
    type: 'approveAgent' as const,
    signatureChainId: signatureChainId as `0x${string}`,
    hyperliquidChain: args.isTestnet ? ('Testnet' as const) : ('Mainnet' as const),
    agentAddress: args.agentAddress.toLowerCase(),
    agentName: args.agentName,
    nonce: args.nonce,
  };
  return {
    action,
    nonce: args.nonce,
    typedData: {
      domain: { name: 'HyperliquidSignTransaction', version: '1', chainId: parseInt(signatureChainId, 16), verifyingContract: '0x0000000000000000000000000000000000000000' },
      types: APPROVE_AGENT_TYPES,
      primaryType: 'HyperliquidTransaction:ApproveAgent',
      message: { hyperliquidChain: action.hyperliquidChain, agentAddress: action.agentAddress, agentName: action.agentName, nonce: action.nonce },
    },
  };
}
