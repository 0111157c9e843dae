import { redisOptions } from './redis';

describe('redisOptions', () => {
  it('parses user, password, host, port and database', () => {
    expect(redisOptions('redis://user:pass@host:6380/2')).toEqual({
      host: 'host',
      port: 6380,
      username: 'user',
      password: 'pass',
      db: 2,
      tls: undefined,
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
    });
  });

  it('enables TLS for rediss://', () => {
    const o = redisOptions('rediss://default:secret@cache.example.com:6390/1');
    expect(o.tls).toEqual({});
    expect(o).toMatchObject({ host: 'cache.example.com', port: 6390, username: 'default', password: 'secret', db: 1 });
  });

  it('uses port 6379 and database 0 when absent', () => {
    expect(redisOptions('redis://127.0.0.1')).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      username: undefined,
      password: undefined,
    });
    expect(redisOptions('redis://127.0.0.1:6379/')).toMatchObject({ port: 6379, db: 0 });
    expect(redisOptions('rediss://h').port).toBe(6379);
  });

  it('decodes percent-encoded credentials', () => {
    expect(redisOptions('redis://us%40er:p%3As%2Fs@h')).toMatchObject({ username: 'us@er', password: 'p:s/s' });
  });

  it('accepts a password without a user name', () => {
    expect(redisOptions('redis://:secret@h:6380')).toMatchObject({ username: undefined, password: 'secret', port: 6380 });
  });

  it('sets what BullMQ requires: no per-request retry limit', () => {
    expect(redisOptions('redis://h').maxRetriesPerRequest).toBeNull();
  });

  it('throws on something that is not a URL', () => {
    expect(() => redisOptions('not a url')).toThrow();
  });
});
