import { isIP } from 'node:net';

/** Which addresses webhooks may connect to beyond the public internet (see webhooks/webhook-target.ts). */
export interface WebhookTargetsConfig {
  /** Loopback (127.0.0.0/8, ::1) allowed: development and test only, where receivers run on this machine. */
  allowLoopback: boolean;
  /** Host names (lower case) whose addresses are not checked: deliberate exceptions such as an internal gateway. */
  allowedHosts: string[];
  /** Address ranges allowed although private, loopback or link-local. */
  allowedCidrs: { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[];
}

export interface WebhookTargetsEnv {
  WEBHOOK_ALLOWED_HOSTS?: string;
  WEBHOOK_ALLOW_LOOPBACK?: 'true' | 'false';
}

/**
 * The widest ranges production may allow: the widest private ranges (10.0.0.0/8, fc00::/7). Anything
 * wider (0.0.0.0/0, ::/0 …) would span public, private, loopback and metadata addresses at once,
 * which is the address filter switched off, not an exception to it.
 */
const WIDEST_PRODUCTION_PREFIX = { ipv4: 8, ipv6: 7 } as const;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?)*$/;

export function resolveWebhookTargets(env: WebhookTargetsEnv, production: boolean, problems: string[]): WebhookTargetsConfig {
  if (production && env.WEBHOOK_ALLOW_LOOPBACK === 'true') {
    problems.push('WEBHOOK_ALLOW_LOOPBACK must not be true when NODE_ENV=production (list deliberate exceptions in WEBHOOK_ALLOWED_HOSTS)');
  }
  const config: WebhookTargetsConfig = {
    allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === undefined ? !production : env.WEBHOOK_ALLOW_LOOPBACK === 'true',
    allowedHosts: [],
    allowedCidrs: [],
  };
  for (const entry of (env.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const [address, prefixText, extra] = entry.split('/');
    const family = isIP(address.replace(/^\[|\]$/g, ''));
    if (family && extra === undefined) {
      const bits = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
      if (prefix >= 0 && prefix <= bits) {
        config.allowedCidrs.push({ address: address.replace(/^\[|\]$/g, ''), prefix, family: family === 4 ? 'ipv4' : 'ipv6' });
        continue;
      }
    } else if (prefixText === undefined && HOST_NAME.test(entry.replace(/\.$/, ''))) {
      config.allowedHosts.push(entry.replace(/\.$/, ''));
      continue;
    }
    problems.push('WEBHOOK_ALLOWED_HOSTS must be a comma-separated list of host names, IP addresses and CIDR ranges');
    break;
  }
  if (production && config.allowedCidrs.some((c) => c.prefix < WIDEST_PRODUCTION_PREFIX[c.family])) {
    problems.push(
      'WEBHOOK_ALLOWED_HOSTS must not hold a range wider than /8 (IPv4) or /7 (IPv6) when NODE_ENV=production (it would turn the address filter off)',
    );
  }
  return config;
}
