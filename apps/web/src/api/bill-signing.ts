/** An EIP-712 field. */
interface TypedField {
  name: string;
  type: string;
}

/** EIP-712 typed data as eth_signTypedData_v4 takes it. */
export interface TypedData {
  domain: Record<string, unknown>;
  types: Record<string, TypedField[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/** A live bill's Hyperliquid usdSend (metadata.usd_send, written by billing's first collection attempt). */
export interface UsdSend {
  action: { type: 'usdSend'; destination: string; amount: string; time: number };
  nonce: number;
  typedData: TypedData;
}

/** The usdSend a live bill waits for the user to sign, or null (a paper bill, or one billing has not prepared yet). */
export function usdSendOf(metadata: Record<string, unknown> | null | undefined): UsdSend | null {
  const send = metadata?.usd_send as Partial<UsdSend> | undefined;
  const typed = send?.typedData;
  if (!typed || typeof typed !== 'object' || !typed.types || !typed.domain || !typed.primaryType || !typed.message) return null;
  return send as UsdSend;
}

/** The EIP712Domain fields, in the order EIP-712 lists them, with their types. */
const DOMAIN_FIELDS: TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
  { name: 'salt', type: 'bytes32' },
];

/**
 * The JSON eth_signTypedData_v4 signs: the typed data as the API gives it. v4 wallets need `EIP712Domain` in `types`;
 * the API includes it (Hyperliquid's user-signed actions do), and when a payload lacks it, it is built from the fields
 * the domain has.
 */
export function typedDataV4(typed: TypedData): string {
  const types = typed.types.EIP712Domain
    ? typed.types
    : { EIP712Domain: DOMAIN_FIELDS.filter((f) => typed.domain[f.name] !== undefined), ...typed.types };
  return JSON.stringify({ domain: typed.domain, types, primaryType: typed.primaryType, message: typed.message });
}

/**
 * A wallet's 65-byte signature as the API takes it: r, s and v (27 or 28; a wallet answering 0 or 1 means the same).
 * Read from the hex directly: ethers stays out of the page's code (it is loaded only to sign in).
 */
export function splitSignature(signature: string): { r: string; s: string; v: 27 | 28 } {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new WalletRefused('The wallet answered something that is not a signature.');
  const raw = parseInt(signature.slice(130), 16);
  const v = raw < 27 ? raw + 27 : raw;
  if (v !== 27 && v !== 28) throw new WalletRefused('The wallet answered a signature with an unknown recovery id.');
  return { r: signature.slice(0, 66), s: '0x' + signature.slice(66, 130), v };
}

/** An injected EIP-1193 wallet. */
interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** A refusal the reader can act on: the wallet's own message stays in `cause`. */
export class WalletRefused extends Error {}

/**
 * Has the injected wallet sign the usdSend with the signed-in account (eth_signTypedData_v4). A refusal in the wallet
 * (EIP-1193 code 4001), no wallet, or a wallet error is a WalletRefused with a sentence for the page.
 */
export async function signUsdSend(address: string, send: UsdSend): Promise<{ r: string; s: string; v: 27 | 28 }> {
  const ethereum = (globalThis as { ethereum?: Eip1193 }).ethereum;
  if (!ethereum) throw new WalletRefused('No wallet found in this browser: the bill was not paid.');
  let signature: unknown;
  try {
    signature = await ethereum.request({ method: 'eth_signTypedData_v4', params: [address, typedDataV4(send.typedData)] });
  } catch (e) {
    const { code, message } = (e ?? {}) as { code?: number; message?: string };
    throw new WalletRefused(
      code === 4001
        ? 'You declined the signature in your wallet: the bill was not paid.'
        : `The wallet did not sign${message ? ` (${message})` : ''}: the bill was not paid.`,
      { cause: e },
    );
  }
  if (typeof signature !== 'string') throw new WalletRefused('The wallet answered no signature: the bill was not paid.');
  return splitSignature(signature);
}
