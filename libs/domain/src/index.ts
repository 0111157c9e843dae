export * from './money';
export * from './errors';
export * from './trading';
export * from './routing';
export * from './ids';
export * from './random-walk';
export * from './policy';
export * from './signal';
