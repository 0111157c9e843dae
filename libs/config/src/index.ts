export * from './env';
export * from './trust-proxy';
export * from './lazy-exports';
