import type { RedisOptions } from 'ioredis';

/** ioredis options from a redis:// or rediss:// URL, as BullMQ wants them (no retry limit on blocking calls). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const path = u.pathname.replace(/^\//, '');
  if (path && !/^\d+$/.test(path)) throw new Error(`REDIS_URL database must be a number, got "${path}"`);
  const db = path ? Number(path) : 0;
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  };
}
