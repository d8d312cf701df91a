import { AddressClass, AddressPolicy, CidrListError, classifyAddress, isAddressAllowed, parseCidrList } from './address-policy';

describe('classifyAddress', () => {
  it.each<[ip: string, expected: AddressClass]>([
    // IPv4
    ['8.8.8.8', 'public'],
    ['140.82.112.3', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.0.192', 'reserved'],
    // IPv4 in the short and numeric forms the system resolver also accepts
    ['127.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f.0.0.1', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0xa9fea9fe', 'metadata'],
    // IPv6
    ['2606:4700:4700::1111', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fd00:ec2:0:0:0:0:0:254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['[::1]', 'loopback'],
    ['[2606:4700:4700::1111]', 'public'],
    // IPv6 forms that carry an IPv4 address are judged by it
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:808:808::1', 'public'],
  ])('%s is %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it.each(['', 'localhost', 'registry.example.com', '1.2.3.4 ', '256.0.0.1', '::g', '1.2.3.4:5000', '[::1', '10.0.0.0/8'])(
    'rejects %j',
    (ip) => {
      expect(() => classifyAddress(ip)).toThrow(RangeError);
    },
  );
});

describe('isAddressAllowed', () => {
  const STRICT: AddressPolicy = { allowLoopback: false, allowPrivate: false, allowedCidrs: [] };
  const ON_PREM: AddressPolicy = { allowLoopback: false, allowPrivate: true, allowedCidrs: [] };
  const DEV: AddressPolicy = { allowLoopback: true, allowPrivate: true, allowedCidrs: [] };

  it.each<[label: string, ip: string, policy: AddressPolicy, expected: boolean]>([
    ['public, strict', '8.8.8.8', STRICT, true],
    ['public IPv6, strict', '2606:4700:4700::1111', STRICT, true],
    ['private, strict', '10.0.0.1', STRICT, false],
    ['CGNAT, strict', '100.64.0.1', STRICT, false],
    ['unique-local, strict', 'fd12::1', STRICT, false],
    ['link-local, strict', 'fe80::1', STRICT, false],
    ['loopback, strict', '127.0.0.1', STRICT, false],
    ['mapped loopback, strict', '::ffff:127.0.0.1', STRICT, false],
    ['NAT64 private, strict', '64:ff9b::a00:1', STRICT, false],
    ['private, on-prem', '10.0.0.1', ON_PREM, true],
    ['link-local, on-prem', '169.254.1.1', ON_PREM, true],
    ['loopback, on-prem', '127.0.0.1', ON_PREM, false],
    ['metadata, on-prem', '169.254.169.254', ON_PREM, false],
    ['IPv6 metadata, on-prem', 'fd00:ec2::254', ON_PREM, false],
    ['mapped metadata, on-prem', '::ffff:169.254.169.254', ON_PREM, false],
    ['loopback, dev', '::1', DEV, true],
    ['metadata, dev', '169.254.169.254', DEV, false],
    ['unspecified, dev', '0.0.0.0', DEV, false],
    ['multicast, dev', '224.0.0.1', DEV, false],
    ['reserved, dev', '240.0.0.1', DEV, false],
    ['private in an allowed CIDR, strict', '10.1.2.3', { ...STRICT, allowedCidrs: ['10.1.0.0/16'] }, true],
    ['private outside the allowed CIDR, strict', '10.2.2.3', { ...STRICT, allowedCidrs: ['10.1.0.0/16'] }, false],
    ['mapped address in an IPv4 CIDR', '::ffff:10.1.2.3', { ...STRICT, allowedCidrs: ['10.1.0.0/16'] }, true],
    ['IPv4 address in a mapped IPv6 CIDR', '10.1.2.3', { ...STRICT, allowedCidrs: ['::ffff:10.1.0.0/112'] }, false],
    ['metadata listed explicitly', '169.254.169.254', { ...ON_PREM, allowedCidrs: ['169.254.169.254'] }, true],
    ['loopback listed explicitly', '127.0.0.1', { ...STRICT, allowedCidrs: ['127.0.0.0/8'] }, true],
    ['IPv6 in an IPv6 CIDR', 'fd00:1::5', { ...STRICT, allowedCidrs: ['fd00:1::/32'] }, true],
    ['IPv6 never matches an IPv4 CIDR', 'fd00:1::5', { ...STRICT, allowedCidrs: ['0.0.0.0/0'] }, false],
    ['an unparseable address is refused', 'registry.example.com', DEV, false],
    ['an empty address is refused', '', DEV, false],
  ])('%s → %s', (_label, ip, policy, expected) => {
    expect(isAddressAllowed(ip, policy)).toBe(expected);
  });

  it('fails loudly on a malformed allow-list instead of ignoring it', () => {
    expect(() => isAddressAllowed('8.8.8.8', { ...STRICT, allowedCidrs: ['10.0.0/8'] })).toThrow(CidrListError);
  });
});

describe('parseCidrList', () => {
  it.each<[text: string, expected: string[]]>([
    ['10.0.0.0/8', ['10.0.0.0/8']],
    [' 10.0.0.0/8 , 192.168.0.0/16 ', ['10.0.0.0/8', '192.168.0.0/16']],
    ['192.168.1.10', ['192.168.1.10/32']],
    ['fd00::/8, ::1', ['fd00::/8', '::1/128']],
    ['FD00:0:0::/48', ['fd00::/48']],
    ['0.0.0.0/0', ['0.0.0.0/0']],
    ['::ffff:10.0.0.0/104', ['::ffff:a00:0/104']],
    ['', []],
    [' , ,', []],
  ])('%j → %j', (text, expected) => {
    expect(parseCidrList(text)).toEqual(expected);
  });

  it.each<[text: string, message: string]>([
    ['10.0.0.1/8', 'invalid CIDR "10.0.0.1/8": host bits are set; did you mean 10.0.0.0/8?'],
    ['fd00::1/8', 'invalid CIDR "fd00::1/8": host bits are set; did you mean fd00::/8?'],
    ['10.0.0.0/33', 'invalid CIDR "10.0.0.0/33": prefix length must be 0 to 32'],
    ['fd00::/129', 'invalid CIDR "fd00::/129": prefix length must be 0 to 128'],
    ['10.0.0.0/', 'invalid CIDR "10.0.0.0/": prefix length must be 0 to 32'],
    ['10.0.0.0/x', 'invalid CIDR "10.0.0.0/x": prefix length must be 0 to 32'],
    ['10.0.0.0/-1', 'invalid CIDR "10.0.0.0/-1": prefix length must be 0 to 32'],
    ['10.0/8', 'invalid CIDR "10.0/8": "10.0" is not an IP address'],
    ['0xa000000/8', 'invalid CIDR "0xa000000/8": "0xa000000" is not an IP address'],
    ['corp.example/8', 'invalid CIDR "corp.example/8": "corp.example" is not an IP address'],
    ['fe80::1%eth0/64', 'invalid CIDR "fe80::1%eth0/64": "fe80::1%eth0" is not an IP address'],
    ['10.0.0.0/8; 192.168.0.0/16', 'invalid CIDR "10.0.0.0/8; 192.168.0.0/16": prefix length must be 0 to 32'],
  ])('rejects %j', (text, message) => {
    expect(() => parseCidrList(text)).toThrow(new CidrListError(message));
  });

  it('names the bad entry in a longer list', () => {
    expect(() => parseCidrList('10.0.0.0/8, 172.16.0.0/33, 192.168.0.0/16')).toThrow('invalid CIDR "172.16.0.0/33"');
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseCidrList(undefined as unknown as string)).toThrow(CidrListError);
  });
});
