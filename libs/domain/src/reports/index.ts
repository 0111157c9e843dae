export * from './period';
export * from './build';
export * from './bias-flips';
