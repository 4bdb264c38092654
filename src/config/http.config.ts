import { isIP } from 'node:net';

/** How the HTTP server sees its callers. */
export interface HttpConfig {
  /**
   * Express's `trust proxy`: false (the socket's address is the caller's), a number of proxy hops,
   * or the proxies' addresses and ranges. It decides `req.ip`, which keys the per-address limits.
   */
  trustProxy: false | number | string[];
}

export interface HttpEnv {
  TRUST_PROXY?: string;
}

/** Names Express (proxy-addr) knows for whole ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

export function resolveHttp(env: HttpEnv, problems: string[]): HttpConfig {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return { trustProxy: false };
  if (raw === 'true') {
    problems.push('TRUST_PROXY=true would trust any X-Forwarded-For a caller sends: give the number of proxy hops or the proxies\' addresses');
    return { trustProxy: false };
  }
  if (/^\d{1,2}$/.test(raw)) return { trustProxy: Number(raw) };
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const valid = entries.every((e) => {
    if (RANGE_NAMES.includes(e)) return true;
    const [address, prefix, extra] = e.split('/');
    const family = isIP(address);
    return family !== 0 && extra === undefined && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
  });
  if (!valid || entries.length === 0) {
    problems.push('TRUST_PROXY must be a number of proxy hops, or a comma-separated list of proxy addresses, CIDR ranges, loopback, linklocal or uniquelocal');
    return { trustProxy: false };
  }
  return { trustProxy: entries };
}
