import { ConfigError, Env, loadEnv } from './env';

/** The ConfigError loadEnv throws for this environment (fails the test if it does not throw one). */
function configErrorOf(source: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadEnv', () => {
  it('loads the defaults from an empty environment', () => {
    const env = loadEnv({});
    expect(env).toBeInstanceOf(Env);
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/conduit',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'conduit',
      PORT: 3000,
      LOG_LEVEL: 'log',
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      WORKER_CONCURRENCY: 16,
      PAPER_STARTING_EQUITY_USD: '10000',
      PAPER_TAKER_FEE_BPS: '4.5',
      PAPER_SLIPPAGE_BPS: '5',
      PAPER_RANDOM_WALK: false,
      PAPER_WALK_INTERVAL_MS: 2000,
      PAPER_WALK_STEP_BPS: '5',
      PAPER_WALK_SEED: 'conduit',
      PROFIT_SHARE_PCT: '20',
      TRIAL_DAYS: 7,
      GATEWAY_WAIT_MS: 10000,
    });
    expect(env.HOST).toBeUndefined();
  });

  it('reads the given source, not process.env', () => {
    const saved = process.env.PORT;
    process.env.PORT = 'abc';
    try {
      expect(loadEnv({ PORT: '8080' }).PORT).toBe(8080);
      expect(loadEnv({}).PORT).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it('overrides defaults and parses integers to numbers', () => {
    const env = loadEnv({ PORT: '8080', WORKER_CONCURRENCY: '4', TRIAL_DAYS: '0', HOST: '0.0.0.0', REDIS_URL: 'redis://r:6380' });
    expect(env.PORT).toBe(8080);
    expect(env.WORKER_CONCURRENCY).toBe(4);
    expect(env.TRIAL_DAYS).toBe(0);
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.REDIS_URL).toBe('redis://r:6380');
  });

  it('keeps money settings as exact decimal strings', () => {
    const env = loadEnv({ PAPER_TAKER_FEE_BPS: '2.25', PROFIT_SHARE_PCT: '12.5' });
    expect(env.PAPER_TAKER_FEE_BPS).toBe('2.25');
    expect(env.PROFIT_SHARE_PCT).toBe('12.5');
  });

  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['0', false],
    ['no', false],
  ])('parses the boolean %p as %p', (raw, parsed) => {
    expect(loadEnv({ PAPER_RANDOM_WALK: raw }).PAPER_RANDOM_WALK).toBe(parsed);
  });

  it('ignores variables it does not know', () => {
    const env = loadEnv({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' });
    expect(env).not.toHaveProperty('PATH');
    expect(env).not.toHaveProperty('SOMETHING_ELSE');
  });

  it.each(['abc', '70000', '-1', '80.5'])('throws a ConfigError naming PORT for PORT=%p', (port) => {
    const e = configErrorOf({ PORT: port });
    expect(e.message).toMatch(/^invalid environment: PORT: /);
    expect(e.message).toContain('PORT must');
  });

  it('accepts the PORT bounds 0 and 65535', () => {
    expect(loadEnv({ PORT: '0' }).PORT).toBe(0);
    expect(loadEnv({ PORT: '65535' }).PORT).toBe(65535);
  });

  it.each([
    ['LOG_LEVEL', 'trace'],
    ['WORKER_CONCURRENCY', '0'],
    ['WORKER_CONCURRENCY', '1001'],
    ['PAPER_WALK_INTERVAL_MS', '99'],
    ['TRIAL_DAYS', '366'],
    ['GATEWAY_WAIT_MS', '120001'],
    ['PAPER_STARTING_EQUITY_USD', 'ten thousand'],
    ['PAPER_SLIPPAGE_BPS', '5bps'],
  ])('throws a ConfigError naming %s for %p', (key, value) => {
    expect(configErrorOf({ [key]: value }).message).toContain(`${key}: `);
  });

  it('names every bad variable at once', () => {
    const e = configErrorOf({ PORT: 'abc', LOG_LEVEL: 'loud', TRIAL_DAYS: '-1' });
    expect(e.message).toContain('PORT: ');
    expect(e.message).toContain('LOG_LEVEL: ');
    expect(e.message).toContain('TRIAL_DAYS: ');
    expect(e.message).not.toContain('WORKER_CONCURRENCY');
  });
});
