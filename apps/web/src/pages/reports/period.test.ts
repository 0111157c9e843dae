import { describe, expect, it } from 'vitest';
import { periodLabel } from './period';

describe('report periods', () => {
  it('names a daily report by its UTC day, whatever the reader zone', () => {
    expect(periodLabel('daily', '2026-06-14T00:00:00.000Z', '2026-06-15T00:00:00.000Z', 'en-US')).toBe('Jun 14, 2026');
  });

  it('names a 4-hour report by its UTC day and hours', () => {
    expect(periodLabel('4h', '2026-06-14T20:00:00.000Z', '2026-06-15T00:00:00.000Z', 'en-US')).toBe('Jun 14, 2026, 20:00–00:00 UTC');
  });
});
