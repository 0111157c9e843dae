// Loaded first by main.ts: tracing starts (when an OTLP endpoint is configured) before http, Nest and pg load.
import { startTracing } from '@conduit/telemetry';

startTracing('router');
