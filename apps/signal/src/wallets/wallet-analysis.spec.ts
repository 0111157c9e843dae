import { randomBytes } from 'crypto';
import { Logger } from '@nestjs/common';
import { JobName, jobId, QueueName } from '@conduit/queue';
import { eventAnalysisReply, ManualClock, OpenAiServer, startOpenAiServer, useServiceHarness, waitForJob } from '@conduit/testing';
import { SignalAppModule } from '../app.module';
import { WalletAnalysis } from './wallet-analysis';

/**
 * Each watched wallet's event analysed once, by a local OpenAI-compatible server (good, failing, malformed and slow
 * answers) with the rules as fallback, on real Postgres and Redis; then its asset's bias job.
 */
describe('wallet event analysis with an LLM', () => {
  let llm: OpenAiServer;
  const overrides: Record<string, string> = {
    LLM_TIMEOUT_MS: '1000',
    LLM_MODEL: 'analyst-model',
    SIGNAL_GENERATE_INTERVAL_MS: '0',
    WALLET_POLL_INTERVAL_MS: '0',
    WALLET_BIAS_INTERVAL_MS: '0',
  };
  beforeAll(async () => {
    llm = await startOpenAiServer({ apiKey: `sk-test-${randomBytes(8).toString('hex')}` });
    Object.assign(overrides, { LLM_BASE_URL: `${llm.url}/v1`, LLM_API_KEY: llm.apiKey });
  });
  afterAll(() => llm?.close());
  const clock = new ManualClock('2026-06-15T10:00:00.000Z');
  const h = useServiceHarness((env) => SignalAppModule.forRoot(env), overrides, { clock });
  const queue = () => h.queues[QueueName.Signal];

  let fill = 1000;
  const wallet = async () =>
    (await h.pg.query(`INSERT INTO wallets (address, label) VALUES ($1, 'Whale') RETURNING id`, [`0x${randomBytes(20).toString('hex')}`]))
      .rows[0].id as string;
  /** An open of 1 ETH long at 2000 (10 % of equity), first since watch unless told otherwise. */
  const event = async (walletId: string, fields: Record<string, unknown> = {}) => {
    const row = {
      timestamp: '2026-06-15T09:50:00Z',
      wallet_id: walletId,
      tx_hash: `0x${randomBytes(32).toString('hex')}`,
      fill_id: String(++fill),
      event_type: 'open',
      asset: 'ETH',
      amount: '1',
      notional_usd: '2000.00',
      size_fraction: '0.1000',
      is_first_since_watch: true,
      position_before: '0',
      position_after: '1',
      realized_pnl: '0',
      raw_data: { px: '2000' },
      ...fields,
    };
    const cols = Object.keys(row);
    const sql = `INSERT INTO events (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
    return (await h.pg.query(sql, Object.values(row))).rows[0].id as string;
  };
  const analyse = async (eventId: string, tag = 'test', attempts?: number) => {
    const id = jobId(JobName.SignalWalletAnalyse, eventId, tag);
    await queue().add(JobName.SignalWalletAnalyse, { eventId }, { jobId: id, ...(attempts ? { attempts } : {}) });
    return waitForJob(queue(), id);
  };
  const analysis = async (eventId: string) =>
    (
      await h.pg.query(
        `SELECT event_id, llm_classification, llm_confidence::text, llm_narrative, pattern_matched, bias_impact::text, proposed_action,
                analyser, model, prompt, raw_response, latency_ms, error FROM event_analysis WHERE event_id = $1`,
        [eventId],
      )
    ).rows;

  it('stores the LLM analysis with its prompt, raw answer and latency, then recomputes the asset bias', async () => {
    const answer = {
      classification: 'first_since_watch',
      confidence: '0.915',
      narrative: 'A newly watched whale opens a long.',
      pattern: 'fresh_entry',
      bias_impact: '0.45',
      proposed_action: { action: 'OPEN_LONG', asset: 'ETH' },
    };
    const reply = eventAnalysisReply(answer, { model: 'analyst-model-2026' });
    llm.enqueue(reply);
    const eventId = await event(await wallet());
    const job = await analyse(eventId);
    expect(job.returnvalue).toEqual({ analyser: 'llm', stored: true, asset: 'ETH' });

    const [row] = await analysis(eventId);
    expect(row).toMatchObject({
      llm_classification: 'first_since_watch',
      llm_confidence: '0.92',
      llm_narrative: answer.narrative,
      pattern_matched: 'fresh_entry',
      bias_impact: '0.450',
      proposed_action: { action: 'OPEN_LONG', asset: 'ETH' },
      analyser: 'llm',
      model: 'analyst-model-2026',
      raw_response: (reply as { content: string }).content,
      error: null,
    });
    expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    expect(row.prompt).toBe(JSON.stringify(llm.requests.at(-1)!.messages));
    expect(JSON.parse(JSON.parse(row.prompt)[1].content).event).toMatchObject({
      type: 'open',
      asset: 'ETH',
      first_trade_since_watched: true,
    });

    // one bias job per asset and event: it ran at the clock's now
    const bias = await waitForJob(queue(), jobId(JobName.SignalWalletBias, 'ETH', 'event', eventId));
    expect(bias.data).toEqual({ asset: 'ETH' });
    expect(bias.returnvalue).toMatchObject({ assets: 1 });
    const { rows } = await h.pg.query(`SELECT timeframe FROM bias WHERE asset = 'ETH' AND timestamp = $1 ORDER BY timeframe`, [
      clock.now(),
    ]);
    expect(rows.map((r) => r.timeframe)).toEqual(['1h', '24h', '4h']);
  });

  it('analyses an event once when the job runs twice, concurrently and again later', async () => {
    const eventId = await event(await wallet(), { asset: 'BTC', raw_data: { px: '60000' } });
    const reply = (impact: string) =>
      ({
        kind: 'slow',
        delayMs: 150,
        then: eventAnalysisReply({
          classification: 'routine',
          confidence: '0.5',
          narrative: `scripted ${impact}`,
          pattern: null,
          bias_impact: impact,
          proposed_action: { action: 'NONE', asset: 'BTC' },
        }),
      }) as const;
    llm.enqueue(reply('0.1'), reply('-0.1'));
    const service = h.app.get(WalletAnalysis);
    const both = await Promise.all([service.analyse(eventId), service.analyse(eventId)]);
    expect(both.map((r) => r.stored).sort()).toEqual([false, true]);
    const requests = llm.requests.length;
    const again = await analyse(eventId, 'again');
    expect(again.returnvalue).toEqual({ analyser: 'llm', stored: false, asset: 'BTC' });
    expect(llm.requests.length).toBe(requests); // analysed already: no second question
    const rows = await analysis(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0].llm_narrative).toBe(`scripted ${rows[0].bias_impact === '0.100' ? '0.1' : '-0.1'}`);
  });

  it('falls back to the rules when the LLM fails, keeping the attempt and its error, never the API key', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const walletId = await wallet();
    // a 500 whose message carries the key, an unparsable answer, a timeout
    llm.enqueue(
      { kind: 'error', status: 500, message: `upstream rejected ${llm.apiKey}` },
      { kind: 'text', content: '{"classification": "flip"' },
      { kind: 'slow', delayMs: 3000, then: { kind: 'text', content: '{}' } },
    );
    const ids = [await event(walletId), await event(walletId), await event(walletId)];
    for (const id of ids) expect((await analyse(id)).returnvalue).toMatchObject({ analyser: 'rules', stored: true });

    const rows = [];
    for (const id of ids) rows.push(...(await analysis(id)));
    // the rules on an open of 10 % of equity, first since watch: 0.5 × 1.2 × (0.1 / 0.2) = 0.3, long
    for (const row of rows)
      expect(row).toMatchObject({
        llm_classification: 'first_since_watch',
        llm_confidence: '0.60',
        pattern_matched: 'rules:first_since_watch',
        bias_impact: '0.300',
        proposed_action: { action: 'OPEN_LONG', asset: 'ETH' },
        analyser: 'rules',
        model: 'analyst-model',
      });
    expect(rows.map((r) => r.error)).toEqual([
      'failed: HTTP 500: upstream rejected [redacted]',
      expect.stringMatching(/^parsing_error: answer is not JSON/),
      'failed: request timed out after 1000 ms',
    ]);
    expect(rows.map((r) => r.raw_response)).toEqual([expect.stringContaining('[redacted]'), '{"classification": "flip"', null]);
    for (const row of rows) expect(JSON.parse(row.prompt)[1].role).toBe('user');
    expect(rows[2].latency_ms).toBeGreaterThanOrEqual(990);

    const logged = warn.mock.calls.map((c) => String(c[0])).filter((m) => ids.some((id) => m.includes(id)));
    expect(logged).toHaveLength(3);
    expect(logged[0]).toContain('LLM analysis failed (HTTP 500: upstream rejected [redacted])');
    warn.mockRestore();
    const leaked = await h.pg.query(`SELECT count(*)::int AS n FROM event_analysis x WHERE x::text LIKE '%' || $1 || '%'`, [llm.apiKey]);
    expect(leaked.rows[0].n).toBe(0);
    expect(logged.join('\n')).not.toContain(llm.apiKey);
  });

  it('fails an unknown event', async () => {
    const job = await analyse('3fa85f64-5717-4562-b3fc-2c963f66afa6', 'unknown', 1);
    expect(job.state).toBe('failed');
    expect(job.failedReason).toContain('unknown event 3fa85f64-5717-4562-b3fc-2c963f66afa6');
  });
});
