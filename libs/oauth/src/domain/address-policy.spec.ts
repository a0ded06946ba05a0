import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embeddedIPv4Of, isPublicAddress } from './address-policy.js';

const PUBLIC = [
  '93.184.216.34',
  '1.1.1.1',
  '8.8.8.8',
  '223.255.255.255',
  // Just outside the special-purpose blocks.
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.0',
  '192.88.98.255',
  '192.88.100.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  // Special-purpose entries the registries mark globally reachable.
  '192.0.0.9',
  '192.0.0.10',
  '192.31.196.1',
  '192.52.193.1',
  '192.175.48.6',
  '2606:4700:4700::1111',
  '2606:4700:4700:0:0:0:0:1111',
  '2606:4700:4700:0000:0000:0000:0000:1111',
  '2606:4700:4700::1111'.toUpperCase(),
  '[2606:4700:4700::1111]',
  '2001:4860:4860::8888',
  '2a00:1450:4001:80b::200e',
  '2001:1::1',
  '2001:1::3',
  '2001:3::1',
  '2001:4:112::1',
  '2001:20::1',
  '2620:4f:8000::1',
  '3fff:1000::1',
  '3ffe::1',
  // NAT64 well-known prefix in front of a public IPv4 address, in its spellings.
  '64:ff9b::8.8.8.8',
  '64:ff9b::808:808',
  '0064:ff9b:0000:0000:0000:0000:0808:0808',
  '64:FF9B::808:808',
  // ISATAP identifier carrying a public IPv4 address.
  '2a00:1450::5efe:8.8.8.8',
];

const REFUSED_IPV4 = [
  '0.0.0.0',
  '0.1.2.3',
  '0.255.255.255',
  '10.0.0.0',
  '10.1.2.3',
  '10.255.255.255',
  '100.64.0.0',
  '100.100.100.200',
  '100.127.255.255',
  '127.0.0.1',
  '127.1.2.3',
  '127.255.255.254',
  '169.254.0.1',
  '169.254.169.254',
  '169.254.255.255',
  '172.16.0.0',
  '172.20.10.1',
  '172.31.255.255',
  '192.0.0.0',
  '192.0.0.1',
  '192.0.0.8',
  '192.0.0.170',
  '192.0.0.171',
  '192.0.0.255',
  '192.0.2.1',
  '192.88.99.0',
  '192.88.99.1',
  '192.88.99.255',
  '192.168.0.1',
  '192.168.255.255',
  '198.18.0.0',
  '198.19.255.255',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.254',
  '255.255.255.255',
];

// Not a canonical address at all: the URL parser turns these into dotted form before they get here, and
// anything that still arrives in another spelling is refused rather than guessed at.
const REFUSED_SPELLINGS = ['0177.0.0.1', '0x7f.0.0.1', '0x7f000001', '2130706433', '127.1', '010.0.0.1', '1.2.3.04', ' 8.8.8.8', '8.8.8.8 ', '8.8.8.8.', '', 'localhost', 'not-an-ip', '::ffff:1.2.3.4.5', 'fe80::1%eth0', '2606:4700:4700::1111%1'];

