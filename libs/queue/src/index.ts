export * from './contract';
export * from './redis';
export * from './producer';
export * from './processor';
export * from './queue.module';
export * from './schedules';
export * from './payloads';
export * from './log-context';
