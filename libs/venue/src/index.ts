export * from './adapter';
export * from './price-source';
export * from './paper';
export * from './registry';
export * from './venue.module';
