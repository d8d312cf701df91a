import ipaddr from 'ipaddr.js';

/**
 * What kind of destination an IP address is, from the point of view of an importer that fetches
 * user-chosen URLs and must not be turned against its own network (SSRF).
 */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'public';

export interface AddressPolicy {
  /** Allow 127.0.0.0/8 and ::1: only for development, where the registry runs on the same host. */
  allowLoopback: boolean;
  /** Allow private, CGNAT, unique-local and link-local addresses: an on-premises registry. */
  allowPrivate: boolean;
  /** Allowed whatever their class; the only way to reach a metadata service or odd ranges. */
  allowedCidrs: string[];
}

/** Thrown for a malformed CIDR list; the message names the entry and what is wrong with it. */
export class CidrListError extends Error {
  override readonly name = 'CidrListError';
}

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [IpAddress, number];

// Cloud instance metadata endpoints hand out credentials to whoever asks from inside the VM, which
// makes them the classic SSRF target. Some are also link-local, private or even public addresses,
// so they are singled out before the generic ranges are looked at.
const METADATA_ADDRESSES: readonly IpAddress[] = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean, ...
  '169.254.170.2', // AWS ECS task credentials
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure WireServer (a public address)
  'fd00:ec2::254', // AWS IMDS over IPv6
].map((address) => ipaddr.parse(address));

const IPV4_CLASSES: Readonly<Record<string, AddressClass>> = {
  unspecified: 'unspecified',
  broadcast: 'reserved',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'private',
  private: 'private',
  reserved: 'reserved',
};

// Ranges not listed here (unicast, AMT, AS112) are ordinary Internet addresses. IPv6 ranges that
// carry an IPv4 address are handled before this table is consulted.
const IPV6_CLASSES: Readonly<Record<string, AddressClass>> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'private',
  // fec0::/10 was withdrawn, but stacks that still route it treat it as site-internal.
  deprecatedSiteLocal: 'private',
  discard: 'reserved',
  teredo: 'reserved',
  benchmarking: 'reserved',
  deprecatedOrchid: 'reserved',
  orchid2: 'reserved',
  droneRemoteIdProtocolEntityTags: 'reserved',
  segmentRouting: 'reserved',
  reserved: 'reserved',
};

/**
 * Classifies one IP address. IPv6 forms that stand for an IPv4 address (`::ffff:10.0.0.1`,
 * NAT64 `64:ff9b::a00:1`, 6to4 `2002:a00:1::`) are classified as that IPv4 address, since that
 * is where the packets end up. IPv4 is read the way the system resolver reads it, so `127.1` and
 * `0x7f000001` are loopback too. Brackets (`[::1]`, as in URLs) and zone ids are accepted.
 * Throws `RangeError` for a string that is not an IP address.
 */
export function classifyAddress(ip: string): AddressClass {
  return classifyParsed(parseAddress(ip));
}

/**
 * Whether the importer may connect to `ip`. Public addresses always may; an address inside
 * `allowedCidrs` always may; loopback and private (incl. link-local) ones only when the policy
 * allows them. Metadata, unspecified, multicast and reserved addresses are refused unless listed
 * in `allowedCidrs`: `allowPrivate` is about reaching an in-house registry, and must not also
 * open the cloud metadata service. An unparseable address is refused. Throws `CidrListError`
 * when `allowedCidrs` itself is malformed, because a typo there must not fail silently.
 */
export function isAddressAllowed(ip: string, policy: AddressPolicy): boolean {
  const allowed = policy.allowedCidrs.map(parseCidrEntry);
  let address: IpAddress;
  try {
    address = parseAddress(ip);
  } catch {
    return false;
  }
  if (isInAny(address, allowed)) return true;

  switch (classifyParsed(address)) {
    case 'public':
      return true;
    case 'loopback':
      return policy.allowLoopback;
    case 'private':
    case 'link-local':
      return policy.allowPrivate;
    default:
      return false;
  }
}

