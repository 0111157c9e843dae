import type { Page } from 'playwright-core';
import { getBytes, TypedDataDomain, TypedDataField, Wallet } from 'ethers';

interface TypedDataV4 {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/**
 * A test wallet injected as window.ethereum (EIP-1193), as a browser extension would be: eth_requestAccounts and
 * eth_accounts answer its address; personal_sign and eth_signTypedData_v4 are signed in Node by an ethers Wallet (real
 * secp256k1 signatures the gateway and billing verify). Any other method is refused, naming it.
 */
export async function injectWallet(page: Page, wallet: Wallet): Promise<void> {
  await page.exposeFunction('__testWalletSign', (hex: string) => wallet.signMessage(getBytes(hex)));
  await page.exposeFunction('__testWalletSignTypedData', (json: string) => {
    const { domain, types, message } = JSON.parse(json) as TypedDataV4;
    const { EIP712Domain: _domain, ...rest } = types;
    return wallet.signTypedData(domain, rest, message);
  });
  await page.addInitScript((address: string) => {
    const w = globalThis as any;
    w.ethereum = {
      request: async ({ method, params }: { method: string; params?: unknown[] }) => {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [address];
        if (method === 'personal_sign') return w.__testWalletSign(params![0]);
        if (method === 'eth_signTypedData_v4') {
          if (String(params![0]).toLowerCase() !== address.toLowerCase()) throw new Error('test wallet: not my account');
          return w.__testWalletSignTypedData(typeof params![1] === 'string' ? params![1] : JSON.stringify(params![1]));
        }
        throw new Error(`test wallet: ${method} is not supported`);
      },
    };
  }, wallet.address);
}
