export * from './adapter';
export * from './price-source';
export * from './paper';
export * from './registry';
export * from './venue.module';
export * from './hyperliquid/hyperliquid-adapter';
export * from './hyperliquid/approval';
export * from './live';
