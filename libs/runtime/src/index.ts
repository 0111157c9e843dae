export * from './tokens';
export * from './metrics';
export * from './health';
export * from './database-probe';
export * from './runtime.module';
export * from './bootstrap';
export * from './probes';
export * from './bot-state';
