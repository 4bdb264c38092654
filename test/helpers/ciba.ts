import { generateKeyPairSync, KeyObject } from 'node:crypto';
import * as client from 'openid-client';
import { freePort } from './service-process';
import { BANK_APP } from './clients';
import { TestApp, startTestApp } from './test-app';

/** A CIBA client with a secret, polling (client_secret_basic / client_secret_post). */
export const CIBA_POLL = {
  id: 'ciba-poll',
  apiKey: 'ciba-poll-key-0123456789abcdef',
  callbackOrigins: [] as string[],
  ciba: { clientSecret: 'ciba-poll-secret-0123456789abcdef', deliveryMode: 'poll' as const },
};

/** A second polling client: its attempts on the first one's auth_req_id must change nothing. */
export const CIBA_OTHER = {
  id: 'ciba-other',
  apiKey: 'ciba-other-key-0123456789abcdef',
  callbackOrigins: [] as string[],
  ciba: { clientSecret: 'ciba-other-secret-0123456789abcdef', deliveryMode: 'poll' as const },
};

/** A private_key_jwt client; its private key stays with the test, as a bank's stays with the bank. */
export const JWT_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const CIBA_JWT = {
  id: 'ciba-jwt',
  apiKey: 'ciba-jwt-key-0123456789abcdef',
  callbackOrigins: [] as string[],
  ciba: {
    jwks: { keys: [{ ...JWT_KEY.publicKey.export({ format: 'jwk' }), kid: 'bank-key-1', alg: 'ES256', use: 'sig' }] },
    deliveryMode: 'poll' as const,
  },
};

export function pingClient(notificationEndpoint: string) {
  return {
    id: 'ciba-ping',
    apiKey: 'ciba-ping-key-0123456789abcdef',
    callbackOrigins: [] as string[],
    ciba: { clientSecret: 'ciba-ping-secret-0123456789abcdef', deliveryMode: 'ping' as const, notificationEndpoint },
  };
}

/** Every CIBA secret of these clients, for the checks that none leaks. */
export const CIBA_SECRETS = [CIBA_POLL.ciba.clientSecret, CIBA_OTHER.ciba.clientSecret, 'ciba-ping-secret-0123456789abcdef'];

export interface CibaTestApp extends TestApp {
  issuer: string;
}

/** The app with CIBA on, its issuer being its own origin (a port chosen first, since the issuer must name it). */
export async function startCibaApp(env: Record<string, string> = {}, extraClients: object[] = [], prefix?: string): Promise<CibaTestApp> {
  const port = env.PORT ?? String(await freePort());
  const issuer = env.OIDC_ISSUER ?? `http://127.0.0.1:${port}`;
  const t = await startTestApp(
    {
      OIDC_ISSUER: issuer,
      CIBA_INTERVAL_S: '1',
      CLIENTS: JSON.stringify([BANK_APP, CIBA_POLL, CIBA_OTHER, CIBA_JWT, ...extraClients]),
      WEBHOOK_RETRY_BASE_MS: '50',
      // The suites send many requests of one client on purpose; the throttle has its own test.
      RATE_LIMIT_CREATES: '10000',
      ...env,
      PORT: port,
    },
    prefix,
  );
  return { ...t, issuer };
}

/** openid-client's configuration for `clientId`, from discovery, with its ID token signature check on. */
export async function openidConfig(issuer: string, clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  const config = await client.discovery(new URL(issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
  client.enableNonRepudiationChecks(config);
  return config;
}

/** private_key_jwt as openid-client sends it: aud = the issuer, a random jti, exp = now + 60. */
export function jwtAuth(): client.ClientAuth {
  const key = (JWT_KEY.privateKey as KeyObject).toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  return client.PrivateKeyJwt({ key, kid: 'bank-key-1' } as never);
}
