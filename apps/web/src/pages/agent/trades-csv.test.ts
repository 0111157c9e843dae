import { describe, expect, it } from 'vitest';
import type { AgentTrade } from '../../api/agent';
import { tradesCsv } from './trades-csv';

const trade = (over: Partial<AgentTrade>): AgentTrade => ({
  id: 'p1',
  agent_id: 'a1',
  decision_id: null,
  coin: 'ETH',
  side: 'long',
  size: '0.50000000',
  entry_price: '2000.00000000',
  entry_time: '2026-06-10T14:00:00.000Z',
  exit_price: '2100.00000000',
  exit_time: '2026-06-10T18:30:00.000Z',
  realized_pnl: '49.10000000',
  unrealized_pnl: null,
  fees: '0.90000000',
  status: 'closed',
  hyperliquid_order_id: null,
  notes: 'TAKE_PROFIT',
  stop_loss: '1950.00000000',
  take_profit: null,
  ...over,
});

describe('tradesCsv', () => {
  it('writes the API strings as they are, digit for digit, an empty field for null', () => {
    const csv = tradesCsv([trade({ realized_pnl: '9007199254740993.00000001' })]);
    expect(csv.split('\r\n')).toEqual([
      'id,coin,side,status,size,entry_time,entry_price,exit_time,exit_price,realized_pnl,fees,stop_loss,take_profit,notes',
      'p1,ETH,long,closed,0.50000000,2026-06-10T14:00:00.000Z,2000.00000000,2026-06-10T18:30:00.000Z,2100.00000000,' +
        '9007199254740993.00000001,0.90000000,1950.00000000,,TAKE_PROFIT',
      '',
    ]);
  });

  it('quotes a field with a comma, a quote or a line break', () => {
    const csv = tradesCsv([trade({ notes: 'closed by "hand", early\nagain' })]);
    expect(csv.split('\r\n')[1].endsWith(',"closed by ""hand"", early\nagain"')).toBe(true);
  });

  it('is a header alone without trades', () => {
    expect(tradesCsv([]).split('\r\n')).toHaveLength(2);
  });
});
