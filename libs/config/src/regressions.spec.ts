import { ConfigError, loadEnv } from './env';

describe('loadEnv regressions', () => {
  it('treats an empty variable as unset (the default applies)', () => {
    expect(loadEnv({ PORT: '', PAPER_RANDOM_WALK: '' })).toMatchObject({ PORT: 3000, PAPER_RANDOM_WALK: false });
  });
  it('rejects loose numbers and misspelt booleans instead of guessing', () => {
    expect(() => loadEnv({ PORT: '0x10' })).toThrow(/PORT/);
    expect(() => loadEnv({ PORT: ' ' })).toThrow(/PORT/);
    expect(() => loadEnv({ PAPER_RANDOM_WALK: 'ture' })).toThrow(/PAPER_RANDOM_WALK/);
    expect(loadEnv({ PAPER_RANDOM_WALK: 'off' }).PAPER_RANDOM_WALK).toBe(false);
  });
  it('bounds the profit share to 0-100% at boot', () => {
    expect(() => loadEnv({ PROFIT_SHARE_PCT: '150' })).toThrow(/PROFIT_SHARE_PCT/);
    expect(loadEnv({ PROFIT_SHARE_PCT: '12.5' }).PROFIT_SHARE_PCT).toBe('12.5');
  });
  it('names its error', () => {
    try {
      loadEnv({ PORT: 'x' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).name).toBe('ConfigError');
    }
    expect.assertions(2);
  });
});
