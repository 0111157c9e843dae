export * from './vault';
export * from './rotation';
