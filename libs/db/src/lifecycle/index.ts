export * from './signal';
export * from './outcome';
export * from './position';
export * from './bill';
