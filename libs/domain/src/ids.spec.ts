import { clientOrderId, CONDUIT_NAMESPACE, deterministicId } from './ids';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('clientOrderId', () => {
  it('is 0x followed by 32 lowercase hex characters (a 128-bit cloid)', () => {
    expect(clientOrderId('dep-1', 'sig-1', 'open')).toMatch(/^0x[0-9a-f]{32}$/);
    expect(clientOrderId('', '', 'close')).toMatch(/^0x[0-9a-f]{32}$/);
  });

  it('is deterministic', () => {
    expect(clientOrderId('dep-1', 'sig-1', 'open')).toBe(clientOrderId('dep-1', 'sig-1', 'open'));
  });

  it('is stable across releases (orders already sent keep their id on retry)', () => {
    expect(clientOrderId('dep-1', 'sig-1', 'open')).toBe('0x9f862ce6b83e4f1577ada3d51d40689c');
    expect(clientOrderId('dep-1', 'sig-1', 'close')).toBe('0x0886bc8bac572c586534c16dffcd4a08');
  });

  it('differs by leg, deployment and signal', () => {
    const ids = new Set([
      clientOrderId('dep-1', 'sig-1', 'open'),
      clientOrderId('dep-1', 'sig-1', 'close'),
      clientOrderId('dep-2', 'sig-1', 'open'),
      clientOrderId('dep-1', 'sig-2', 'open'),
      clientOrderId('sig-1', 'dep-1', 'open'),
    ]);
    expect(ids.size).toBe(5);
  });
});

describe('deterministicId', () => {
  it('is a UUID v5', () => {
    expect(CONDUIT_NAMESPACE).toMatch(/^[0-9a-f-]{36}$/);
    expect(deterministicId('signal', 'abc')).toMatch(UUID_V5);
  });

  it('is stable: the same parts always give the same id', () => {
    expect(deterministicId('signal', 'abc')).toBe(deterministicId('signal', 'abc'));
    expect(deterministicId('signal', 'abc')).toBe('f2ce64d1-dc1f-55e1-9118-cd3721250ac9');
  });

  it('differs for different parts and for a different order', () => {
    const ids = new Set([
      deterministicId('signal', 'abc'),
      deterministicId('signal', 'abd'),
      deterministicId('abc', 'signal'),
      deterministicId('signal'),
    ]);
    expect(ids.size).toBe(4);
  });
});
