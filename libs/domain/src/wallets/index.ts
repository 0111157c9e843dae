export * from './fill-events';
export * from './credibility';
export * from './archetype';
export * from './bias';
export * from './analysis-rules';
export * from './wallet-signal';
