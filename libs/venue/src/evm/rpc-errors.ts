/** What every EVM venue (Ostium, GMX, SPOT) reads of a failed JSON-RPC request through ethers. */

/** The JSON-RPC error object of a failed request, when the node answered with one. */
export function rpcErrorOf(err: unknown): { code: number; message?: string; data?: string } | null {
  const e = err as { info?: { error?: unknown }; error?: unknown };
  for (const inner of [e?.info?.error, e?.error]) {
    if (inner && typeof inner === 'object' && typeof (inner as { code?: unknown }).code === 'number')
      return inner as { code: number; message?: string; data?: string };
  }
  return null;
}

/**
 * The revert of a failed eth_call / eth_estimateGas in words, its data decoded by the venue's `explain` (Error(string)
 * and the contracts' custom errors), or null when the failure was not a revert.
 */
export function revertReason(err: unknown, explain: (data: string) => string): string | null {
  const e = err as { code?: string; data?: unknown };
  const rpc = rpcErrorOf(err);
  if (e?.code !== 'CALL_EXCEPTION' && rpc?.code !== 3) return null;
  const data = typeof e.data === 'string' && e.data !== '0x' ? e.data : typeof rpc?.data === 'string' ? rpc.data : null;
  if (data && data !== '0x') return explain(data);
  return rpc?.message ?? 'reverted without a reason';
}

/** A failure in words: the node's message when it answered, else the error's. */
export function describe(err: unknown): string {
  const rpc = rpcErrorOf(err);
  if (rpc?.message) return rpc.message;
  const e = err as { shortMessage?: string; message?: string };
  return e?.shortMessage ?? e?.message ?? String(err);
}
