// One OpenAI-compatible chat-completions endpoint, shared by the post classifier and the LLM trader: the client, the
// whole-request deadline, strict JSON-schema answers, error descriptions and the API key kept out of every text.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { secondsSince, telemetry } from '@conduit/domain';

export interface OpenAiEndpointOptions {
  /** Including the version path, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

/** Tokens of one completion, as the provider reported them. */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface JsonChatRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  /** The response_format json_schema's name and schema (strict). */
  schemaName: string;
  schema: Record<string, unknown>;
}

/** A completion's text, or why there is none (HTTP or connection error: failed; no content: parsing_error). */
export type JsonChatAnswer =
  | { ok: true; model: string | null; content: string; usage: LlmUsage | null }
  | {
      ok: false;
      status: 'failed' | 'parsing_error';
      model: string | null;
      rawResponse: string | null;
      error: string;
      usage: LlmUsage | null;
    };

function usageOf(completion: ChatCompletion): LlmUsage | null {
  const u = completion.usage;
  if (!u || typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return null;
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + u.completion_tokens;
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: total };
}

export class OpenAiEndpoint {
  private client: OpenAI | null = null;

  constructor(private readonly options: OpenAiEndpointOptions) {}

  /**
   * One completion at temperature 0 whose answer must follow the schema (strict structured output); its duration,
   * result and tokens are reported (telemetry) under the model asked for, a bounded set, not the one answering.
   */
  async completeJson(request: JsonChatRequest): Promise<JsonChatAnswer> {
    const started = performance.now();
    const answer = await this.complete(request);
    const tokens = answer.usage ? { prompt: answer.usage.promptTokens, completion: answer.usage.completionTokens } : null;
    telemetry.llmRequest(request.model, answer.ok ? 'ok' : answer.status, secondsSince(started), tokens);
    return answer;
  }

  private async complete(request: JsonChatRequest): Promise<JsonChatAnswer> {
    // The SDK's timeout stops at the response headers (and its abort error is lost across Jest's realms);
    // this signal bounds the whole request, body included, and tells a timeout from other connection errors.
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const completion = await this.openai().chat.completions.create(
        {
          model: request.model,
          temperature: 0,
          messages: request.messages,
          response_format: { type: 'json_schema', json_schema: { name: request.schemaName, strict: true, schema: request.schema } },
        },
        { signal: deadline },
      );
      const model = typeof completion.model === 'string' && completion.model ? completion.model : null;
      const usage = usageOf(completion);
      const message = completion.choices?.[0]?.message;
      const content = message?.content ?? null;
      if (content === null) {
        const error = message?.refusal ? `model refused: ${message.refusal}` : 'response has no message content';
        const rawResponse = this.redact(JSON.stringify(completion));
        return { ok: false, status: 'parsing_error', model, rawResponse, error: this.redact(error), usage };
      }
      return { ok: true, model, content: this.redact(content), usage };
    } catch (e) {
      const body = e instanceof APIError && e.error !== undefined ? JSON.stringify(e.error) : null;
      return {
        ok: false,
        status: 'failed',
        model: null,
        rawResponse: body === null ? null : this.redact(body),
        error: this.redact(this.describe(e, deadline.aborted)),
        usage: null,
      };
    }
  }

  /** The text with the API key replaced by [redacted]. */
  redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('[redacted]') : text;
  }

  private openai(): OpenAI {
    // organization/project null: OPENAI_* environment variables must not leak to a third-party endpoint.
    // An empty key (keyless local servers) becomes a placeholder: the SDK refuses to start without one.
    this.client ??= new OpenAI({
      baseURL: this.options.baseUrl,
      apiKey: this.options.apiKey || 'none',
      organization: null,
      project: null,
      timeout: this.options.timeoutMs,
      maxRetries: 0,
      logLevel: 'off',
    });
    return this.client;
  }

  private describe(e: unknown, deadlinePassed: boolean): string {
    if (e instanceof APIError && e.status !== undefined) return `HTTP ${e.status}: ${e.message.replace(/^\d{3} /, '')}`;
    if (deadlinePassed || e instanceof APIConnectionTimeoutError) return `request timed out after ${this.options.timeoutMs} ms`;
    if (e instanceof APIConnectionError) {
      const causes: string[] = [];
      for (let c: any = e.cause; c && causes.length < 4; c = c.cause) causes.push(c.code ? `${c.code}` : String(c.message ?? c));
      return `connection error${causes.length ? ` (${causes.join(': ')})` : ''}`;
    }
    return e instanceof Error ? e.message : String(e);
  }
}
