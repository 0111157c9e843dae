import { describe, expect, it } from 'vitest';
import { payloadFacts } from './LiveNotifications';

describe('payloadFacts', () => {
  it('keeps the scalar fields as written, amounts as their strings, and drops nested ones', () => {
    expect(payloadFacts({ venue: 'HYPERLIQUID', pnl: '-10.1755', enabled: true, streak: 3, detail: { a: 1 }, list: [1] })).toEqual([
      ['venue', 'HYPERLIQUID'],
      ['pnl', '-10.1755'],
      ['enabled', 'true'],
      ['streak', '3'],
    ]);
  });

  it('names a field with spaces for its underscores', () => {
    expect(payloadFacts({ exit_reason: 'STOP_LOSS' })).toEqual([['exit reason', 'STOP_LOSS']]);
  });
});
