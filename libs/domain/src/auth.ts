/**
 * Agent creation's proof of intent (seed 001's proof_of_intent_message / _signature / _timestamp): the creator
 * signs, with EIP-191 personal_sign, exactly this text built from the request's own fields. The server rebuilds it
 * from the body, so a proof cannot be moved to another wallet, another agent name or another time.
 */
export function proofOfIntentMessage(p: { creatorWallet: string; name: string; timestamp: string }): string {
  return [
    'Conduit: I intend to create this trading agent.',
    `Creator wallet: ${p.creatorWallet.toLowerCase()}`,
    `Agent name: ${p.name}`,
    `Timestamp: ${p.timestamp}`,
  ].join('\n');
}

/** Why a signed timestamp is not fresh (older than maxAgeS, or more than skewS ahead), or null when it is. */
export function staleness(timestamp: string, nowMs: number, maxAgeS: number, skewS = 60): string | null {
  const t = Date.parse(timestamp);
  if (!Number.isFinite(t)) return 'is not a timestamp';
  if (t > nowMs + skewS * 1000) return `is in the future (more than ${skewS} s ahead)`;
  if (nowMs - t > maxAgeS * 1000) return `is older than ${maxAgeS} s`;
  return null;
}
