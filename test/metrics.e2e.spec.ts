import { Server } from 'http';
import { HealthService, MetricsService, probePort, serveProbes, closeProbes } from '@conduit/runtime';
import { OpenAiCompatibleClassifier } from '@conduit/signals';
import { startOpenAiServer } from '@conduit/testing';
import { PaperVenue, VenueRegistry } from '@conduit/venue';
import { driveJourney } from './journey-flow';
import { PipelineApps, startPipelineApps } from './pipeline-apps';

/** One sample of the exposition text: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

const has = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('metrics (scraped from running services)', () => {
  let apps: PipelineApps;
  let probes: Server;
  const scrapeGateway = async () => parse(await (await fetch(`${apps.api}/metrics`)).text());
  const scrapeExecutor = async () => parse(await (await fetch(`http://127.0.0.1:${probePort(probes)}/metrics`)).text());

  beforeAll(async () => {
    apps = await startPipelineApps();
    // The executor's probe server, as bootstrapWorker serves it.
    const executor = apps.workers[3];
    const health = executor.get(HealthService);
    const metrics = executor.get(MetricsService);
    const sources = { health: () => health.check(), ready: () => health.ready(), metrics: () => metrics.registry.metrics() };
    probes = await serveProbes(sources, 0, '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    if (probes) await closeProbes(probes);
    await apps?.close();
  });

  it('counts jobs, outcomes and orders of a signal through the pipeline, and reports queue depth per queue and state', async () => {
    const before = await scrapeExecutor();
    await driveJourney(apps);
    const after = await scrapeExecutor();
    const delta = (name: string, labels: Record<string, string>) => sum(after, name, labels) - sum(before, name, labels);

    // Two deployments opened (creator and subscriber), one position closed: three orders filled at the paper venue.
    expect(delta('conduit_orders_total', { venue: 'HYPERLIQUID', result: 'filled' })).toBe(3);
    expect(delta('conduit_outcomes_total', { status: 'PENDING' })).toBe(2);
    expect(delta('conduit_outcomes_total', { status: 'OPENED' })).toBe(2);
    expect(delta('conduit_outcomes_total', { status: 'FAILED' })).toBe(0);

    // Jobs by queue, name and status; their duration histogram under the same labels (the executor's own jobs).
    const opened = { queue: 'conduit-executor', name: 'executor.open-many', status: 'completed', service: 'executor' };
    expect(delta('conduit_jobs_total', opened)).toBeGreaterThanOrEqual(1);
    expect(delta('conduit_job_duration_seconds_count', opened)).toBe(delta('conduit_jobs_total', opened));
    expect(has(after, 'conduit_job_duration_seconds_bucket', { ...opened, le: '+Inf' })).toBe(true);
    expect(has(after, 'conduit_jobs_total', { queue: 'conduit-signal' })).toBe(false);

    // Queue depth: the executor reports the queue it consumes; the gateway, consuming none, every queue of the contract.
    const states = ['waiting', 'prioritized', 'active', 'delayed', 'failed'];
    for (const state of states)
      expect(has(after, 'conduit_queue_jobs', { queue: 'conduit-executor', state, service: 'executor' })).toBe(true);
    expect(has(after, 'conduit_queue_jobs', { queue: 'conduit-signal' })).toBe(false);
    const gateway = await scrapeGateway();
    const queues = ['conduit-signal', 'conduit-policy', 'conduit-router', 'conduit-executor', 'conduit-billing', 'conduit-notify'];
    for (const queue of queues)
      for (const state of states) expect(has(gateway, 'conduit_queue_jobs', { queue, state, service: 'gateway' })).toBe(true);
    expect(sum(gateway, 'conduit_queue_jobs', { state: 'failed' })).toBe(0);
    // Venue health as venues_status says it, from the gateway only: up, then down once the table says so.
    expect(sum(gateway, 'conduit_venue_up', { venue: 'HYPERLIQUID', service: 'gateway' })).toBe(1);
    expect(has(after, 'conduit_venue_up', {})).toBe(false);
    await apps.pg.query(`UPDATE venues_status SET status = 'DOWN', is_available = false WHERE venue = 'OSTIUM'`);
    const down = await scrapeGateway();
    expect([sum(down, 'conduit_venue_up', { venue: 'OSTIUM' }), sum(down, 'conduit_venue_up', { venue: 'HYPERLIQUID' })]).toEqual([0, 1]);
    await apps.pg.query(`UPDATE venues_status SET status = 'UP', is_available = true WHERE venue = 'OSTIUM'`);
  }, 120_000);

  it('times live venue requests by venue, operation and result', async () => {
    const registry = apps.workers[3].get(VenueRegistry);
    const live = new PaperVenue('OSTIUM', registry.prices, { takerFeeBps: '5', slippageBps: '0', startingEquityUsd: '1000' });
    Object.defineProperty(live, 'mode', { value: 'live' });
    (live as any).health = async () => {
      throw new Error('venue down');
    };
    registry.register(live);
    const before = await scrapeExecutor();
    await registry.get('OSTIUM', 'live').markets();
    await registry.get('OSTIUM', 'live').markets();
    await expect(registry.get('OSTIUM', 'live').health()).rejects.toThrow('venue down');
    const after = await scrapeExecutor();
    const delta = (labels: Record<string, string>) =>
      sum(after, 'conduit_venue_request_duration_seconds_count', labels) -
      sum(before, 'conduit_venue_request_duration_seconds_count', labels);
    expect(delta({ venue: 'OSTIUM', operation: 'markets', result: 'ok' })).toBe(2);
    expect(delta({ venue: 'OSTIUM', operation: 'health', result: 'error' })).toBe(1);
    expect(has(after, 'conduit_venue_request_duration_seconds_bucket', { venue: 'OSTIUM', operation: 'markets', le: '0.005' })).toBe(true);
  });

  it('times LLM calls and counts their tokens by model', async () => {
    const server = await startOpenAiServer({ apiKey: 'sk-metrics-test-key' });
    try {
      const classifier = new OpenAiCompatibleClassifier({
        baseUrl: `${server.url}/v1`,
        apiKey: server.apiKey,
        model: 'gpt-test',
        timeoutMs: 5000,
      });
      const answer = { is_signal: true, tokens: ['ETH'], side: 'LONG', confidence: 0.8, reasoning: 'A call.' };
      server.enqueue({ kind: 'json', body: answer, usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 } });
      const before = await scrapeExecutor();
      const input = { text: 'Long $ETH', author: 'a', knownSymbols: new Set(['ETH']) };
      await classifier.classify(input);
      await classifier.classify({ ...input, text: 'no answer queued: an HTTP error or a default answer' });
      const after = await scrapeExecutor();
      const delta = (name: string, labels: Record<string, string>) => sum(after, name, labels) - sum(before, name, labels);
      expect(delta('conduit_llm_request_duration_seconds_count', { model: 'gpt-test' })).toBe(2);
      expect(delta('conduit_llm_request_duration_seconds_count', { model: 'gpt-test', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(delta('conduit_llm_tokens_total', { model: 'gpt-test', kind: 'prompt' })).toBeGreaterThanOrEqual(120);
      expect(delta('conduit_llm_tokens_total', { model: 'gpt-test', kind: 'completion' })).toBeGreaterThanOrEqual(30);
    } finally {
      await server.close();
    }
  });
});
