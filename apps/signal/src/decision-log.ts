import { EntityManager } from 'typeorm';
import { AgentDecisionRow, rows } from '@conduit/db';

/** One row of agent_decisions (seed 004), as Agent What writes it. */
export interface DecisionRow {
  /** Deterministic: the same decision retried is written once. */
  id: string;
  agentId: string;
  status: 'success' | 'failed' | 'parsing_error';
  action: 'OPEN_LONG' | 'OPEN_SHORT' | 'CLOSE_POSITION' | 'HOLD';
  coin: string;
  sizeUsd: string;
  leverage: number;
  stopLossPrice: string;
  takeProfitPrice: string;
  confidence: number;
  reasoning: string;
  prompt: string | null;
  response: string | null;
  latencyMs: number | null;
  error: string | null;
  model: string | null;
  parsed: unknown;
  sourceType: 'ct_post' | 'research' | 'aggregate' | 'llm_cycle';
  sourceId: string | null;
  signalId: string | null;
  /** What an llm_trader's limits changed in its model's answer. */
  adjustments?: ReadonlyArray<object> | null;
}

/** Appends decisions in one statement; rows already written (same id) are left as they are. */
export async function logDecisions(em: EntityManager, decisions: DecisionRow[]): Promise<number> {
  if (!decisions.length) return 0;
  const inserted = await rows<Pick<AgentDecisionRow, 'id'>>(
    em,
    `INSERT INTO agent_decisions (id, agent_id, status, action, coin, size_usd, leverage, stop_loss_price, take_profit_price, confidence,
                                  reasoning, prompt_content, llm_response, execution_time_ms, error_message, model, parsed_result,
                                  source_type, source_id, signal_id, adjustments)
     SELECT id, agent_id, status, action, coin, size_usd, leverage, stop_loss_price, take_profit_price, confidence,
            reasoning, prompt_content, llm_response, execution_time_ms, error_message, model, parsed_result, source_type, source_id,
              signal_id, adjustments
       FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, agent_id uuid, status text, action text, coin text, size_usd numeric, leverage int,
            stop_loss_price numeric, take_profit_price numeric, confidence numeric, reasoning text, prompt_content text, llm_response text,
            execution_time_ms int, error_message text, model text, parsed_result jsonb, source_type text, source_id text, signal_id uuid,
            adjustments jsonb)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      JSON.stringify(
        decisions.map((r) => ({
          id: r.id,
          agent_id: r.agentId,
          status: r.status,
          action: r.action,
          coin: r.coin.slice(0, 20),
          size_usd: r.sizeUsd,
          leverage: Math.max(1, Math.min(50, r.leverage)),
          stop_loss_price: r.stopLossPrice,
          take_profit_price: r.takeProfitPrice,
          confidence: Math.round(Math.max(0, Math.min(1, r.confidence)) * 100) / 100,
          reasoning: r.reasoning,
          prompt_content: r.prompt,
          llm_response: r.response,
          execution_time_ms: r.latencyMs,
          error_message: r.error,
          model: r.model,
          parsed_result: r.parsed ?? null,
          source_type: r.sourceType,
          source_id: r.sourceId,
          signal_id: r.signalId,
          adjustments: r.adjustments ?? null,
        })),
      ),
    ],
  );
  return inserted.length;
}
