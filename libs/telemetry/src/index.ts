// OpenTelemetry for Conduit's services: kept free of Nest and of the other libs, so an app's main can load it first.
export * from './redaction';
export * from './span-context';
export * from './tracing';
