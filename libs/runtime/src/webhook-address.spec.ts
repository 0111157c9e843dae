import type { LookupAddress } from 'node:dns';
import { classifyAddress, pinnedLookup, resolveWebhookHost, webhookUrlProblem, WebhookAddressError } from './webhook-address';

/** A resolver answering from a table, counting its calls (no DNS in unit tests). */
function resolver(table: Record<string, string[] | Error>) {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    calls.push(host);
    const answer = table[host];
    if (answer instanceof Error) throw answer;
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('classifyAddress', () => {
  it.each([
    // IPv4: each refused range at its edges, and the public addresses just outside them
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.0', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.127.255.255', 'carrier-grade NAT (100.64.0.0/10)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.0.0', 'link-local'],
    ['169.254.169.254', 'link-local'],
    ['169.254.255.255', 'link-local'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.0', 'private'],
    ['192.168.255.255', 'private'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::', 'unique local (fc00::/7)'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique local (fc00::/7)'],
    ['fe80::', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'IPv4-compatible'],
    ['64:ff9b::a00:1', 'NAT64 (64:ff9b::/96)'],
    ['2002:7f00:1::', '6to4 (2002::/16)'],
    ['2001:0:4136:e378::1', 'Teredo (2001::/32)'],
    // IPv4-mapped IPv6: the IPv4 address decides
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
    ['::ffff:0:7f00:1', 'IPv4-translated'],
    // no address at all
    ['localhost', 'not an IP address'],
    ['0177.0.0.1', 'not an IP address'],
    ['127.1', 'not an IP address'],
    ['', 'not an IP address'],
  ])('refuses %p: %s', (address, range) => {
    expect(classifyAddress(address)).toEqual({ public: false, range });
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '9.255.255.255', // below 10/8
    '11.0.0.0', // above 10/8
    '100.63.255.255', // below 100.64/10
    '100.128.0.0', // above it
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255', // below 172.16/12
    '172.32.0.0', // above it
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255', // below multicast
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    'fbff:ffff::1', // below fc00::/7
    'fe00::1', // between fc00::/7 and fe80::/10: unallocated, not one of the refused ranges
  ])('accepts the public unicast address %p', (address) => {
    expect(classifyAddress(address)).toEqual({ public: true, range: 'unicast' });
  });

  it('accepts an IPv4-mapped public address (a dual-stack socket reaches the IPv4 one)', () => {
    expect(classifyAddress('::ffff:8.8.8.8')).toEqual({ public: true, range: 'IPv4-mapped unicast' });
  });
});

describe('resolveWebhookHost', () => {
  it('checks a literal address without resolving it', async () => {
    const resolve = resolver({});
    await expect(resolveWebhookHost('[::1]', false, resolve)).rejects.toThrow('::1 is not a public address (loopback)');
    await expect(resolveWebhookHost('169.254.169.254', false, resolve)).rejects.toMatchObject({ reason: 'private' });
    expect(await resolveWebhookHost('8.8.8.8', false, resolve)).toEqual([{ address: '8.8.8.8', family: 4 }]);
    expect(await resolveWebhookHost('[2606:4700:4700::1111]', false, resolve)).toEqual([{ address: '2606:4700:4700::1111', family: 6 }]);
    expect(resolve.calls).toEqual([]);
  });

  it('refuses a name when any of its addresses is not public, and answers every address when all are', async () => {
    const resolve = resolver({
      'mixed.example': ['8.8.8.8', '10.0.0.7'],
      'mapped.example': ['::ffff:127.0.0.1'],
      'public.example': ['8.8.8.8', '2001:4860:4860::8888'],
    });
    await expect(resolveWebhookHost('mixed.example', false, resolve)).rejects.toThrow(
      'mixed.example resolves to 10.0.0.7, not a public address (private)',
    );
    await expect(resolveWebhookHost('mapped.example', false, resolve)).rejects.toThrow(
      'mapped.example resolves to ::ffff:127.0.0.1, not a public address (IPv4-mapped loopback)',
    );
    expect(await resolveWebhookHost('public.example', false, resolve)).toEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2001:4860:4860::8888', family: 6 },
    ]);
    // allowed private: resolved all the same (the connection is pinned either way), not classified
    expect(await resolveWebhookHost('mixed.example', true, resolve)).toHaveLength(2);
    expect(resolve.calls).toEqual(['mixed.example', 'mapped.example', 'public.example', 'mixed.example']);
  });

  it('a name that does not resolve is its own reason, with the resolver code', async () => {
    const resolve = resolver({ 'flaky.example': Object.assign(new Error('try again'), { code: 'EAI_AGAIN' }) });
    const refused = await resolveWebhookHost('nowhere.invalid', false, resolve).catch((e) => e);
    expect(refused).toBeInstanceOf(WebhookAddressError);
    expect(refused).toMatchObject({ reason: 'unresolved', code: 'ENOTFOUND', message: 'nowhere.invalid does not resolve (ENOTFOUND)' });
    await expect(resolveWebhookHost('flaky.example', true, resolve)).rejects.toMatchObject({ reason: 'unresolved', code: 'EAI_AGAIN' });
  });
});

