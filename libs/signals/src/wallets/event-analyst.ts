// A watched wallet's event analysed by any OpenAI-compatible chat-completions endpoint, with strict JSON-schema output.
import { OpenAiEndpoint, OpenAiEndpointOptions } from '../openai-endpoint';
import { EventAnalysisInput, eventAnalysisMessages, EventAnalystRun } from './analysis-prompt';
import { EVENT_ANALYSIS_JSON_SCHEMA, EVENT_ANALYSIS_SCHEMA_NAME, parseEventAnalysis } from './analysis-schema';

/**
 * Asks the model for one event's analysis at temperature 0 with the analysis' strict json_schema, and re-validates
 * the answer (parseEventAnalysis). Never throws: an HTTP, connection or timeout error is a run with status failed, an
 * answer that is not a valid analysis one with status parsing_error. The API key never appears in a run's text.
 */
export class OpenAiCompatibleEventAnalyst {
  private readonly endpoint: OpenAiEndpoint;

  constructor(
    options: OpenAiEndpointOptions,
    private readonly model: string,
  ) {
    this.endpoint = new OpenAiEndpoint(options);
  }

  async analyse(input: EventAnalysisInput): Promise<EventAnalystRun> {
    const started = performance.now();
    const messages = eventAnalysisMessages(input);
    const prompt = this.endpoint.redact(JSON.stringify(messages));
    const answer = await this.endpoint.completeJson({
      model: this.model,
      messages,
      schemaName: EVENT_ANALYSIS_SCHEMA_NAME,
      schema: EVENT_ANALYSIS_JSON_SCHEMA,
    });
    const run = (fields: Partial<EventAnalystRun> & Pick<EventAnalystRun, 'status'>): EventAnalystRun => ({
      model: answer.model ?? this.model,
      prompt,
      rawResponse: null,
      analysis: null,
      error: null,
      usage: answer.usage,
      ...fields,
      latencyMs: Math.round(performance.now() - started),
    });
    if (!answer.ok) return run({ status: answer.status, rawResponse: answer.rawResponse, error: answer.error });
    const parsed = parseEventAnalysis(answer.content, input.event.asset);
    if ('error' in parsed) return run({ status: 'parsing_error', rawResponse: answer.content, error: parsed.error });
    return run({ status: 'success', rawResponse: answer.content, analysis: parsed.analysis });
  }
}
