import { ManualClock } from '@conduit/testing';
import { AGENT_AS_OF, seedAgentPage, type AgentPageSeed } from './agent-page-fixtures';
import { useGateway } from './gateway-harness';

/** What the agent page reads, typed in the OpenAPI document: the running daily figures, the book's stops, the marks. */
describe('agent page endpoints', () => {
  const h = useGateway({ clock: new ManualClock(AGENT_AS_OF) });
  let seed: AgentPageSeed;
  const get = async (path: string) => {
    const res = await fetch(`${h.api}/api/v3${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  beforeAll(async () => (seed = await seedAgentPage(h.pg)));

  it('answers the agent with its subscribers (its book and one follower)', async () => {
    const { status, body } = await get(`/agents/${seed.agentId}`);
    expect(status).toBe(200);
    expect(body.agent).toMatchObject({ id: seed.agentId, name: 'Orion', kind: 'llm_trader', subscribers: 2, llm_model: 'deepseek-chat' });
  });

  it('answers each day with the cumulative PnL and the drawdown from its best, in decimal', async () => {
    const { body } = await get(`/agents/${seed.agentId}/performance`);
    expect(body.daily.map((d: Record<string, unknown>) => [d.day, d.pnl, d.cumulative_pnl, d.drawdown])).toEqual([
      ['2026-06-10', '49.10000000', '49.10000000', '0.00000000'],
      ['2026-06-11', '-10.45000000', '38.65000000', '-10.45000000'],
      ['2026-06-12', '0.00000000', '38.65000000', '-10.45000000'],
      ['2026-06-13', '10.30000000', '48.95000000', '-0.15000000'],
    ]);
  });

  it('answers the trades of the book with the stop loss and take profit they were opened with', async () => {
    const { body } = await get(`/agents/${seed.agentId}/trades`);
    expect(body.trades.map((t: Record<string, string>) => [t.id, t.side, t.stop_loss, t.take_profit, t.fees, t.notes])).toEqual([
      [seed.positionIds[2], 'long', '2000.00000000', '2150.00000000', '1.90000000', 'AGENT_CLOSE'],
      [seed.positionIds[1], 'short', '2120.00000000', '1980.00000000', '0.45000000', 'STOP_LOSS'],
      [seed.positionIds[0], 'long', '1950.00000000', '2100.00000000', '0.90000000', 'TAKE_PROFIT'],
    ]);
  });

  it('answers the marks of a token, oldest first, within the range and the limit', async () => {
    const { body } = await get(`/market/marks?token_symbol=ETH&from=2026-06-10T13:00:00Z&to=2026-06-10T15:00:00Z`);
    expect(body).toEqual({
      success: true,
      token_symbol: 'ETH',
      venue: null,
      marks: [
        { minute: '2026-06-10T13:00:00Z', mark: '2014.00000000' },
        { minute: '2026-06-10T13:30:00Z', mark: '2021.00000000' },
        { minute: '2026-06-10T14:00:00Z', mark: '2028.00000000' },
        { minute: '2026-06-10T14:30:00Z', mark: '2035.00000000' },
      ],
    });
    const last = await get(`/market/marks?token_symbol=ETH&venue=HYPERLIQUID&to=2026-06-14&limit=2`);
    expect(last.body.marks.map((m: { minute: string }) => m.minute)).toEqual(['2026-06-13T02:30:00Z', '2026-06-13T03:00:00Z']);
    expect((await get(`/market/marks?token_symbol=ETH&venue=NOWHERE`)).status).toBe(400);
    expect((await get(`/market/marks`)).body).toEqual({ success: true, token_symbol: null, venue: null, marks: [] });
    expect((await get(`/market/marks?token_symbol=ETH$`)).status).toBe(400);
  });
});
