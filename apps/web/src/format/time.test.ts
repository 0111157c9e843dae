import { describe, expect, it } from 'vitest';
import { formatDay, formatTime } from './time';

describe('time formatting', () => {
  it('shows an instant in the reader zone, naming it', () => {
    const at = Date.parse('2026-06-15T09:30:00Z');
    expect(formatTime(at, { locale: 'en-US', timeZone: 'America/New_York' })).toBe('Jun 15, 2026, 5:30 AM EDT');
    expect(formatTime(at, { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('15 Jun 2026, 18:30 GMT+9');
    // Without a zone it is the browser's own.
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(formatTime(at, { locale: 'en-US' })).toBe(formatTime(at, { locale: 'en-US', timeZone: zone }));
  });

  it('keeps a UTC day the same day in every zone', () => {
    expect(formatDay('2026-06-01', 'en-US')).toBe('Jun 1, 2026');
  });
});
