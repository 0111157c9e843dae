import { redisOptions } from './redis';

describe('redisOptions regressions', () => {
  it('unwraps an IPv6 host', () => {
    expect(redisOptions('redis://[::1]:6380').host).toBe('::1');
  });
  it('rejects a database that is not a number', () => {
    expect(() => redisOptions('redis://h/abc')).toThrow(/database must be a number/);
  });
});
