// An llm_trader's brain over any OpenAI-compatible chat-completions endpoint, with strict JSON-schema output.
import type { TraderSnapshot } from '@conduit/domain';
import { OpenAiEndpoint, OpenAiEndpointOptions } from '../openai-endpoint';
import { traderMessages } from './prompt';
import { TraderBrain, TraderRun, traderRun } from './run';
import { parseTraderDecision, TRADER_DECISION_JSON_SCHEMA, TRADER_DECISION_SCHEMA_NAME } from './schema';

/**
 * Asks the agent's model (per call: each agent has its own llm_model) for one decision, at temperature 0 with the
 * decision's strict json_schema, and re-validates the answer. The API key never appears in a run's text.
 */
export class OpenAiCompatibleTrader implements TraderBrain {
  private readonly endpoint: OpenAiEndpoint;

  constructor(options: OpenAiEndpointOptions) {
    this.endpoint = new OpenAiEndpoint(options);
  }

  async decide(snapshot: TraderSnapshot, model: string): Promise<TraderRun> {
    const started = performance.now();
    const messages = traderMessages(snapshot);
    const prompt = JSON.stringify(messages);
    const run = (fields: Partial<TraderRun> & Pick<TraderRun, 'status'>) => traderRun(model, prompt, started, fields);

    const answer = await this.endpoint.completeJson({
      model,
      messages,
      schemaName: TRADER_DECISION_SCHEMA_NAME,
      schema: TRADER_DECISION_JSON_SCHEMA,
    });
    const fields = { model: answer.model ?? model, usage: answer.usage };
    if (!answer.ok) return run({ ...fields, status: answer.status, rawResponse: answer.rawResponse, error: answer.error });
    const parsed = parseTraderDecision(answer.content);
    if ('error' in parsed) return run({ ...fields, status: 'parsing_error', rawResponse: answer.content, error: parsed.error });
    return run({ ...fields, status: 'success', rawResponse: answer.content, decision: parsed.decision });
  }
}
