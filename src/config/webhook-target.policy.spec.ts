import { WebhookTargetPolicy, embeddedIpv4 } from './webhook-target.policy';
import { ClientConfig } from '../clients/client.config';

const strict = () => new WebhookTargetPolicy({ allowLoopback: false, allowedHosts: [], allowedCidrs: [] });

describe(WebhookTargetPolicy.name, () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['10.0.0.5', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['::ffff:169.254.169.254', /link-local/],
    ['64:ff9b::a9fe:a9fe', /link-local/],
    ['168.63.129.16', /metadata/],
    ['100.100.100.200', /carrier-grade NAT/],
    ['0.0.0.0', /this-network/],
    ['224.0.0.1', /multicast/],
    ['fd00:ec2::254', /unique-local/],
    ['fe80::1', /link-local/],
    ['ff02::1', /multicast/],
    ['::', /unspecified/],
  ])('refuses %s', (address, reason) => {
    expect(strict().addressRefusal(address)).toMatch(reason);
  });

  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:93.184.215.14', '172.32.0.1', '100.128.0.1'])(
    'allows the public address %s',
    (address) => {
      expect(strict().addressRefusal(address)).toBeUndefined();
    },
  );

  it('allows loopback only when configured to', () => {
    const sut = new WebhookTargetPolicy({ allowLoopback: true, allowedHosts: [], allowedCidrs: [] });
    expect(sut.addressRefusal('127.0.0.1')).toBeUndefined();
    expect(sut.addressRefusal('::1')).toBeUndefined();
    expect(sut.addressRefusal('10.0.0.1')).toMatch(/private/);
  });

  it('lets the allow-list through, by range or by host name', () => {
    const sut = new WebhookTargetPolicy({
      allowLoopback: false,
      allowedHosts: ['hooks.internal'],
      allowedCidrs: [{ address: '10.1.0.0', prefix: 16, family: 'ipv4' }],
    });
    expect(sut.addressRefusal('10.1.2.3')).toBeUndefined();
    expect(sut.addressRefusal('::ffff:10.1.2.3')).toBeUndefined();
    expect(sut.addressRefusal('10.2.0.1')).toMatch(/private/);
    expect(sut.addressRefusal('192.168.0.9', 'Hooks.Internal.')).toBeUndefined();
    expect(sut.addressRefusal('192.168.0.9', 'other.internal')).toMatch(/private/);
  });

  describe('urlRefusal', () => {
    const client: ClientConfig = {
      id: 'bank',
      apiKey: 'k'.repeat(20),
      webhookUrl: 'https://bank.example/hooks',
      callbackOrigins: ['https://cb.bank.example'],
    };

    it.each([
      ['https://user:pw@bank.example/hooks', /user or password/],
      ['ftp://bank.example/x', /only http/],
      ['http://169.254.169.254/latest/meta-data', /link-local/],
      ['http://[::ffff:a9fe:a9fe]/', /link-local/],
      ['http://0x7f000001/', /loopback/],
      ['not a url', /not valid/],
    ])('refuses %s', (url, reason) => {
      expect(strict().urlRefusal(url)).toMatch(reason);
    });

    it("refuses a stored callbackUrl whose origin left the client's callbackOrigins", () => {
      const sut = strict();
      expect(sut.urlRefusal('https://cb.bank.example/a', client)).toBeUndefined();
      expect(sut.urlRefusal('https://bank.example/hooks', client)).toBeUndefined();
      expect(sut.urlRefusal('https://cb.bank.example/a', { ...client, callbackOrigins: [] })).toMatch(/no longer/);
      expect(sut.urlRefusal('https://bank.example/old-hooks', client)).toMatch(/no longer/);
    });
  });

  it('reads the IPv4 address inside mapped, compatible and NAT64 IPv6 addresses', () => {
    expect(embeddedIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIpv4('::a00:1')).toBe('10.0.0.1');
    expect(embeddedIpv4('64:ff9b::10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIpv4('::1')).toBeUndefined();
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
  });
});
