import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createPublicKey } from 'node:crypto';
import { CibaClientConfig, ClientConfig } from '../clients/client.config';
import { CibaClientEntry, ClientEntry, ClientList } from '../clients/clients.schema';
import { apiKeyWeakness, isKnownExample, webhookSecretWeakness } from '../clients/secret-strength';
import { flattenValidationErrors } from './validation-errors';

/** The development client used when CLIENTS is unset (refused in production). */
export const DEVELOPMENT_CLIENT: ClientConfig = {
  id: 'dev-client',
  apiKey: 'dev-client-key-change-me',
  apiKeys: ['dev-client-key-change-me'],
  webhookSecrets: [],
  callbackOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
};

export interface ClientsEnv {
  CLIENTS?: string;
}

/** The clients CLIENTS configures, or undefined when it is unset (the development client then stands in) or invalid. */
export function resolveClients(env: ClientsEnv, production: boolean, problems: string[]): ClientConfig[] | undefined {
  const clients = parseClients(env.CLIENTS, production, problems);
  if (!env.CLIENTS && production) problems.push('CLIENTS is required when NODE_ENV=production');
  return clients;
}

/**
 * CLIENTS, validated: the shape, then the rules that span fields and clients, then (in production)
 * https only and keys and secrets strong enough and never one of the documented examples. Messages
 * name the client's position and the field, never a value.
 */
export function parseClients(raw: string | undefined, production: boolean, problems: string[]): ClientConfig[] | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('CLIENTS must be a JSON array of clients');
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    problems.push('CLIENTS must be a non-empty JSON array of clients');
    return undefined;
  }
  const list = plainToInstance(ClientList, { clients: parsed });
  const before = problems.length;
  problems.push(
    ...flattenValidationErrors(validateSync(list, { forbidUnknownValues: true })).map((p) => `CLIENTS${p.replace(/^clients/, '')}`),
  );
  if (problems.length > before) return undefined;

  const clients = list.clients.map(toClientConfig);
  const ids = clients.map((c) => c.id);
  if (new Set(ids).size !== ids.length) problems.push('CLIENTS ids must be unique');
  const keys = clients.flatMap((c) => c.apiKeys ?? []);
  if (new Set(keys).size !== keys.length) problems.push('CLIENTS apiKeys must be unique');
  list.clients.forEach((entry, i) => problems.push(...clientProblems(entry, clients[i], production).map((p) => `CLIENTS[${i}] ${p}`)));
  return problems.length > before ? undefined : clients;
}

function toClientConfig(entry: ClientEntry): ClientConfig {
  const apiKeys = unique([entry.apiKey, ...(entry.apiKeys ?? [])]);
  const webhookSecrets = unique([entry.webhookSecret, ...(entry.webhookSecrets ?? [])]);
  return {
    id: entry.id,
    apiKey: apiKeys[0],
    apiKeys,
    webhookUrl: entry.webhookUrl,
    webhookSecret: webhookSecrets[0],
    webhookSecrets,
    callbackOrigins: (entry.callbackOrigins ?? []).map((o) => new URL(o).origin),
    ...(entry.demo && { demo: true }),
    ...(entry.ciba && { ciba: toCibaConfig(entry.ciba) }),
  };
}

function toCibaConfig(entry: CibaClientEntry): CibaClientConfig {
  return {
    deliveryMode: entry.deliveryMode,
    ...(entry.clientSecret !== undefined && { clientSecret: entry.clientSecret }),
    ...(entry.jwks !== undefined && { jwks: entry.jwks as CibaClientConfig['jwks'] }),
    ...(entry.notificationEndpoint !== undefined && { notificationEndpoint: entry.notificationEndpoint }),
  };
}

