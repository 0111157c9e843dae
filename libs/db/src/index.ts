export * from './enums';
export * from './columns';
export * from './naming';
export * from './entities/v3';
export * from './entities/shared';
export * from './data-source';
export * from './migrator';
export * from './audit';
