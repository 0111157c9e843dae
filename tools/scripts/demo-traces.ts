// The demo's traces: every service exports OpenTelemetry spans to a collector's receiving end kept in this process
// (unless OTEL_EXPORTER_OTLP_ENDPOINT names the user's own collector), and the demo prints a signal's path.
import { OtlpServer, ReceivedSpan, startOtlpServer } from '@conduit/testing';

const CONSUMER = 5;

export class DemoTraces {
  private server: OtlpServer | null = null;

  /** The services' tracing settings: the local receiver, exporting every 200 ms; none when the user has a collector. */
  async start(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
    if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return {};
    this.server = await startOtlpServer();
    return { OTEL_EXPORTER_OTLP_ENDPOINT: this.server.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
  }

  /**
   * One trace as lines: its request span, then each job it caused in the order the chain ran them (a job's depth is
   * its ancestors' count), once the last service's job is in. Null when the spans go to the user's collector.
   */
  async path(traceId: string, lastService: string, timeoutMs = 10_000): Promise<string[] | null> {
    const server = this.server;
    if (!server) return null;
    const spans = () => server.spans.filter((s) => s.traceId === traceId);
    // Each service exports on its own schedule: the trace is whole once the last job, the request and every parent are in.
    const whole = (all: ReceivedSpan[]) => {
      const ids = new Set(all.map((s) => s.spanId));
      return (
        all.some((s) => s.service === lastService && s.kind === CONSUMER) &&
        all.some((s) => !s.parentSpanId) &&
        all.every((s) => !s.parentSpanId || ids.has(s.parentSpanId))
      );
    };
    const deadline = Date.now() + timeoutMs;
    while (!whole(spans()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const all = spans();
    const byId = new Map(all.map((s) => [s.spanId, s]));
    const depth = (s: ReceivedSpan): number => (s.parentSpanId && byId.has(s.parentSpanId) ? 1 + depth(byId.get(s.parentSpanId)!) : 0);
    const root = all.find((s) => !s.parentSpanId);
    const jobs = all.filter((s) => s.kind === CONSUMER).sort((a, b) => depth(a) - depth(b));
    const hops = [
      ...(root ? [`${root.name} (${root.service})`] : []),
      ...jobs.map((s) => `${s.attributes['conduit.job_name'] ?? s.name} (${s.service})`),
    ];
    const services = new Set(all.map((s) => s.service)).size;
    const statements = all.filter((s) => s.attributes['db.system'] === 'postgresql' || s.name.startsWith('pg.')).length;
    return [hops.join(' → '), `${all.length} spans from ${services} services, ${statements} Postgres statements`];
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
