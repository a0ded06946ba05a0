import { isIP } from 'node:net';

// Where a server-side fetch (Client ID Metadata Documents) may go: only addresses the IANA special-purpose
// registries call globally reachable (https://www.iana.org/assignments/iana-ipv4-special-registry and
// iana-ipv6-special-registry; "N/A" counts as not reachable), and for IPv6 only the global unicast space.
// An IPv6 address that carries an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo, ISATAP) reaches
// that IPv4 host through some translator or tunnel, so the embedded address must pass as well.

interface Range {
  network: bigint;
  prefix: number;
  reachable: boolean;
}

const V4_BITS = 32;
const V6_BITS = 128;
const LOW_32 = 0xffff_ffffn;

function parseV4(address: string): bigint | null {
  if (isIP(address) !== 4) return null;
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseV6(address: string): bigint | null {
  // A zone index names an interface of this machine: never public.
  if (isIP(address) !== 6 || address.includes('%')) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    if (v4 === null) return null;
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  if (groups.length !== 8) return null;
  return groups.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

function v4(cidr: string, reachable: boolean): Range {
  const [network, prefix] = cidr.split('/') as [string, string];
  return { network: parseV4(network)!, prefix: Number(prefix), reachable };
}

function v6(cidr: string, reachable: boolean): Range {
  const [network, prefix] = cidr.split('/') as [string, string];
  return { network: parseV6(network)!, prefix: Number(prefix), reachable };
}

// IANA IPv4 Special-Purpose Address Registry, plus multicast (not unicast at all).
const V4_RANGES: Range[] = [
  v4('0.0.0.0/8', false), // "this network"
  v4('10.0.0.0/8', false), // private use
  v4('100.64.0.0/10', false), // shared address space (CGN)
  v4('127.0.0.0/8', false), // loopback
  v4('169.254.0.0/16', false), // link local, cloud metadata services
  v4('172.16.0.0/12', false), // private use
  v4('192.0.0.0/24', false), // IETF protocol assignments (DS-Lite, NAT64 discovery, dummy)
  v4('192.0.0.9/32', true), // PCP anycast
  v4('192.0.0.10/32', true), // TURN anycast
  v4('192.0.2.0/24', false), // documentation (TEST-NET-1)
  v4('192.31.196.0/24', true), // AS112-v4
  v4('192.52.193.0/24', true), // AMT
  v4('192.88.99.0/24', false), // deprecated 6to4 relay anycast (RFC 7526)
  v4('192.168.0.0/16', false), // private use
  v4('192.175.48.0/24', true), // AS112 direct delegation
  v4('198.18.0.0/15', false), // benchmarking
  v4('198.51.100.0/24', false), // documentation (TEST-NET-2)
  v4('203.0.113.0/24', false), // documentation (TEST-NET-3)
  v4('224.0.0.0/4', false), // multicast
  v4('240.0.0.0/4', false), // reserved
  v4('255.255.255.255/32', false), // limited broadcast
];

// IANA IPv6 Special-Purpose Address Registry, plus the deprecated IPv4-compatible block.
const V6_RANGES: Range[] = [
  v6('::/128', false), // unspecified
  v6('::1/128', false), // loopback
  v6('::/96', false), // IPv4-compatible (deprecated, RFC 4291)
  v6('::ffff:0:0/96', false), // IPv4-mapped
  v6('64:ff9b::/96', true), // NAT64 well-known prefix: judged by the IPv4 address it carries
  v6('64:ff9b:1::/48', false), // NAT64 local use
  v6('100::/64', false), // discard only
  v6('100:0:0:1::/64', false), // dummy prefix
  v6('2001::/23', false), // IETF protocol assignments
  v6('2001::/32', false), // Teredo (N/A)
  v6('2001:1::1/128', true), // PCP anycast
  v6('2001:1::2/128', true), // TURN anycast
  v6('2001:1::3/128', true), // DNS-SD SRP anycast
  v6('2001:2::/48', false), // benchmarking
  v6('2001:3::/32', true), // AMT
  v6('2001:4:112::/48', true), // AS112-v6
  v6('2001:10::/28', false), // ORCHID (deprecated)
  v6('2001:20::/28', true), // ORCHIDv2
  v6('2001:30::/28', true), // drone remote ID
  v6('2001:db8::/32', false), // documentation
  v6('2002::/16', false), // 6to4 (N/A)
  v6('2620:4f:8000::/48', true), // AS112 direct delegation
  v6('3fff::/20', false), // documentation
  v6('5f00::/16', false), // segment routing SIDs
  v6('fc00::/7', false), // unique local
  v6('fe80::/10', false), // link local
];
const V6_GLOBAL_UNICAST = v6('2000::/3', true);

function contains(range: Range, value: bigint, bits: number): boolean {
  const shift = BigInt(bits - range.prefix);
  return value >> shift === range.network >> shift;
}

/** The most specific registry entry decides; an address no entry names is reachable if `outside` says so. */
function reachable(ranges: Range[], value: bigint, bits: number, outside: (value: bigint) => boolean): boolean {
  let best: Range | undefined;
  for (const range of ranges) if (contains(range, value, bits) && (!best || range.prefix > best.prefix)) best = range;
  return best ? best.reachable : outside(value);
}

// IPv6 blocks whose last 32 bits are an IPv4 address: compatible, mapped, translated (SIIT), NAT64.
const LOW_32_CARRIERS = [v6('::/96', false), v6('::ffff:0:0/96', false), v6('::ffff:0:0:0/96', false), v6('64:ff9b::/96', false), v6('64:ff9b:1::/48', false)];
const SIX_TO_FOUR = v6('2002::/16', false);
const TEREDO = v6('2001::/32', false);

/** The IPv4 addresses an IPv6 address routes or tunnels to, by the standard embeddings. */
function embeddedIPv4(address: bigint): bigint[] {
  const found: bigint[] = [];
  const low32 = address & LOW_32;
  if (LOW_32_CARRIERS.some((carrier) => contains(carrier, address, V6_BITS))) found.push(low32);
  // 6to4: 2002:AABB:CCDD::/48 is the site behind IPv4 AA.BB.CC.DD.
  if (contains(SIX_TO_FOUR, address, V6_BITS)) found.push((address >> 80n) & LOW_32);
  // Teredo: 2001:0:<server IPv4>:<flags>:<port>:<client IPv4 with every bit inverted>.
  if (contains(TEREDO, address, V6_BITS)) found.push((address >> 64n) & LOW_32, ~address & LOW_32);
  // ISATAP interface identifier (::0:5efe:a.b.c.d or ::200:5efe:a.b.c.d) under any prefix.
  const interfaceId = (address >> 32n) & LOW_32;
  if (interfaceId === 0x0000_5efen || interfaceId === 0x0200_5efen) found.push(low32);
  return found;
}

function isPublicV4(value: bigint): boolean {
  return reachable(V4_RANGES, value, V4_BITS, () => true);
}

function isPublicV6(value: bigint): boolean {
  if (!reachable(V6_RANGES, value, V6_BITS, (v) => contains(V6_GLOBAL_UNICAST, v, V6_BITS))) return false;
  return embeddedIPv4(value).every(isPublicV4);
}

/** True when the address is globally reachable unicast, i.e. safe to connect to from the server. */
export function isPublicAddress(address: string): boolean {
  const text = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(text);
  if (family === 4) return isPublicV4(parseV4(text)!);
  if (family === 6) {
    const value = parseV6(text);
    return value !== null && isPublicV6(value);
  }
  return false;
}

/** The embedded IPv4 addresses of an IPv6 address, dotted (what the guard judges besides the address itself). */
export function embeddedIPv4Of(address: string): string[] {
  const value = parseV6(address.replace(/^\[(.*)\]$/, '$1'));
  if (value === null) return [];
  return embeddedIPv4(value).map((v) => [24n, 16n, 8n, 0n].map((shift) => String((v >> shift) & 0xffn)).join('.'));
}
