// Agent What's readers of the world: post classifiers (LLM, lexicon) and post sources (X).
export * from './tickers';
export * from './classifier';
export * from './lexicon';
export * from './x-source';
export * from './trader/schema';

// The LLM classifier loads on first use, not with this barrel: the OpenAI client library is only needed when an
// LLM is configured (LLM_BASE_URL); without one the signal service classifies with the lexicon and never loads it.
// Types export as usual; a value export added to llm.ts is a type error here until listed.
import type * as llm from './llm';
import { exportOnFirstUse } from '@conduit/config';
export type * from './llm';
export declare const CLASSIFIER_SYSTEM_PROMPT: typeof llm.CLASSIFIER_SYSTEM_PROMPT;
export declare const classifierUserMessage: typeof llm.classifierUserMessage;
export declare const OpenAiCompatibleClassifier: typeof llm.OpenAiCompatibleClassifier;
export type OpenAiCompatibleClassifier = llm.OpenAiCompatibleClassifier;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, see above
exportOnFirstUse<typeof llm>(exports, () => require('./llm'), {
  CLASSIFIER_SYSTEM_PROMPT: true,
  classifierUserMessage: true,
  OpenAiCompatibleClassifier: true,
});
