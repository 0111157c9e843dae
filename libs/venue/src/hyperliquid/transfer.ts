import { ApproveAgentPayload, userSignedPayload } from './approval';

/**
 * A USDC transfer on Hyperliquid (`usdSend`, a user-signed EIP-712 action). Agent wallets may trade but not move
 * funds, so a live bill is paid by the user: Conduit returns this payload, the user signs `typedData` with the master
 * wallet, and Conduit posts `action` with that signature and `nonce` (= `time`) to /exchange.
 */
export interface UsdSendPayload {
  action: {
    type: 'usdSend';
    signatureChainId: `0x${string}`;
    hyperliquidChain: 'Mainnet' | 'Testnet';
    destination: string;
    amount: string;
    time: number;
  };
  nonce: number;
  typedData: ApproveAgentPayload['typedData'];
}

export const USD_SEND_TYPES = {
  'HyperliquidTransaction:UsdSend': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'destination', type: 'string' },
    { name: 'amount', type: 'string' },
    { name: 'time', type: 'uint64' },
  ],
};

/** `amount` is a decimal string in USDC (Hyperliquid's number style: no exponent, no trailing zeros). */
export function usdSendPayload(args: {
  destination: string;
  amount: string;
  time: number;
  isTestnet: boolean;
  signatureChainId?: `0x${string}`;
}): UsdSendPayload {
  const amount = args.amount.includes('.') ? args.amount.replace(/0+$/, '').replace(/\.$/, '') : args.amount;
  const fields = { destination: args.destination.toLowerCase(), amount, time: args.time };
  return userSignedPayload('usdSend', USD_SEND_TYPES, fields, args.time, args.isTestnet, args.signatureChainId) as UsdSendPayload;
}
