import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { redactedAttributes, RedactingExporter, redactQuery } from './redaction';
import { tracingConfigured } from './tracing';

describe('what leaves a service in a span', () => {
  it('replaces the values of secret query parameters, keeping the others and the path', () => {
    expect(redactQuery('/api/v3/stream?token=abc.def&limit=5')).toBe('/api/v3/stream?token=[Redacted]&limit=5');
    expect(redactQuery('https://h/x?a=1&API_KEY=k&signature=0xff#f')).toBe('https://h/x?a=1&API_KEY=[Redacted]&signature=[Redacted]#f');
    expect(redactQuery('/api/v3/agents?tokens=ETH')).toBe('/api/v3/agents?tokens=ETH');
  });

  it('redacts every URL attribute, url.query without its question mark, and leaves a clean span as it was', () => {
    const attributes = {
      'http.target': '/s?token=t1',
      'http.url': 'http://g/s?token=t1',
      'url.full': 'http://g/s?password=p',
      'url.query': 'secret=x&page=2',
      'http.method': 'GET',
    };
    expect(redactedAttributes(attributes)).toEqual({
      'http.target': '/s?token=[Redacted]',
      'http.url': 'http://g/s?token=[Redacted]',
      'url.full': 'http://g/s?password=[Redacted]',
      'url.query': 'secret=[Redacted]&page=2',
      'http.method': 'GET',
    });
    const clean = { 'http.target': '/api/v3/agents?limit=1' };
    expect(redactedAttributes(clean)).toBe(clean);
  });

  it('exports the redacted copy, the span itself untouched', async () => {
    const inner = new InMemorySpanExporter();
    const span = { name: 'GET', attributes: { 'http.target': '/s?token=t1' }, spanContext: () => ({ traceId: 'a'.repeat(32) }) };
    const result = await new Promise((resolve) => new RedactingExporter(inner).export([span as unknown as ReadableSpan], resolve));
    expect(result).toEqual({ code: 0 });
    const [sent] = inner.getFinishedSpans();
    expect([sent.name, sent.attributes, sent.spanContext().traceId]).toEqual([
      'GET',
      { 'http.target': '/s?token=[Redacted]' },
      'a'.repeat(32),
    ]);
    expect(span.attributes['http.target']).toBe('/s?token=t1');
  });

  it('traces only when an OTLP endpoint is configured and the SDK is not disabled', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
  });
});
