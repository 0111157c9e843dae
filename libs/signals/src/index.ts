// Agent What's readers of the world: post classifiers (LLM, trained model, lexicon) and post sources (X); the llm_traders' brains
// (prompt, decision schema, rules and LLM); the wallet event analyst (schema, prompt, LLM).
export * from './tickers';
export * from './classifier';
export * from './lexicon';
export * from './trained-classifier';
export * from './trained/model';
export * from './x-source';
export * from './trader/schema';
export * from './trader/prompt';
export * from './trader/run';
export * from './trader/rules-trader';
export * from './trader/pricing';
export * from './wallets/analysis-schema';
export * from './wallets/analysis-prompt';

// The LLM classifier and the LLM trader load on first use, not with this barrel: the OpenAI client library is only
// needed when an LLM is configured (LLM_BASE_URL); without one the signal service classifies with the trained model, and
// llm_traders on rules: models decide, without ever loading it.
// Types export as usual; a value export added to llm.ts or trader/llm-trader.ts is a type error here until listed.
import type * as llm from './llm';
import type * as llmTrader from './trader/llm-trader';
import type * as eventAnalyst from './wallets/event-analyst';
import { exportOnFirstUse } from '@conduit/config';
export type * from './llm';
export type * from './openai-endpoint';
export declare const CLASSIFIER_SYSTEM_PROMPT: typeof llm.CLASSIFIER_SYSTEM_PROMPT;
export declare const classifierUserMessage: typeof llm.classifierUserMessage;
export declare const OpenAiCompatibleClassifier: typeof llm.OpenAiCompatibleClassifier;
export type OpenAiCompatibleClassifier = llm.OpenAiCompatibleClassifier;
export declare const OpenAiCompatibleTrader: typeof llmTrader.OpenAiCompatibleTrader;
export type OpenAiCompatibleTrader = llmTrader.OpenAiCompatibleTrader;
export declare const OpenAiCompatibleEventAnalyst: typeof eventAnalyst.OpenAiCompatibleEventAnalyst;
export type OpenAiCompatibleEventAnalyst = eventAnalyst.OpenAiCompatibleEventAnalyst;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, see above
exportOnFirstUse<typeof llm>(exports, () => require('./llm'), {
  CLASSIFIER_SYSTEM_PROMPT: true,
  classifierUserMessage: true,
  OpenAiCompatibleClassifier: true,
});
// eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, see above
exportOnFirstUse<typeof llmTrader>(exports, () => require('./trader/llm-trader'), { OpenAiCompatibleTrader: true });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, see above
exportOnFirstUse<typeof eventAnalyst>(exports, () => require('./wallets/event-analyst'), { OpenAiCompatibleEventAnalyst: true });
