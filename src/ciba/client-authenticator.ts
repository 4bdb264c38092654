import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, JSONWebKeySet } from 'jose';
import { ClientConfig } from '../clients/client.config';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { CibaThrottle } from './ciba-throttle';
import { OAuthError, invalidClient } from './oauth.errors';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Asymmetric algorithms accepted for private_key_jwt assertions (`none` and HS* never). */
export const ASSERTION_ALGS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'];
/** An assertion may not live longer than this (contract: exp at most 5 min ahead). */
const MAX_ASSERTION_LIFETIME_S = 300;
/** Clock skew tolerated on exp, nbf and iat. */
const SKEW_S = 5;

/** What client authentication reads of the HTTP request besides the form. */
export interface OAuthCaller {
  authorization?: string;
  ip?: string;
}

const BASIC = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i;

/**
 * Client authentication of the OAuth endpoints (contract v3): client_secret_basic,
 * client_secret_post or private_key_jwt, exactly one per request. Every failure is the same
 * `invalid_client`; secrets are compared in constant time; an assertion's jti is single use across
 * every instance on the Redis prefix.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly issuer: string;

  constructor(
    private readonly clients: ClientsRegistry,
    config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly throttle: CibaThrottle,
  ) {
    this.issuer = config.oidc.issuer ?? '';
  }

  /**
   * The authenticated CIBA client of a request to `endpointPath` (/oauth/token or /oauth/bc-authorize),
   * counted in its bucket of the global throttle; a failure is counted against the caller's address.
   */
  async authenticate(request: OAuthCaller, params: Map<string, string>, endpointPath: string): Promise<ClientConfig> {
    let client: ClientConfig;
    try {
      client = await this.identify(request.authorization, params, endpointPath);
    } catch (err) {
      if (err instanceof OAuthError && err.error === 'invalid_client') await this.throttle.failedAuthentication(request.ip);
      throw err;
    }
    await this.throttle.client(client.id, endpointPath === '/oauth/bc-authorize' ? 'creates' : 'requests');
    return client;
  }

  private async identify(authorization: string | undefined, params: Map<string, string>, endpointPath: string): Promise<ClientConfig> {
    const basic = authorization !== undefined;
    const post = params.has('client_secret');
    const jwt = params.has('client_assertion') || params.has('client_assertion_type');
    if (Number(basic) + Number(post) + Number(jwt) !== 1) throw invalidClient();
    if (basic) {
      const [id, secret] = basicCredentials(authorization);
      if (params.has('client_id') && params.get('client_id') !== id) throw invalidClient();
      return this.bySecret(id, secret);
    }
    if (post) return this.bySecret(params.get('client_id'), params.get('client_secret'));
    return this.byAssertion(params, endpointPath);
  }

  private bySecret(id: string | undefined, secret: string | undefined): ClientConfig {
    const client = id === undefined ? undefined : this.clients.findById(id);
    const expected = client?.ciba?.clientSecret;
    // Compared even when there is no such client, so that the time taken tells nothing about ids.
    const matches = timingSafeEqual(digest(secret ?? ''), digest(expected ?? '\u0000no-secret'));
    if (!client?.ciba || expected === undefined || secret === undefined || !matches) throw invalidClient();
    return client;
  }

  private async byAssertion(params: Map<string, string>, endpointPath: string): Promise<ClientConfig> {
    const assertion = params.get('client_assertion');
    if (params.get('client_assertion_type') !== JWT_BEARER || !assertion) throw invalidClient();
    let claimedIss: unknown;
    let alg: unknown;
    try {
      claimedIss = decodeJwt(assertion).iss;
      alg = decodeProtectedHeader(assertion).alg;
    } catch {
      throw invalidClient();
    }
    if (typeof claimedIss !== 'string' || typeof alg !== 'string' || !ASSERTION_ALGS.includes(alg)) throw invalidClient();
    if (params.has('client_id') && params.get('client_id') !== claimedIss) throw invalidClient();
    const client = this.clients.findById(claimedIss);
    const jwks = client?.ciba?.jwks;
    if (!client?.ciba || !jwks) throw invalidClient();
    let payload: { jti?: unknown; exp?: unknown };
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks as JSONWebKeySet), {
        algorithms: ASSERTION_ALGS,
        issuer: client.id,
        subject: client.id,
        audience: [this.issuer, `${this.issuer}${endpointPath}`],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: SKEW_S,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) throw invalidClient();
      throw err;
    }
    const nowS = Math.floor(Date.now() / 1000);
    const { jti, exp } = payload;
    if (typeof jti !== 'string' || !jti || typeof exp !== 'number' || exp > nowS + MAX_ASSERTION_LIFETIME_S + SKEW_S) throw invalidClient();
    // Single use until it expires, whichever instance sees it first: the jti is kept only as a digest.
    const key = this.keys.cibaAssertion(`${client.id}:${digest(jti).toString('base64url')}`);
    const ttlMs = Math.max(1000, (exp - nowS + SKEW_S) * 1000);
    if ((await this.redis.set(key, '1', 'PX', ttlMs, 'NX')) !== 'OK') throw invalidClient();
    return client;
  }
}

/** RFC 6749 §2.3.1: both halves form-url-encoded before base64, so both are form-url-decoded here. */
function basicCredentials(authorization: string): [string, string] {
  const encoded = BASIC.exec(authorization)?.[1];
  if (!encoded) throw invalidClient();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient();
  try {
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
  } catch {
    throw invalidClient();
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