const REFUSED_IPV6 = [
  // Loopback and unspecified, spelled every way.
  '::1',
  '0:0:0:0:0:0:0:1',
  '0000:0000:0000:0000:0000:0000:0000:0001',
  '::0:1',
  '[::1]',
  '::',
  '::0',
  '0::0',
  '0:0:0:0:0:0:0:0',
  // IPv4-mapped (the block is not globally reachable, whatever it carries).
  '::ffff:127.0.0.1',
  '::FFFF:127.0.0.1',
  '::ffff:7f00:1',
  '0:0:0:0:0:ffff:7f00:0001',
  '::ffff:10.0.0.1',
  '::ffff:a00:1',
  '::ffff:169.254.169.254',
  '::ffff:a9fe:a9fe',
  '::ffff:8.8.8.8',
  // IPv4-compatible (deprecated) and IPv4-translated.
  '::127.0.0.1',
  '::7f00:1',
  '::10.0.0.1',
  '::a9fe:a9fe',
  '::8.8.8.8',
  '::ffff:0:127.0.0.1',
  '::ffff:0:8.8.8.8',
  // NAT64 well-known prefix in front of a non-public IPv4 address.
  '64:ff9b::127.0.0.1',
  '64:ff9b::7f00:1',
  '0064:ff9b:0:0:0:0:7f00:0001',
  '64:FF9B::A9FE:A9FE',
  '64:ff9b::10.0.0.1',
  '64:ff9b::192.168.1.1',
  '64:ff9b::192.88.99.1',
  '64:ff9b::100.64.0.1',
  '64:ff9b::0.0.0.0',
  '64:ff9b::255.255.255.255',
  // NAT64 local use, whatever it carries.
  '64:ff9b:1::8.8.8.8',
  '64:ff9b:1::7f00:1',
  '64:ff9b:1:ffff::1',
  // 6to4, whatever it carries.
  '2002:7f00:1::',
  '2002:7f00:0001::1',
  '2002:a00:1::1',
  '2002:a9fe:a9fe::',
  '2002:c0a8:101::1',
  '2002:808:808::1',
  // Teredo, whatever it carries.
  '2001:0:4136:e378:8000:63bf:80ff:fffe',
  '2001::7f00:1:0:0:0:0',
  '2001:0:808:808:8000:63bf:f7f7:f7f7',
  // ISATAP identifier carrying a non-public IPv4 address.
  '2a00:1450::5efe:10.0.0.1',
  '2a00:1450::200:5efe:7f00:1',
  '2a00:1450::5efe:a9fe:a9fe',
  // The other special-purpose blocks.
  '100::1',
  '100::ffff:ffff:ffff:ffff',
  '100:0:0:1::1',
  '2001:1::4',
  '2001:2::1',
  '2001:4:113::1',
  '2001:10::1',
  '2001:db8::1',
  '2001:DB8:0:0:0:0:0:1',
  '3fff::1',
  '3fff:fff::1',
  '5f00::1',
  'fc00::1',
  'fd12:3456::1',
  'fdff:ffff::1',
  'fe80::1',
  'FE80::1',
  'febf:ffff::1',
  'fec0::1',
  'ff02::1',
  'ff05::1:3',
  // Outside global unicast space.
  '::ffff:0:0',
  '1::1',
  '4000::1',
  'e000::1',
];

describe('address policy', () => {
  it('allows globally reachable unicast in every spelling', () => {
    for (const address of PUBLIC) assert.equal(isPublicAddress(address), true, address);
  });

  it('refuses every IPv4 block the special-purpose registry calls not globally reachable, at its edges', () => {
    for (const address of REFUSED_IPV4) assert.equal(isPublicAddress(address), false, address);
  });

  it('refuses non-canonical spellings and zone indexes', () => {
    for (const address of REFUSED_SPELLINGS) assert.equal(isPublicAddress(address), false, JSON.stringify(address));
  });

  it('refuses IPv6 special-purpose blocks and IPv6 forms that carry a non-public IPv4 address', () => {
    for (const address of REFUSED_IPV6) assert.equal(isPublicAddress(address), false, address);
  });

  it('unwraps the IPv4 address of each embedding, Teredo client included', () => {
    const cases: [string, string[]][] = [
      ['::ffff:127.0.0.1', ['127.0.0.1']],
      ['::7f00:1', ['127.0.0.1']],
      ['64:ff9b::a9fe:a9fe', ['169.254.169.254']],
      ['64:ff9b:1::c0a8:101', ['192.168.1.1']],
      ['2002:c0a8:101:1::1', ['192.168.1.1']],
      // Teredo: server 65.54.227.120, client 127.0.0.1 stored with every bit inverted.
      ['2001:0:4136:e378:8000:63bf:80ff:fffe', ['65.54.227.120', '127.0.0.1']],
      ['2a00:1450::200:5efe:a00:1', ['10.0.0.1']],
      ['2606:4700:4700::1111', []],
    ];
    for (const [address, expected] of cases) assert.deepEqual(embeddedIPv4Of(address), expected, address);
  });
});
