import { revertReason } from '../evm/rpc-errors';
import { explainGmxRevert } from './contracts-abi';

/** The revert of a failed eth_estimateGas in words (GMX's custom errors decoded), or null when it was not a revert. */
export function gmxRevertOf(err: unknown): string | null {
  return revertReason(err, explainGmxRevert);
}
