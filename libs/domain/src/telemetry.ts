/**
 * What the services report for their metrics, from wherever it happens (venue adapters, the LLM endpoint, the
 * outcome statements, the order sender), without those libraries knowing Prometheus: each report goes to every
 * registered sink, and the runtime lib registers its MetricsService as one. With no sink (a unit test, a script)
 * reports go nowhere. Labels are low-cardinality by construction: venue names, method names, model names, statuses.
 */
export interface TelemetrySink {
  /** One outcome of a signal × deployment reached `status` (PENDING, SKIPPED, OPENED, FAILED), `count` of them. */
  outcome(status: string, count: number): void;
  /** One order placed at a venue: its answer (filled, pending, rejected) or error (the call threw). */
  order(venue: string, result: string): void;
  /** One call of a live venue adapter (HTTP or RPC underneath): its duration, ok or error. */
  venueRequest(venue: string, operation: string, result: 'ok' | 'error', seconds: number): void;
  /** One LLM completion: its duration, the result (ok, failed, parsing_error) and the tokens the provider reported. */
  llmRequest(model: string, result: string, seconds: number, tokens: { prompt: number; completion: number } | null): void;
}

const sinks = new Set<TelemetrySink>();

/** Adds a sink; returns its removal. */
export function addTelemetrySink(sink: TelemetrySink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

/** Reports to every sink; a failing sink never fails the caller. */
function report(fn: (s: TelemetrySink) => void): void {
  for (const s of sinks) {
    try {
      fn(s);
    } catch {
      /* metrics must not break the work they measure */
    }
  }
}

export const telemetry = {
  outcome: (status: string, count = 1) => count > 0 && report((s) => s.outcome(status, count)),
  order: (venue: string, result: string) => report((s) => s.order(venue, result)),
  venueRequest: (venue: string, operation: string, result: 'ok' | 'error', seconds: number) =>
    report((s) => s.venueRequest(venue, operation, result, seconds)),
  llmRequest: (model: string, result: string, seconds: number, tokens: { prompt: number; completion: number } | null) =>
    report((s) => s.llmRequest(model, result, seconds, tokens)),
};

/** Seconds since `started` (a performance.now() reading). */
export const secondsSince = (started: number) => (performance.now() - started) / 1000;
