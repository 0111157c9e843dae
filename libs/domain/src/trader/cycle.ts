import { deterministicId } from '../ids';
import { dec, DecimalLike } from '../money';

/**
 * An llm_trader's cycles: a slot names one cycle, and one slot is one decision, however often its job runs (a
 * retry, a restart, a second worker). Scheduled slots count the agent's interval since the epoch; a cycle asked
 * for over HTTP gets a slot of its own.
 */
export function scheduledSlot(now: Date, intervalSeconds: number): string {
  return `every-${intervalSeconds}-${Math.floor(now.getTime() / 1000 / intervalSeconds)}`;
}

export const manualSlot = (requestId: string) => `manual-${requestId}`;

/** The decision of an agent's slot (agent_decisions.id). */
export const traderDecisionId = (agentId: string, slot: string) => deterministicId('trader-decision', agentId, slot);

/** The signal an OPEN decision becomes (signals_v3.id). */
export const traderSignalId = (decisionId: string) => deterministicId('trader-signal', decisionId);

/**
 * The size every deployment trades: the same fraction of its own equity as the decision's notional is of the agent's
 * equity. As a percentage size model (margin as % of equity, at the decision's leverage): size_usd / leverage /
 * equity × 100, 8 places, rounded down so no deployment trades more than the agent would.
 */
export function equityFractionPct(sizeUsd: DecimalLike, leverage: number, equity: DecimalLike): string {
  return dec(sizeUsd).div(leverage).div(dec(equity)).mul(100).toDecimalPlaces(8, 1).toString();
}
