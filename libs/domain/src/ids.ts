import { createHash } from 'crypto';
import { v5 as uuidv5 } from 'uuid';

/** Namespace of every deterministic id Conduit derives (UUID v5). */
export const CONDUIT_NAMESPACE = '6f1d3c3e-8a57-4d0a-9f5e-2f1c0b7e9a11';

/** A UUID derived from its parts: the same parts always give the same id. */
export function deterministicId(...parts: string[]): string {
  return uuidv5(parts.join('|'), CONDUIT_NAMESPACE);
}

/** Client order id: 128-bit hex (Hyperliquid's cloid format) from (deployment, signal, leg). */
export function clientOrderId(deploymentId: string, signalId: string, leg: 'open' | 'close'): string {
  return '0x' + createHash('sha256').update(`${deploymentId}|${signalId}|${leg}`).digest('hex').slice(0, 32);
}
