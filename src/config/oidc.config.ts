import { isIP } from 'node:net';

/** The OpenID CIBA front door (contract v3, "OpenID CIBA front door"). */
export interface OidcConfig {
  /** OIDC_ISSUER, byte for byte: every `iss` the service writes. Unset: CIBA is off and /oauth/* answers 404. */
  issuer?: string;
  /** CIBA_INTERVAL_S: the polling interval given to clients, and the base of slow_down. */
  intervalS: number;
}

export interface OidcEnv {
  OIDC_ISSUER?: string;
  CIBA_INTERVAL_S: number;
}

/**
 * The issuer is an origin (no path, query, fragment, credentials or trailing slash), since the
 * libraries compare it byte for byte with every `iss`. https in production; http only on loopback.
 */
export function resolveOidc(env: OidcEnv, production: boolean, problems: string[]): OidcConfig {
  const issuer = env.OIDC_ISSUER;
  if (issuer !== undefined) {
    const problem = issuerProblem(issuer, production);
    if (problem) problems.push(`OIDC_ISSUER ${problem}`);
  }
  return { ...(issuer !== undefined && { issuer }), intervalS: env.CIBA_INTERVAL_S };
}

function issuerProblem(issuer: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be an absolute https URL such as https://stepup.bank.example';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password || url.search || url.hash || issuer.includes('?') || issuer.includes('#'))
    return 'must have no user, password, query or fragment';
  if (issuer.endsWith('/')) return 'must have no trailing slash';
  if (url.pathname !== '/') return 'must be an origin, with no path';
  if (url.origin !== issuer) return `must be written as its origin (${url.origin})`;
  if (url.protocol === 'http:') {
    if (production) return 'must be https when NODE_ENV=production';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
    if (!loopback) return 'must be https (http only on a loopback host outside production)';
  }
  return undefined;
}
