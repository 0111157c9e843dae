import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Query parameters whose values never leave the process, in a span or a log line (the stream's bearer is ?token=). */
const SECRET_QUERY = /([?&](?:token|access_token|api_key|key|secret|password|signature|nonce)=)[^&#\s]*/gi;

/** Span attributes that may hold a URL or a path with its query string (old and stable HTTP semantic conventions). */
const URL_ATTRIBUTES = ['http.url', 'http.target', 'url.full', 'url.query', 'http.route', 'url.path'];

/** A URL, target or query string with the values of secret parameters replaced. */
export const redactQuery = (value: string) => value.replace(SECRET_QUERY, '$1[Redacted]');

/** The span's attributes with every secret query value replaced; the same object when there is none. */
export function redactedAttributes(attributes: ReadableSpan['attributes']): ReadableSpan['attributes'] {
  let copy: Record<string, unknown> | null = null;
  for (const key of URL_ATTRIBUTES) {
    const value = attributes[key];
    if (typeof value !== 'string') continue;
    // url.query has no leading '?': redact it as if it had one.
    const redacted = key === 'url.query' ? redactQuery(`?${value}`).slice(1) : redactQuery(value);
    if (redacted !== value) (copy ??= { ...attributes })[key] = redacted;
  }
  return (copy ?? attributes) as ReadableSpan['attributes'];
}

/**
 * Wraps the exporter: every span leaves with its URL attributes redacted (see redactedAttributes). Headers and bodies
 * are never recorded by the instrumentations as configured (tracing.ts), and pg spans carry the statement's text with
 * its placeholders, never the parameters: a query string is the one place a secret could reach a span.
 */
export class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const safe = spans.map((span) => {
      const attributes = redactedAttributes(span.attributes);
      return attributes === span.attributes ? span : (Object.assign(Object.create(span), { attributes }) as ReadableSpan);
    });
    this.inner.export(safe, done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
