// The chat messages the event analyst's model sees, and the run record its brains share (like the trader's run.ts).
import type { AnalysedEvent } from '@conduit/domain';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { LlmUsage } from '../openai-endpoint';
import type { WalletEventAnalysis } from './analysis-schema';

/** What the analyst is told about one event: the fill, the wallet, and what the pipeline knows around it. */
export interface EventAnalysisInput {
  event: AnalysedEvent & { time: Date };
  wallet: { address: string; label: string | null; credibility4h: string | null; archetype: string | null };
  /** The wallet's first trade since it is watched (seed 003's is_first_since_watch). */
  firstSinceWatch: boolean;
  /** The position's unrealized PnL (USD) just before the event; null when the wallet's earlier events cannot tell. */
  unrealizedPnlBefore: string | null;
}

export type EventAnalystStatus = 'success' | 'failed' | 'parsing_error';

/** One LLM analysis attempt: what event_analysis keeps of it (prompt, answer, latency, error). */
export interface EventAnalystRun {
  status: EventAnalystStatus;
  /** The model that answered (the provider's name for it when it gives one), else the one asked. */
  model: string;
  /** JSON of the chat messages sent. */
  prompt: string;
  /** The answer's text as received; an error body on an HTTP error; null when nothing came back. */
  rawResponse: string | null;
  /** The parsed analysis; null unless status is success. */
  analysis: WalletEventAnalysis | null;
  error: string | null;
  latencyMs: number;
  usage: LlmUsage | null;
}

export const EVENT_ANALYST_SYSTEM_PROMPT = [
  'You analyse one trade of a watched "smart money" wallet on Hyperliquid perpetual futures for a copy-trading system.',
  'Say what the move is (classification, snake_case), how sure you are (confidence 0 to 1), what it means in one or two ' +
    'sentences (narrative), the pattern it matches or null (pattern), and the pressure it puts on the asset from -1 ' +
    '(strongly bearish) to 1 (strongly bullish) (bias_impact).',
  'Weigh the wallet: a credible wallet (credibility 0-10) adding to a winner or opening a large position says more than ' +
    'a routine trim; a liquidation is forced and says little about intent; a flip says a lot. Selling out of a long is ' +
    'bearish pressure, covering a short is bullish pressure.',
  'proposed_action: OPEN_LONG or OPEN_SHORT along bias_impact only when a follower should act now; NONE otherwise. ' +
    'Its asset is the event asset exactly as given.',
  'Answer with the JSON object only.',
].join('\n');

/** The event's facts as the model reads them: every number as the row holds it. */
export function eventAnalysisUserMessage(input: EventAnalysisInput): string {
  const e = input.event;
  const w = input.wallet;
  return JSON.stringify(
    {
      wallet: { address: w.address, label: w.label, credibility_4h: w.credibility4h, archetype: w.archetype },
      event: {
        time: e.time.toISOString(),
        type: e.eventType,
        asset: e.asset,
        side: e.side,
        amount: e.amount,
        notional_usd: e.notionalUsd,
        size_fraction_of_equity: e.sizeFraction,
        position_before: e.positionBefore,
        position_after: e.positionAfter,
        realized_pnl_usd: e.realizedPnl,
        unrealized_pnl_before_usd: input.unrealizedPnlBefore,
        first_trade_since_watched: input.firstSinceWatch,
      },
    },
    null,
    2,
  );
}

export function eventAnalysisMessages(input: EventAnalysisInput): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: EVENT_ANALYST_SYSTEM_PROMPT },
    { role: 'user', content: eventAnalysisUserMessage(input) },
  ];
}
