import { randomBytes } from 'crypto';
import { http } from '@conduit/testing';
import { useGateway } from './gateway-harness';

/** The smart-money bias and the event analyses over HTTP (seed 003): latest and history, decimals exact, 404s that say why. */
describe('bias and event analysis API', () => {
  const gw = useGateway();

  const bias = (at: string, asset: string, timeframe: string, value: string, confidence: string, components = {}) =>
    gw.pg.query(`INSERT INTO bias (timestamp, asset, timeframe, value, components, confidence) VALUES ($1, $2, $3, $4, $5, $6)`, [
      at,
      asset,
      timeframe,
      value,
      components,
      confidence,
    ]);
  const get = async (query: string) => (await http('GET', `${gw.api}/api/v3/bias${query}`)).body;
  const brief = (rows: any[]) =>
    rows.map((r) => `${r.asset} ${r.timeframe} ${new Date(r.timestamp).toISOString().slice(11, 16)} ${r.value}`);

  it('answers the latest bias per asset and timeframe, or the history between from and to', async () => {
    await bias('2026-06-15T10:00:00Z', 'ETH', '1h', '0.100', '0.33');
    await bias('2026-06-15T11:00:00Z', 'ETH', '1h', '-0.125', '0.60', { w: '1.0000' });
    await bias('2026-06-15T11:00:00Z', 'ETH', '24h', '0.999', '0.83');
    await bias('2026-06-15T11:00:00Z', 'ETH', '4h', '0.500', '0.50');
    await bias('2026-06-15T09:00:00Z', 'kPEPE', '4h', '-1.000', '0.00');

    const latest = await get('');
    expect(latest).toMatchObject({ success: true, mode: 'latest', count: 4 });
    expect(brief(latest.bias)).toEqual(['ETH 1h 11:00 -0.125', 'ETH 4h 11:00 0.500', 'ETH 24h 11:00 0.999', 'kPEPE 4h 09:00 -1.000']);
    expect(latest.bias[0]).toEqual({
      timestamp: '2026-06-15T11:00:00.000Z',
      asset: 'ETH',
      timeframe: '1h',
      value: '-0.125',
      components: { w: '1.0000' },
      confidence: '0.60',
    });
    expect(brief((await get('?asset=ETH&timeframe=4h')).bias)).toEqual(['ETH 4h 11:00 0.500']);
    expect(brief((await get('?asset=kPEPE')).bias)).toEqual(['kPEPE 4h 09:00 -1.000']);
    expect((await get('?asset=BTC')).bias).toEqual([]);

    const history = await get('?asset=ETH&timeframe=1h&from=2026-06-15');
    expect(history).toMatchObject({ mode: 'history', count: 2 });
    expect(brief(history.bias)).toEqual(['ETH 1h 11:00 -0.125', 'ETH 1h 10:00 0.100']); // newest first
    expect(brief((await get('?from=2026-06-15T09:00:00Z&to=2026-06-15T11:00:00Z')).bias)).toEqual([
      'ETH 1h 10:00 0.100',
      'kPEPE 4h 09:00 -1.000',
    ]);
    expect(brief((await get('?to=2026-06-15T10:00:00Z')).bias)).toEqual(['kPEPE 4h 09:00 -1.000']);
    expect((await get('?from=2026-06-15&limit=2')).count).toBe(2);
  });

  it('refuses bad filters with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['timeframe=2h', 'timeframe'],
      ['from=yesterday', 'from'],
      ['from=2026-06-15&to=2026-06-14', 'to must be after from'],
      ['asset=ETH$', 'asset'],
      ['limit=0', 'limit'],
    ]) {
      const res = await http('GET', `${gw.api}/api/v3/bias?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(res.body.message)).toContain(field);
    }
  });

  it('answers an event analysis, and a 404 that says whether the event is unknown or not analysed yet', async () => {
    const wallet = (await gw.pg.query(`INSERT INTO wallets (address) VALUES ($1) RETURNING id`, [`0x${randomBytes(20).toString('hex')}`]))
      .rows[0].id;
    const event = async () =>
      (
        await gw.pg.query(
          `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset)
           VALUES (now(), $1, $2, '7', 'open', 'ETH') RETURNING id`,
          [wallet, `0x${randomBytes(32).toString('hex')}`],
        )
      ).rows[0].id as string;
    const analysed = await event();
    await gw.pg.query(
      `INSERT INTO event_analysis (event_id, llm_classification, llm_confidence, llm_narrative, pattern_matched, bias_impact,
                                   proposed_action, analyser, model, prompt, raw_response, latency_ms, error)
       VALUES ($1, 'first_since_watch', 0.6, 'First trade.', 'rules:first_since_watch', -0.05, '{"action": "NONE", "asset": "ETH"}',
               'rules', 'gpt-x', '[]', null, 812, 'failed: request timed out after 800 ms')`,
      [analysed],
    );
    const ok = await http('GET', `${gw.api}/api/v3/events/${analysed}/analysis`);
    expect(ok.status).toBe(200);
    expect(ok.body.analysis).toMatchObject({
      event_id: analysed,
      llm_classification: 'first_since_watch',
      llm_confidence: '0.60',
      bias_impact: '-0.050',
      proposed_action: { action: 'NONE', asset: 'ETH' },
      analyser: 'rules',
      model: 'gpt-x',
      latency_ms: 812,
      error: 'failed: request timed out after 800 ms',
    });

    const pending = await event();
    const notYet = await http('GET', `${gw.api}/api/v3/events/${pending}/analysis`);
    expect(notYet.status).toBe(404);
    expect(notYet.body.message).toBe(`event ${pending} is not analysed yet`);
    const unknown = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    const missing = await http('GET', `${gw.api}/api/v3/events/${unknown}/analysis`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(`event ${unknown} not found`);
    expect((await http('GET', `${gw.api}/api/v3/events/nope/analysis`)).status).toBe(400);
  });
});