/** CLIENTS[].ciba: a way to authenticate, usable public keys, and a ping endpoint exactly when pinging. */
function cibaProblems(entry: CibaClientEntry, client: ClientConfig, production: boolean): string[] {
  const problems: string[] = [];
  if (entry.clientSecret === undefined && entry.jwks === undefined) problems.push('ciba needs a clientSecret or jwks (or both)');
  if (entry.clientSecret !== undefined && (client.apiKeys ?? [client.apiKey]).includes(entry.clientSecret))
    problems.push('ciba.clientSecret must differ from every apiKey');
  if (entry.jwks !== undefined) problems.push(...jwksProblems(entry.jwks));
  if (entry.deliveryMode === 'ping' && !entry.notificationEndpoint)
    problems.push('ciba.notificationEndpoint is required when deliveryMode is "ping"');
  if (entry.deliveryMode === 'poll' && entry.notificationEndpoint)
    problems.push('ciba.notificationEndpoint is only for deliveryMode "ping"');
  if (entry.notificationEndpoint && hasCredentials(entry.notificationEndpoint))
    problems.push('ciba.notificationEndpoint must not carry a user or password');
  if (!production) return problems;
  if (entry.notificationEndpoint && !entry.notificationEndpoint.startsWith('https:'))
    problems.push('ciba.notificationEndpoint must be https when NODE_ENV=production');
  if (entry.clientSecret !== undefined) {
    const weakness = isKnownExample(entry.clientSecret) ? 'is a published example value' : apiKeyWeakness(entry.clientSecret);
    if (weakness) problems.push(`ciba.clientSecret ${weakness} (NODE_ENV=production)`);
  }
  return problems;
}

/** Every key a public asymmetric key the assertion check can use; a private or symmetric key is refused. */
function jwksProblems(jwks: { keys?: unknown }): string[] {
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) return ['ciba.jwks must be a JWK Set with at least one key ({"keys":[…]})'];
  return jwks.keys.flatMap((key: unknown, k) => {
    const jwk = key as Record<string, unknown> | null;
    if (!jwk || typeof jwk !== 'object' || !['EC', 'RSA', 'OKP'].includes(jwk.kty as string))
      return [`ciba.jwks.keys[${k}] must be an EC, RSA or OKP public key`];
    if ('d' in jwk) return [`ciba.jwks.keys[${k}] must be a public key (it holds a private part)`];
    try {
      createPublicKey({ key: jwk as never, format: 'jwk' });
      return [];
    } catch {
      return [`ciba.jwks.keys[${k}] is not a usable public key`];
    }
  });
}

function clientProblems(entry: ClientEntry, client: ClientConfig, production: boolean): string[] {
  const problems: string[] = [];
  if (!client.apiKeys?.length) problems.push('needs an apiKey (or apiKeys)');
  const receivesWebhooks = Boolean(entry.webhookUrl || entry.callbackOrigins?.length);
  // Webhooks are always signed: a client that can receive them must have a secret to verify them with.
  if (receivesWebhooks && !client.webhookSecrets?.length)
    problems.push('needs a webhookSecret when webhookUrl or callbackOrigins is set (webhooks are always signed)');
  if (entry.demo && receivesWebhooks) problems.push('is a demo client ("demo": true): it must have no webhookUrl and no callbackOrigins');
  if (entry.webhookUrl && hasCredentials(entry.webhookUrl)) problems.push('webhookUrl must not carry a user or password');
  if (entry.ciba) problems.push(...cibaProblems(entry.ciba, client, production));
  if (!production) return problems;

  // Production: PII and signatures never travel in clear, and no key or secret from the docs or the tests.
  if (entry.webhookUrl && !entry.webhookUrl.startsWith('https:')) problems.push('webhookUrl must be https when NODE_ENV=production');
  if (client.callbackOrigins.some((o) => !o.startsWith('https:')))
    problems.push('callbackOrigins must all be https when NODE_ENV=production');
  (client.apiKeys ?? []).forEach((key, k) => {
    const weakness = isKnownExample(key) ? 'is a published example value' : apiKeyWeakness(key);
    if (weakness) problems.push(`apiKeys[${k}] ${weakness} (NODE_ENV=production)`);
  });
  (client.webhookSecrets ?? []).forEach((secret, k) => {
    const weakness = isKnownExample(secret) ? 'is a published example value' : webhookSecretWeakness(secret);
    if (weakness) problems.push(`webhookSecrets[${k}] ${weakness} (NODE_ENV=production)`);
  });
  return problems;
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
