import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';
import { RefusedAddressError } from './errors';

/**
 * Which addresses the client may connect to. Public unicast addresses are always allowed; everything
 * else must be enabled here. Link-local (169.254.0.0/16, fe80::/10: cloud metadata endpoints),
 * unspecified, multicast, broadcast, reserved and tunnelling ranges are refused unless an
 * `allowedCidrs` entry names them explicitly.
 */
export interface AddressPolicy {
  /** 127.0.0.0/8, ::1 (and their IPv4-mapped forms). */
  allowLoopback: boolean;
  /** RFC 1918, carrier-grade NAT (100.64.0.0/10) and IPv6 unique-local (fc00::/7). */
  allowPrivate: boolean;
  /** Extra ranges that are always allowed, e.g. `10.20.0.0/16` for one internal registry network. */
  allowedCidrs: string[];
}

export type AddressCategory = 'public' | 'loopback' | 'private' | 'link-local' | 'special';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv6 forms that carry an IPv4 address the packets end up at (mapped, translated, NAT64, 6to4). */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const bytes = address.toByteArray();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

function categoryOf(address: Address): AddressCategory {
  if (address.kind() === 'ipv6') {
    const v4 = embeddedIPv4(address as ipaddr.IPv6);
    if (v4) return categoryOf(v4);
  }
  switch (address.range()) {
    case 'unicast':
      return 'public';
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'carrierGradeNat':
    case 'uniqueLocal':
      return 'private';
    case 'linkLocal':
      return 'link-local';
    default:
      return 'special';
  }
}

function parseAddress(ip: string): Address | undefined {
  // Zone ids (fe80::1%eth0) do not change the category.
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const withoutZone = bare.includes('%') ? bare.slice(0, bare.indexOf('%')) : bare;
  if (!isIP(withoutZone)) return undefined;
  return ipaddr.parse(withoutZone);
}

/** Category of an IP literal; `undefined` when it is not one. */
export function classifyAddress(ip: string): AddressCategory | undefined {
  const address = parseAddress(ip);
  return address ? categoryOf(address) : undefined;
}

/** An {@link AddressPolicy} with its CIDRs parsed once; throws a TypeError for a malformed CIDR. */
export class CompiledAddressPolicy {
  private readonly cidrs: [Address, number][];

  constructor(readonly policy: AddressPolicy) {
    this.cidrs = (policy.allowedCidrs ?? []).map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new TypeError(`addressPolicy.allowedCidrs: invalid CIDR ${JSON.stringify(cidr)}`);
      }
    });
  }

  /** `undefined` when the address may be used, otherwise why not. Anything that is not an IP literal is refused. */
  refusal(ip: string): string | undefined {
    const address = parseAddress(ip);
    if (!address) return 'not an IP address';
    const v4 = address.kind() === 'ipv6' ? embeddedIPv4(address as ipaddr.IPv6) : undefined;
    for (const [range, bits] of this.cidrs) {
      for (const candidate of v4 ? [address, v4] : [address]) {
        if (candidate.kind() === range.kind() && candidate.match(range, bits)) return undefined;
      }
    }
    const category = categoryOf(address);
    switch (category) {
      case 'public':
        return undefined;
      case 'loopback':
        return this.policy.allowLoopback ? undefined : 'loopback addresses are not allowed';
      case 'private':
        return this.policy.allowPrivate ? undefined : 'private addresses are not allowed';
      case 'link-local':
        return 'link-local addresses are not allowed';
      default:
        return `${(v4 ?? address).range()} addresses are not allowed`;
    }
  }

  allows(ip: string): boolean {
    return this.refusal(ip) === undefined;
  }
}

/**
 * A `lookup` for `net.connect` that resolves normally and keeps only the addresses the policy allows,
 * so what is checked is exactly what the socket connects to (no DNS rebinding window). When nothing
 * is left the connection fails with {@link RefusedAddressError}.
 */
export function createPolicyLookup(policy: CompiledAddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, options.all ? [] : '', undefined);
      const allowed = addresses.filter((entry) => policy.allows(entry.address));
      if (allowed.length === 0) {
        const refused = addresses.map((entry) => entry.address);
        const reason = refused.length ? (policy.refusal(refused[0]) ?? 'refused') : 'no addresses';
        return callback(new RefusedAddressError(hostname, refused, reason), options.all ? [] : '', undefined);
      }
      if (options.all) return callback(null, allowed);
      return callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/**
 * undici connector enforcing the policy at connect time: IP literals are checked before any socket
 * is opened (net.connect skips `lookup` for them), host names through {@link createPolicyLookup}.
 */
export function createPolicyConnector(policy: CompiledAddressPolicy, options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: createPolicyLookup(policy) } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const hostname = connectOptions.hostname;
    if (parseAddress(hostname)) {
      const reason = policy.refusal(hostname);
      if (reason) {
        const error = new RefusedAddressError(hostname, [hostname], reason);
        queueMicrotask(() => callback(error, null));
        return;
      }
    }
    connect(connectOptions, callback);
  };
}
