// Agent What's readers of the world: post classifiers (LLM, lexicon) and post sources (X).
export * from './tickers';
export * from './classifier';
export * from './lexicon';
export * from './llm';
export * from './x-source';
