// What one trading decision of an llm_trader's model produced (agent_decisions): the contract its brains share.
import type { TraderDecision, TraderSnapshot } from '@conduit/domain';
import type { LlmUsage } from '../openai-endpoint';

export type TraderRunStatus = 'success' | 'failed' | 'parsing_error';

export interface TraderRun {
  status: TraderRunStatus;
  /** The model that answered (the provider's name for it when it gives one, e.g. a dated snapshot). */
  model: string;
  /** JSON of the chat messages sent (or that would be sent: the rules models get the same prompt). */
  prompt: string;
  /** The answer's text as received; an error body on an HTTP error; null when nothing came back. */
  rawResponse: string | null;
  /** The parsed decision (before the limits); null unless status is success. */
  decision: TraderDecision | null;
  error: string | null;
  latencyMs: number;
  /** null when the provider reported none, or no model was called. */
  usage: LlmUsage | null;
}

/** Decides one cycle of an agent with the given model. Never throws: a failure is a run with status failed. */
export interface TraderBrain {
  decide(snapshot: TraderSnapshot, model: string): Promise<TraderRun>;
}

/** A run of `model` started at `started` (performance.now()): empty but for the given fields, its latency measured now. */
export function traderRun(
  model: string,
  prompt: string,
  started: number,
  fields: Partial<TraderRun> & Pick<TraderRun, 'status'>,
): TraderRun {
  return {
    model,
    prompt,
    rawResponse: null,
    decision: null,
    error: null,
    usage: null,
    ...fields,
    latencyMs: Math.round(performance.now() - started),
  };
}
