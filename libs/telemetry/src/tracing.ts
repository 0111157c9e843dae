import { trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Telemetry } from 'bullmq';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing starts (see sdk()) */
/**
 * The SDK, the exporter and the instrumentations, required when tracing starts and never otherwise: a service that
 * does not trace loads @opentelemetry/api alone (the SDK's modules cost each process about 12 MiB and 0.2 s at boot).
 */
const sdk = () => ({
  ...(require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')),
  ...(require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation')),
  ...(require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express')),
  ...(require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http')),
  ...(require('@opentelemetry/instrumentation-nestjs-core') as typeof import('@opentelemetry/instrumentation-nestjs-core')),
  ...(require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg')),
  ...(require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici')),
  ...(require('@opentelemetry/resources') as typeof import('@opentelemetry/resources')),
  ...(require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base')),
  ...(require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node')),
  ...(require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions')),
  ...(require('bullmq-otel') as typeof import('bullmq-otel')),
  ...(require('./redaction') as typeof import('./redaction')),
});
/* eslint-enable @typescript-eslint/no-require-imports */

/** The tracer name of Conduit's own spans and of BullMQ's (bullmq-otel). */
export const TRACER_NAME = 'conduit';

/** Probes and scrapes answer every few seconds: never traced. */
const UNTRACED_PATHS = /^\/(health(\/live|\/ready)?|metrics)\/?(\?|$)/;

let provider: NodeTracerProvider | null = null;
let bullmq: Telemetry | undefined;

export interface TracingOptions {
  /** The environment the OTEL_* variables are read from (process.env). */
  env?: NodeJS.ProcessEnv;
  /** Spans go here instead of OTLP, each as it ends (tests: an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

/**
 * Whether traces are exported: an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and OTEL_SDK_DISABLED is not true. Off by default: no endpoint, no tracing.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (String(env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Starts OpenTelemetry tracing for one service, when configured (tracingConfigured) or given an exporter; returns
 * whether it did. Must run before the instrumented modules load (http, express, @nestjs/core, pg): each app's main
 * imports its `tracing.ts` first. Spans: the HTTP server and Nest handlers (not the probes), Postgres statements
 * inside a trace (placeholders, never parameters), outgoing fetch calls (venues, LLMs), and BullMQ's producer and
 * consumer spans (bullmq-otel, handed to the queues by bullmqTelemetry()), whose job options carry the W3C trace
 * context, so a request's trace goes on through every job it causes, in whichever service runs it. The OTLP exporter
 * reads its endpoint, headers and protocol from the standard OTEL_EXPORTER_OTLP_* variables; sampling from
 * OTEL_TRACES_SAMPLER (parent-based, always on by default).
 */
export function startTracing(service: string, options: TracingOptions = {}): boolean {
  const env = options.env ?? process.env;
  if (provider) return true;
  if (!options.exporter && !tracingConfigured(env)) return false;
  const {
    ATTR_SERVICE_NAME,
    ATTR_SERVICE_VERSION,
    BatchSpanProcessor,
    BullMQOtel,
    ExpressInstrumentation,
    ExpressLayerType,
    HttpInstrumentation,
    NestInstrumentation,
    NodeTracerProvider,
    OTLPTraceExporter,
    PgInstrumentation,
    RedactingExporter,
    registerInstrumentations,
    resourceFromAttributes,
    SimpleSpanProcessor,
    UndiciInstrumentation,
  } = sdk();
  const exporter = new RedactingExporter(options.exporter ?? new OTLPTraceExporter());
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || service,
      [ATTR_SERVICE_VERSION]: env.APP_VERSION || 'dev',
      'service.namespace': 'conduit',
    }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  // The global tracer provider, W3C trace-context propagator and AsyncLocalStorage context manager.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new NestInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false, ignoreConnectSpans: true }),
      new UndiciInstrumentation(),
    ],
  });
  bullmq = new BullMQOtel(TRACER_NAME);
  return true;
}

/** Whether this process traces (startTracing ran and took effect). */
export const tracingEnabled = () => provider !== null;

/** BullMQ's telemetry for the queues and workers of a traced process; undefined otherwise (no cost when off). */
export const bullmqTelemetry = (): Telemetry | undefined => bullmq;

/** How long the shutdown waits for the last export: a collector away must not hold the drain (SHUTDOWN_TIMEOUT_MS). */
export const SHUTDOWN_EXPORT_MS = 2_000;

/**
 * Exports the spans still buffered and stops tracing (graceful shutdown; a no-op when off). Rejects when the export
 * fails or takes longer than SHUTDOWN_EXPORT_MS (the spans are then lost; the caller logs it and exits anyway).
 */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  if (!p) return;
  provider = null;
  bullmq = undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the collector within ${SHUTDOWN_EXPORT_MS} ms`)), SHUTDOWN_EXPORT_MS);
    timer.unref();
  });
  try {
    await Promise.race([p.shutdown(), late]);
  } finally {
    clearTimeout(timer);
    trace.disable();
  }
}

/** Exports the spans buffered so far (tests). */
export const flushTracing = () => provider?.forceFlush() ?? Promise.resolve();
