import { getAddress, hexlify, toUtf8Bytes } from 'ethers';
import { SiweMessage } from 'siwe';

// Loaded only when a wallet signs in (session.tsx imports it on demand): ethers and siwe are most of the app's
// weight and no page needs them before that.

/** The EIP-4361 message the gateway verifies: this page's host and origin, chain 1, a fresh nonce, ten minutes. */
export function signInMessage(address: string, nonce: string, now = new Date()): string {
  return new SiweMessage({
    domain: window.location.host,
    address: getAddress(address),
    statement: 'Sign in to Conduit.',
    uri: window.location.origin,
    version: '1',
    chainId: 1,
    nonce,
    issuedAt: now.toISOString(),
    expirationTime: new Date(now.getTime() + 10 * 60_000).toISOString(),
  }).prepareMessage();
}

/** personal_sign takes the message as hex of its UTF-8 bytes. */
export const utf8Hex = (message: string): string => hexlify(toUtf8Bytes(message));
