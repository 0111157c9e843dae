// LLM classifier over any OpenAI-compatible chat-completions endpoint, with strict JSON-schema output.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { CLASSIFICATION_JSON_SCHEMA, ClassifierRun, ClassifyInput, parseClassification, PostClassifier } from './classifier';
import { OpenAiEndpoint, OpenAiEndpointOptions } from './openai-endpoint';
import { extractTokens } from './tickers';

export interface OpenAiCompatibleOptions extends OpenAiEndpointOptions {
  model: string;
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
  private readonly endpoint: OpenAiEndpoint;

  constructor(options: OpenAiCompatibleOptions) {
    this.model = options.model;
    this.endpoint = new OpenAiEndpoint(options);
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

    const answer = await this.endpoint.completeJson({
      model: this.model,
      messages,
      schemaName: 'post_classification',
      schema: CLASSIFICATION_JSON_SCHEMA,
    });
    const model = answer.model ?? this.model;
    if (!answer.ok) return run({ status: answer.status, model, rawResponse: answer.rawResponse, error: answer.error });
    const parsed = parseClassification(answer.content);
    if ('error' in parsed) return run({ status: 'parsing_error', model, rawResponse: answer.content, error: parsed.error });
    return run({ status: 'success', model, rawResponse: answer.content, result: parsed.result });
  }
}
