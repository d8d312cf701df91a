import { lookup } from 'node:dns/promises';
import { classifyAddress, CompiledAddressPolicy, RefusedAddressError } from './index';
import { createPolicyLookup } from './address-policy';

describe('address policy', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['2002:a00:1::', 'private'], // 6to4 of 10.0.0.1
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'special'],
    ['::', 'special'],
    ['224.0.0.1', 'special'],
    ['255.255.255.255', 'special'],
    ['192.0.2.1', 'special'],
    ['2001::1', 'special'], // Teredo
  ])('classifies %s as %s', (ip, category) => {
    expect(classifyAddress(ip)).toBe(category);
  });

  it('returns undefined for host names', () => {
    expect(classifyAddress('localhost')).toBeUndefined();
    expect(classifyAddress('example.com')).toBeUndefined();
  });

  it('allows public addresses only by default', () => {
    const policy = new CompiledAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedCidrs: [] });
    expect(policy.allows('93.184.216.34')).toBe(true);
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', '169.254.169.254', '0.0.0.0', '::ffff:192.168.0.1', 'not-an-ip']) {
      expect(policy.allows(ip)).toBe(false);
    }
  });

  it('opens categories and CIDRs as configured; link-local stays closed unless named', () => {
    const policy = new CompiledAddressPolicy({ allowLoopback: true, allowPrivate: true, allowedCidrs: ['169.254.10.0/24', 'fe80::/64'] });
    expect(policy.allows('127.0.0.1')).toBe(true);
    expect(policy.allows('::ffff:127.0.0.1')).toBe(true);
    expect(policy.allows('10.0.0.1')).toBe(true);
    expect(policy.allows('fd12::1')).toBe(true);
    expect(policy.allows('169.254.10.5')).toBe(true);
    expect(policy.allows('fe80::2')).toBe(true);
    expect(policy.allows('169.254.169.254')).toBe(false);
    expect(policy.allows('0.0.0.0')).toBe(false);
    expect(policy.refusal('169.254.169.254')).toMatch(/link-local/);
  });

  it('matches allowed CIDRs against IPv4-mapped IPv6 forms too', () => {
    const policy = new CompiledAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedCidrs: ['10.20.0.0/16'] });
    expect(policy.allows('10.20.1.1')).toBe(true);
    expect(policy.allows('::ffff:10.20.1.1')).toBe(true);
    expect(policy.allows('10.21.1.1')).toBe(false);
  });

  it('rejects malformed CIDRs', () => {
    expect(() => new CompiledAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedCidrs: ['10.0.0.0/33'] })).toThrow(TypeError);
    expect(() => new CompiledAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedCidrs: ['nonsense'] })).toThrow(TypeError);
  });

  it('filters what DNS returns at lookup time', async () => {
    const resolved = await lookup('localhost', { all: true });
    const run = (policy: CompiledAddressPolicy, all: boolean) =>
      new Promise<{ error: unknown; addresses: unknown }>((resolve) =>
        createPolicyLookup(policy)('localhost', { all }, (error, addresses) => resolve({ error, addresses })),
      );
    const refused = await run(new CompiledAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedCidrs: [] }), true);
    expect(refused.error).toBeInstanceOf(RefusedAddressError);
    expect((refused.error as RefusedAddressError).addresses.sort()).toEqual(resolved.map((entry) => entry.address).sort());

    const onlyV4 = await run(new CompiledAddressPolicy({ allowLoopback: false, allowPrivate: false, allowedCidrs: ['127.0.0.0/8'] }), true);
    expect(onlyV4.error).toBeNull();
    expect(onlyV4.addresses).toEqual(resolved.filter((entry) => entry.family === 4));

    const one = await run(new CompiledAddressPolicy({ allowLoopback: true, allowPrivate: false, allowedCidrs: [] }), false);
    expect(one.error).toBeNull();
    expect(typeof one.addresses).toBe('string');
  });
});