describe('pinnedLookup', () => {
  const checked: LookupAddress[] = [
    { address: '8.8.8.8', family: 4 },
    { address: '2001:4860:4860::8888', family: 6 },
  ];
  const ask = (options: object) =>
    new Promise<unknown[]>((resolve) => pinnedLookup(checked)('rebound.example', options, (...args: unknown[]) => resolve(args)));

  it('answers only the checked addresses, whatever the name (no second resolution)', async () => {
    expect(await ask({ all: true })).toEqual([null, checked]);
    expect(await ask({})).toEqual([null, '8.8.8.8', 4]);
    expect(await ask({ family: 6 })).toEqual([null, '2001:4860:4860::8888', 6]);
    expect(await ask({ family: 'IPv6', all: true })).toEqual([null, [checked[1]]]);
  });

  it('fails a family it has no checked address of', async () => {
    const [err] = await new Promise<unknown[]>((resolve) =>
      pinnedLookup([checked[0]])('x', { family: 6 }, (...args: unknown[]) => resolve(args)),
    );
    expect(err).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('webhookUrlProblem', () => {
  const resolve = resolver({ localhost: ['127.0.0.1', '::1'], 'hooks.example': ['8.8.4.4'] });

  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1 is not a public address (loopback)'],
    ['http://[::1]/hook', '::1 is not a public address (loopback)'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public address (link-local)'],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1 is not a public address (IPv4-mapped loopback)'],
    ['http://2130706433/hook', '127.0.0.1 is not a public address (loopback)'], // the URL parser normalises it
    ['http://0x7f.1/hook', '127.0.0.1 is not a public address (loopback)'],
    ['https://localhost/hook', 'localhost resolves to 127.0.0.1, not a public address (loopback)'],
    ['http://0.0.0.0/', '0.0.0.0 is not a public address (unspecified)'],
    ['https://nowhere.invalid/hook', 'nowhere.invalid does not resolve (ENOTFOUND)'],
  ])('refuses %p', async (url, why) => {
    expect(await webhookUrlProblem(url, false, resolve)).toBe(why);
  });

  it('accepts a public host, and anything when private addresses are allowed (without resolving)', async () => {
    const calls = resolve.calls.length;
    expect(await webhookUrlProblem('https://hooks.example/conduit?token=x', false, resolve)).toBeNull();
    expect(await webhookUrlProblem('https://93.184.215.14/hook', false, resolve)).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1/hook', true, resolve)).toBeNull();
    expect(await webhookUrlProblem('http://localhost/hook', true, resolve)).toBeNull();
    expect(resolve.calls.slice(calls)).toEqual(['hooks.example']);
  });
});
