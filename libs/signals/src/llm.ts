// LLM classifier over any OpenAI-compatible chat-completions endpoint, with strict JSON-schema output.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { CLASSIFICATION_JSON_SCHEMA, ClassifierRun, ClassifyInput, parseClassification, PostClassifier } from './classifier';
import { extractTokens } from './tickers';

export interface OpenAiCompatibleOptions {
  /** Including the version path, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

export const CLASSIFIER_SYSTEM_PROMPT = [
  'You classify crypto-Twitter posts for a perpetual-futures trader.',
  'Decide whether the post is an actionable trade signal: a directional call on specific tokens that a trader could act on now.',
  'News without a direction, questions, jokes, memes, giveaways, shilling without a view, and vague market commentary are not signals.',
  'tokens: the upper-case symbols the call is about (keep Hyperliquid spellings such as kPEPE). Never include stablecoins ' +
    '(USDT, USDC, DAI and the like).',
  'side: LONG if the post expects the price to rise, SHORT if it expects it to fall; null when is_signal is false.',
  'confidence: from 0 to 1, how sure you are that this is a signal in the stated direction.',
  'Market context, when given, is per-token numbers (returns, volatility); use it only to temper confidence.',
  'reasoning: one or two short sentences.',
  'Answer only with the JSON object required by the schema: is_signal, tokens, side, confidence, reasoning.',
].join('\n');

/** The user message: author, post, known symbols it mentions and the market context. */
export function classifierUserMessage(input: ClassifyInput): string {
  const symbols = extractTokens(input.text, input.knownSymbols);
  const parts = [
    `Author: ${input.author ? `@${input.author.replace(/^@/, '')}` : 'unknown'}`,
    `Post:\n"""\n${input.text}\n"""`,
    `Tradable symbols mentioned: ${symbols.length ? symbols.join(', ') : 'none'}`,
  ];
  if (input.context && Object.keys(input.context).length) parts.push(`Market context (JSON): ${JSON.stringify(input.context)}`);
  return parts.join('\n\n');
}

export class OpenAiCompatibleClassifier implements PostClassifier {
  readonly name = 'llm';
  readonly model: string;
  private client: OpenAI | null = null;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.model = options.model;
  }

  async classify(input: ClassifyInput): Promise<ClassifierRun> {
    const started = performance.now();
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: CLASSIFIER_SYSTEM_PROMPT },
      { role: 'user', content: classifierUserMessage(input) },
    ];
    const prompt = JSON.stringify(messages);
    const run = (fields: Partial<ClassifierRun> & Pick<ClassifierRun, 'status'>): ClassifierRun => ({
      classifier: this.name,
      model: this.model,
      prompt,
      rawResponse: null,
      result: null,
      error: null,
      ...fields,
      latencyMs: Math.round(performance.now() - started),
    });

    // The SDK's timeout stops at the response headers (and its abort error is lost across Jest's realms);
    // this signal bounds the whole request, body included, and tells a timeout from other connection errors.
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const completion = await this.openai().chat.completions.create(
        {
          model: this.options.model,
          temperature: 0,
          messages,
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'post_classification', strict: true, schema: CLASSIFICATION_JSON_SCHEMA },
          },
        },
        { signal: deadline },
      );
      const model = typeof completion.model === 'string' && completion.model ? completion.model : this.model;
      const message = completion.choices?.[0]?.message;
      const content = message?.content ?? null;
      if (content === null) {
        const error = message?.refusal ? `model refused: ${message.refusal}` : 'response has no message content';
        return run({ status: 'parsing_error', model, rawResponse: JSON.stringify(completion), error: this.redact(error) });
      }
      const parsed = parseClassification(content);
      if ('error' in parsed) return run({ status: 'parsing_error', model, rawResponse: content, error: parsed.error });
      return run({ status: 'success', model, rawResponse: content, result: parsed.result });
    } catch (e) {
      const body = e instanceof APIError && e.error !== undefined ? JSON.stringify(e.error) : null;
      return run({
        status: 'failed',
        rawResponse: body === null ? null : this.redact(body),
        error: this.redact(this.describe(e, deadline.aborted)),
      });
    }
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

  private redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('[redacted]') : text;
  }
}
