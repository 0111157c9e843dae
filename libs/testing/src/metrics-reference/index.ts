// The metrics conventions the shared vectors (metrics.json) check beyond what Conduit computes: a reference for the
// tests. It lives in the testing lib, which the build leaves out, and no index exports it.
export * from './returns';
export * from './gaussian';
export * from './freqtrade';
