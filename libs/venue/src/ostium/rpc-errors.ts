import { revertReason } from '../evm/rpc-errors';
import { explainRevert } from './abi';

export { describe, rpcErrorOf } from '../evm/rpc-errors';

/** The revert of a failed eth_call / eth_estimateGas in words (Ostium's custom errors decoded), or null. */
export function revertOf(err: unknown): string | null {
  return revertReason(err, explainRevert);
}
