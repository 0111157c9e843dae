import express from 'express';
import { ConfigError, loadEnv } from './env';
import { trustProxySetting } from './trust-proxy';

/** Express's compiled `trust proxy` function for a setting: is the hop at `address`, `i` hops from the socket, a proxy? */
const trusts = (setting: false | number | string[]) => {
  const app = express();
  app.set('trust proxy', setting);
  return app.get('trust proxy fn') as (address: string, i: number) => boolean;
};

describe('TRUST_PROXY', () => {
  it.each([undefined, '', '  ', 'false', 'FALSE'])('%p trusts no proxy', (raw) => {
    expect(trustProxySetting(raw)).toBe(false);
    expect(loadEnv(raw === undefined ? {} : { TRUST_PROXY: raw }).TRUST_PROXY).toBe(raw === undefined || raw === '' ? undefined : raw);
  });

  it('a hop count is a number: Express trusts that many hops from the socket, whatever their address', () => {
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('0')).toBe(0);
    const fn = trusts(trustProxySetting('2'));
    expect([fn('203.0.113.7', 0), fn('203.0.113.7', 1), fn('203.0.113.7', 2)]).toEqual([true, true, false]);
  });

  it('a comma list of names, addresses and CIDRs is a list, trimmed, and Express trusts exactly those', () => {
    const setting = trustProxySetting('loopback, 10.0.0.0/8 ,192.168.1.10,fd00::/8');
    expect(setting).toEqual(['loopback', '10.0.0.0/8', '192.168.1.10', 'fd00::/8']);
    const fn = trusts(setting);
    const hops = ['127.0.0.1', '::1', '10.200.3.4', '192.168.1.10', 'fd12::1', '11.0.0.1', '192.168.1.11', '203.0.113.7', 'fe80::1'];
    expect(hops.filter((a) => fn(a, 0))).toEqual(['127.0.0.1', '::1', '10.200.3.4', '192.168.1.10', 'fd12::1']);
  });

  it.each([
    ['true', /TRUST_PROXY=true would believe any X-Forwarded-For/],
    ['101', /hop count 101 is more than 100/],
    ['loopback, nonsense', /entry "nonsense" is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal/],
    ['10.0.0.0/33', /entry "10.0.0.0\/33"/],
    ['10.0.0.0/8,', /entry ""/],
    ['-1', /entry "-1"/],
  ])('refuses %p at boot with a ConfigError that says why', (raw, why) => {
    expect(() => trustProxySetting(raw)).toThrow(why);
    expect(() => loadEnv({ TRUST_PROXY: raw })).toThrow(ConfigError);
    expect(() => loadEnv({ TRUST_PROXY: raw })).toThrow(why);
  });
});
