import ipaddr from 'ipaddr.js';

/** proxy-addr's (Express's) names of address ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY as Express's `trust proxy` setting: which proxies in front of the gateway are believed when they say, in
 * X-Forwarded-For, whom they forwarded (req.ip: the lockout, the rate limit and the audit actor's address).
 * - unset, empty or `false`: none (the socket's address is the client);
 * - a hop count (`1`: the one ingress in front): the address that many hops back from the socket;
 * - a comma list of addresses, CIDRs and proxy-addr's names (`loopback, 10.0.0.0/8`): every hop from those addresses
 *   is a proxy, the first one that is not is the client.
 * `true` (believe any X-Forwarded-For) is refused: any client could then choose its own address. Throws an Error
 * naming the bad entry; the value is no secret.
 */
export function trustProxySetting(value: string | undefined): false | number | string[] {
  const v = (value ?? '').trim();
  if (v === '' || v.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 100) throw new Error(`TRUST_PROXY hop count ${v} is more than 100`);
    return hops;
  }
  if (v.toLowerCase() === 'true')
    throw new Error('TRUST_PROXY=true would believe any X-Forwarded-For: give the hop count or the addresses/CIDRs of the proxies');
  const entries = v.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (RANGE_NAMES.includes(entry)) continue;
    if (!isAddressOrCidr(entry))
      throw new Error(`TRUST_PROXY entry "${entry}" is not an IP address, a CIDR or one of ${RANGE_NAMES.join(', ')}`);
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  if (!entry.includes('/')) return ipaddr.isValid(entry);
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
