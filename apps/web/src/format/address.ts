/** A wallet address shortened for display: `0x1234…abcd` (the full address goes in a title or a label). */
export function shortAddress(address: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(address) ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
