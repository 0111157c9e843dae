// The SDK publishes its subpaths through package "exports", which this workspace's `node` module resolution
// does not read for types. Node itself resolves them at run time; these declarations point the compiler at the
// same CommonJS build.
declare module '@nktkas/hyperliquid/utils' {
  export * from '@nktkas/hyperliquid/script/utils/mod';
}
declare module '@nktkas/hyperliquid/signing' {
  export * from '@nktkas/hyperliquid/script/signing/mod';
}
