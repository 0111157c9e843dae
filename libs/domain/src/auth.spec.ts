import { proofOfIntentMessage, staleness } from './auth';

describe('proof of intent', () => {
  it('binds the wallet (lower case), the name and the timestamp, one per line', () => {
    expect(
      proofOfIntentMessage({
        creatorWallet: '0xAbC0000000000000000000000000000000000001',
        name: 'Alpha',
        timestamp: '2026-01-01T00:00:00.000Z',
      }),
    ).toBe(
      'Conduit: I intend to create this trading agent.\nCreator wallet: 0xabc0000000000000000000000000000000000001\nAgent ' +
        'name: Alpha\nTimestamp: 2026-01-01T00:00:00.000Z',
    );
  });

  it('is fresh within the window and a minute of clock skew, stale outside', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    expect(staleness('2026-01-01T00:00:00Z', now, 600)).toBeNull();
    expect(staleness('2026-01-01T00:00:00Z', now, 599)).toBe('is older than 599 s');
    expect(staleness('2026-01-01T00:11:00Z', now, 600)).toBeNull();
    expect(staleness('2026-01-01T00:11:01Z', now, 600)).toBe('is in the future (more than 60 s ahead)');
    expect(staleness('yesterday', now, 600)).toBe('is not a timestamp');
  });
});
