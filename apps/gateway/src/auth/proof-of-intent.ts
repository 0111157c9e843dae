import { verifyMessage } from 'ethers';
import { proofOfIntentMessage, staleness } from '@conduit/domain';
import { badRequest } from '../common/errors';

/**
 * Seed 001's proof of intent on agent creation: the message is the one the request's own fields build, signed
 * (EIP-191) by creator_wallet, at a timestamp fresh at `nowMs` (the injected clock's now). Single use is the
 * database's: a unique index on the signature.
 */
export function verifyProofOfIntent(
  dto: {
    creator_wallet: string;
    name: string;
    proof_of_intent_message: string;
    proof_of_intent_signature: string;
    proof_of_intent_timestamp: string;
  },
  maxAgeS: number,
  nowMs: number,
): void {
  const expected = proofOfIntentMessage({ creatorWallet: dto.creator_wallet, name: dto.name, timestamp: dto.proof_of_intent_timestamp });
  if (dto.proof_of_intent_message !== expected) {
    throw badRequest('proof_of_intent_message', `proof_of_intent_message must be exactly: ${JSON.stringify(expected)}`);
  }
  const stale = staleness(dto.proof_of_intent_timestamp, nowMs, maxAgeS);
  if (stale) throw badRequest('proof_of_intent_timestamp', `proof_of_intent_timestamp ${stale}`);
  let signer: string;
  try {
    signer = verifyMessage(dto.proof_of_intent_message, dto.proof_of_intent_signature).toLowerCase();
  } catch {
    throw badRequest('proof_of_intent_signature', 'proof_of_intent_signature is not a valid signature');
  }
  if (signer !== dto.creator_wallet.toLowerCase())
    throw badRequest('proof_of_intent_signature', 'proof_of_intent_signature was not signed by creator_wallet');
}
