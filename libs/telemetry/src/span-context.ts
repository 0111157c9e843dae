import { trace } from '@opentelemetry/api';

/** The trace id (32 hex digits) of the span active now; undefined when the process does not trace or none is active. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}

/** The span id (16 hex digits) of the span active now, as activeTraceId. */
export function activeSpanId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.spanId : undefined;
}

/** Sets attributes on the span active now (e.g. conduit.trace_id, the audit trail's id); a no-op without one. */
export function annotateActiveSpan(attributes: Record<string, string | number | boolean | undefined>): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) span.setAttribute(key, value);
}
