import { describe, expect, it } from 'vitest';
import type { AgentTrade } from '../../api/agent';
import { tradeMarkers } from './PriceChart';

const trade = (over: Partial<AgentTrade>): AgentTrade => ({
  id: 'p1',
  agent_id: 'a1',
  decision_id: null,
  coin: 'ETH',
  side: 'long',
  size: '1.00000000',
  entry_price: '2000.00000000',
  entry_time: '2026-06-10T14:10:00.000Z',
  exit_price: '2100.50000000',
  exit_time: '2026-06-10T18:45:00.000Z',
  realized_pnl: '100.50000000',
  unrealized_pnl: null,
  fees: null,
  status: 'closed',
  hyperliquid_order_id: null,
  notes: null,
  stop_loss: null,
  take_profit: null,
  ...over,
});

const at = (iso: string) => Date.parse(iso) / 1000;
const times = ['2026-06-10T14:00:00Z', '2026-06-10T14:30:00Z', '2026-06-10T18:30:00Z', '2026-06-10T19:00:00Z'].map(at);

describe('tradeMarkers', () => {
  it('puts each entry and exit on the last mark at or before it, labelled with the API price, sorted by time', () => {
    const markers = tradeMarkers(
      [
        trade({ id: 'late', entry_time: '2026-06-10T19:05:00.000Z', exit_time: null, exit_price: null, side: 'short' }),
        trade({ id: 'early' }),
      ],
      times,
    );
    expect(markers.map((m) => [m.id, m.time, m.shape, m.position, m.text])).toEqual([
      ['entry-early', at('2026-06-10T14:00:00Z'), 'arrowUp', 'belowBar', 'Long $2,000.00'],
      ['exit-early', at('2026-06-10T18:30:00Z'), 'circle', 'aboveBar', 'Exit $2,100.50'],
      ['entry-late', at('2026-06-10T19:00:00Z'), 'arrowDown', 'aboveBar', 'Short $2,000.00'],
    ]);
  });

  it('puts a trade older than every mark on the first one', () => {
    const [entry] = tradeMarkers([trade({ entry_time: '2026-06-09T00:00:00.000Z' })], times);
    expect(entry.time).toBe(times[0]);
  });
});
