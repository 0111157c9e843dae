export * from './env';
export * from './lazy-exports';