/**
 * Reads a comma-separated list of CIDRs, as set in an environment variable
 * (`10.0.0.0/8, fd00::/8, 192.168.1.10`). A bare address means just that address. Blank entries
 * are ignored; anything else that is not a CIDR is an error, including one with host bits set
 * (`10.0.0.1/8`), which usually means a wrong prefix length. Returns the entries normalised.
 */
export function parseCidrList(text: string): string[] {
  if (typeof text !== 'string') throw new CidrListError('CIDR list must be a string');
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [address, bits] = parseCidrEntry(entry);
      return `${address.toString()}/${bits}`;
    });
}

function parseAddress(ip: string): IpAddress {
  if (typeof ip !== 'string') throw new RangeError(`not an IP address: ${String(ip)}`);
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) throw new RangeError(`not an IP address: ${JSON.stringify(ip)}`);
  return ipaddr.parse(bare);
}

function classifyParsed(parsed: IpAddress): AddressClass {
  const address = embeddedIpv4(parsed) ?? parsed;
  if (METADATA_ADDRESSES.some((metadata) => sameAddress(metadata, address))) return 'metadata';
  if (address.kind() === 'ipv4') return IPV4_CLASSES[address.range()] ?? 'public';

  const ipv6 = address as ipaddr.IPv6;
  const range = ipv6.range();
  // Local-use NAT64 prefixes (64:ff9b:1::/48) translate into the site's own IPv4 network.
  if (range === 'rfc6052') return 'private';
  // IPv4-compatible addresses (::a.b.c.d) are deprecated; nothing legitimate uses them.
  if (range === 'unicast' && ipv6.parts.slice(0, 6).every((part) => part === 0)) return 'reserved';
  return IPV6_CLASSES[range] ?? 'public';
}

/** The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one. */
function embeddedIpv4(address: IpAddress): ipaddr.IPv4 | undefined {
  if (address.kind() !== 'ipv6') return undefined;
  const ipv6 = address as ipaddr.IPv6;
  const parts = ipv6.parts;
  const range = ipv6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || (range === 'rfc6052' && parts[2] === 0)) {
    return ipv4FromWords(parts[6], parts[7]);
  }
  if (range === '6to4') return ipv4FromWords(parts[1], parts[2]);
  return undefined;
}

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function sameAddress(a: IpAddress, b: IpAddress): boolean {
  return a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
}

function isInAny(address: IpAddress, cidrs: readonly Cidr[]): boolean {
  // An IPv4-mapped address is matched both as written and as its IPv4 address, so that
  // `10.0.0.0/8` covers `::ffff:10.0.0.1` just as the classification does.
  const forms = [address, embeddedIpv4(address)].filter((form): form is IpAddress => form !== undefined);
  return cidrs.some(([network, bits]) => forms.some((form) => form.kind() === network.kind() && form.match(network, bits)));
}

function parseCidrEntry(entry: string): Cidr {
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const bitsText = slash === -1 ? undefined : entry.slice(slash + 1);

  // Only dotted-quad IPv4 here: configuration is written by people, and `10.1/8` is more likely
  // a typo than a deliberate use of the short form.
  const isIpv4 = ipaddr.IPv4.isValidFourPartDecimal(addressText);
  if (!isIpv4 && !(ipaddr.IPv6.isValid(addressText) && !addressText.includes('%'))) {
    throw new CidrListError(`invalid CIDR ${JSON.stringify(entry)}: ${JSON.stringify(addressText)} is not an IP address`);
  }
  const address: IpAddress = isIpv4 ? ipaddr.IPv4.parse(addressText) : ipaddr.IPv6.parse(addressText);
  const maxBits = isIpv4 ? 32 : 128;

  if (bitsText === undefined) return [address, maxBits];
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > maxBits) {
    throw new CidrListError(`invalid CIDR ${JSON.stringify(entry)}: prefix length must be 0 to ${maxBits}`);
  }
  const bits = Number(bitsText);
  const network = isIpv4 ? ipaddr.IPv4.networkAddressFromCIDR(`${addressText}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addressText}/${bits}`);
  if (!sameAddress(network, address)) {
    throw new CidrListError(`invalid CIDR ${JSON.stringify(entry)}: host bits are set; did you mean ${network.toString()}/${bits}?`);
  }
  return [address, bits];
}
