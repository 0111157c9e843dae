export * from './fill-events';
export * from './credibility';
export * from './archetype';
export * from './bias';
export * from './analysis-rules';
export * from './scoring-inputs';
export * from './unrealized';
export * from './wallet-signal';
