import { BlockList, isIP } from 'node:net';
import { ClientConfig } from '../clients/client.config';
import { WebhookTargetsConfig } from './webhook-targets.config';

type Range = [address: string, prefix: number, label: string];

/**
 * Addresses a webhook never reaches unless WEBHOOK_ALLOWED_HOSTS names them: a receiver's name that
 * resolves (or is re-pointed) to one of them would turn our signed POST into a request to the
 * service's own network, its cloud metadata endpoint or a neighbour on the host.
 */
const BLOCKED_V4: Range[] = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  // Azure's wire server answers metadata requests on a public address.
  ['168.63.129.16', 32, 'cloud metadata'],
];
const BLOCKED_V6: Range[] = [
  ['::', 128, 'unspecified'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'IETF protocol'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  // Includes AWS's IPv6 metadata endpoint fd00:ec2::254.
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

/**
 * Where webhooks may go. Checked three times: at start in production (every configured URL, by
 * config.loader.ts), before an attempt (the URL against the client's current configuration, and an
 * address written in the URL), and when connecting (every address the name resolves to, through the
 * agents' lookup in webhooks/webhook-target.ts), so that a name re-pointed after the first check
 * (DNS rebinding) is caught where it matters.
 */
export class WebhookTargetPolicy {
  private readonly blocked = rangeLists(BLOCKED_V4, BLOCKED_V6);
  private readonly loopback = new BlockList();
  private readonly allowed = new BlockList();

  constructor(private readonly config: WebhookTargetsConfig) {
    this.loopback.addSubnet('127.0.0.0', 8, 'ipv4');
    this.loopback.addAddress('::1', 'ipv6');
    for (const c of config.allowedCidrs) this.allowed.addSubnet(c.address, c.prefix, c.family);
  }

  /**
   * Why `url` may not be called now, or undefined. With `client`, the URL must still be its
   * webhookUrl or within its callbackOrigins: a callbackUrl stored while its origin was configured is
   * not called once the origin has been removed.
   */
  urlRefusal(url: string, client?: ClientConfig): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'the URL is not valid';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'only http(s) URLs are called';
    if (parsed.username || parsed.password) return 'the URL carries a user or password';
    if (client && url !== client.webhookUrl && !client.callbackOrigins.includes(parsed.origin)) {
      return "the URL is no longer the client's webhookUrl nor within its callbackOrigins";
    }
    // An address written in the URL is connected to without a lookup: check it here.
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    return isIP(host) ? this.addressRefusal(host) : undefined;
  }

  /** Why connecting to `address` (resolved from `hostname`, if any) is refused, or undefined. */
  addressRefusal(address: string, hostname?: string): string | undefined {
    if (hostname !== undefined && this.config.allowedHosts.includes(hostname.toLowerCase().replace(/\.$/, ''))) return undefined;
    const family = isIP(address);
    if (family === 0) return 'not an IP address';
    const v4 = family === 4 ? address : embeddedIpv4(address);
    if (this.allowed.check(address, family === 4 ? 'ipv4' : 'ipv6') || (v4 !== undefined && this.allowed.check(v4, 'ipv4')))
      return undefined;
    const isLoopback = v4 !== undefined ? this.loopback.check(v4, 'ipv4') : this.loopback.check(address, 'ipv6');
    if (isLoopback) return this.config.allowLoopback ? undefined : 'a loopback address';
    const label = v4 !== undefined ? this.blocked.v4(v4) : this.blocked.v6(address);
    return label ? `a ${label} address` : undefined;
  }
}

function rangeLists(v4: Range[], v6: Range[]): { v4(address: string): string | undefined; v6(address: string): string | undefined } {
  const lists = (ranges: Range[], family: 'ipv4' | 'ipv6') =>
    ranges.map(([address, prefix, label]) => {
      const list = new BlockList();
      list.addSubnet(address, prefix, family);
      return { list, label };
    });
  const four = lists(v4, 'ipv4');
  const six = lists(v6, 'ipv6');
  return {
    v4: (address) => four.find((r) => r.list.check(address, 'ipv4'))?.label,
    v6: (address) => six.find((r) => r.list.check(address, 'ipv6'))?.label,
  };
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64
 * (64:ff9b::a.b.c.d) IPv6 address: it reaches that IPv4 host, so it is judged as one.
 */
export function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const head = groups
    .slice(0, 6)
    .map((g) => g.toString(16))
    .join(':');
  const embeds = head === '0:0:0:0:0:ffff' || head === '64:ff9b:0:0:0:0' || (head === '0:0:0:0:0:0' && (groups[6] !== 0 || groups[7] > 1));
  if (!embeds) return undefined;
  return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.split('::');
  const parts = (s: string | undefined) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const head = parts(left);
  const tail = parts(right);
  const groups = right === undefined ? head : [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
