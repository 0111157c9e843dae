export * from './vault';
export * from './rotation';
export * from './operator-secrets';
