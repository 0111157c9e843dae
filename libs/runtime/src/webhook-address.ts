import { promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The webhook SSRF guard (docs/NOTIFICATIONS.md, "Webhook addresses"): a webhook is a URL a user chooses and the
 * notifier POSTs to, so without a check a user could make the notifier reach loopback, the private network, a cloud
 * metadata endpoint (169.254.169.254) or any other address that is not on the public Internet. Only public unicast
 * addresses pass. The gateway checks a URL when it is set; the notifier resolves it again at each send, checks every
 * address and connects only to those it checked (pinnedLookup), so a name that changes its answer after the check
 * (DNS rebinding) cannot move the connection. NOTIFY_WEBHOOK_ALLOW_PRIVATE turns the check off (tests and a trusted
 * local setup, whose receivers listen on 127.0.0.1).
 */

/** Ranges ipaddr.js 1.9 calls unicast that are not public either. */
const NOT_PUBLIC_EXTRA: [ipaddr.IPv4 | ipaddr.IPv6, number, string][] = [
  ['198.18.0.0/15', 'benchmarking'], // RFC 2544
  ['::/96', 'IPv4-compatible'], // deprecated ::a.b.c.d
  ['fec0::/10', 'site-local'], // deprecated, still routed inside some networks
  ['100::/64', 'discard-only'], // RFC 6666
].map(([cidr, name]) => [...ipaddr.parseCIDR(cidr), name] as [ipaddr.IPv4 | ipaddr.IPv6, number, string]);

/** ipaddr.js' range names as a reader knows them. */
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique local (fc00::/7)',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64 (64:ff9b::/96)',
  '6to4': '6to4 (2002::/16)',
  teredo: 'Teredo (2001::/32)',
};

export interface AddressClass {
  /** Only public unicast addresses may be webhook destinations. */
  public: boolean;
  /** unicast, or why not: loopback, private, link-local, … ("IPv4-mapped loopback" for ::ffff:127.0.0.1). */
  range: string;
}

/**
 * Classifies an IP address in its standard text form (dotted decimal, or IPv6 with or without brackets). Anything
 * else (a name, an octal or shortened IPv4 such as 0177.1) is no address: not public.
 */
export function classifyAddress(text: string): AddressClass {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!isIP(address)) return { public: false, range: 'not an IP address' };
  let ip = ipaddr.parse(address);
  let prefix = '';
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address(); // ::ffff:a.b.c.d is a.b.c.d to a dual-stack socket
    prefix = 'IPv4-mapped ';
  }
  let range: string = ip.range();
  if (range === 'unicast')
    range = NOT_PUBLIC_EXTRA.find(([net, bits]) => net.kind() === ip.kind() && (ip as any).match(net, bits))?.[2] ?? range;
  return { public: range === 'unicast', range: prefix + (RANGE_WORDS[range] ?? range) };
}

/** A webhook destination that is not public (or does not resolve); `message` says which address and why. */
export class WebhookAddressError extends Error {
  override name = 'WebhookAddressError';
  constructor(
    message: string,
    /** `private`: an address that is not public; `unresolved`: the name has no address. */
    readonly reason: 'private' | 'unresolved',
    /** The resolver's error code, when the name did not resolve (ENOTFOUND, EAI_AGAIN, …). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** How names are resolved (dns.promises.lookup, as Node's http does; a test may give its own). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;
export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The addresses of a URL's host, each checked: a literal address is classified as it is; a name is resolved once and
 * every address it has must be public (one private address among public ones is refused: the connection could take
 * it). `allowPrivate` skips the classification, not the resolution. Throws a WebhookAddressError.
 */
export async function resolveWebhookHost(
  hostname: string,
  allowPrivate: boolean,
  resolve: Resolve = systemResolve,
): Promise<LookupAddress[]> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(host);
  if (family) {
    const c = classifyAddress(host);
    if (!allowPrivate && !c.public) throw new WebhookAddressError(`${host} is not a public address (${c.range})`, 'private');
    return [{ address: host, family }];
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (err: any) {
    throw new WebhookAddressError(`${host} does not resolve (${err?.code ?? 'error'})`, 'unresolved', err?.code);
  }
  if (!addresses.length) throw new WebhookAddressError(`${host} does not resolve (no address)`, 'unresolved', 'ENOTFOUND');
  if (!allowPrivate)
    for (const a of addresses) {
      const c = classifyAddress(a.address);
      if (!c.public) throw new WebhookAddressError(`${host} resolves to ${a.address}, not a public address (${c.range})`, 'private');
    }
  return addresses;
}

/**
 * A `lookup` for http.request / net.connect that answers only the addresses already checked, whatever name it is
 * asked: the connection goes where the check looked, never to a second, unchecked resolution.
 */
export function pinnedLookup(addresses: LookupAddress[]) {
  return (
    _hostname: string,
    options: LookupOptions | number | ((...args: any[]) => void),
    callback?: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const cb = (typeof options === 'function' ? options : callback)!;
    const opts = typeof options === 'object' ? options : { family: typeof options === 'number' ? options : 0 };
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : (opts.family ?? 0);
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    if (!usable.length) {
      const err: NodeJS.ErrnoException = Object.assign(new Error(`no checked address of family ${family}`), { code: 'ENOTFOUND' });
      return void process.nextTick(cb, err, '', 0);
    }
    if (opts.all) return void process.nextTick(cb, null, usable);
    process.nextTick(cb, null, usable[0].address, usable[0].family);
  };
}

/**
 * The settings-time check of a webhook URL (the gateway): null when the URL may be used, else why not. With
 * `allowPrivate` nothing is checked (no resolution either: the notifier checks again at send time anyway).
 */
export async function webhookUrlProblem(url: string, allowPrivate: boolean, resolve: Resolve = systemResolve): Promise<string | null> {
  if (allowPrivate) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  try {
    await resolveWebhookHost(parsed.hostname, false, resolve);
    return null;
  } catch (err) {
    if (err instanceof WebhookAddressError) return err.message;
    throw err;
  }
}
