/** One calling app, as configured in CLIENTS. */
export interface ClientConfig {
  id: string;
  /** The first of apiKeys. */
  apiKey: string;
  /** Every key this client may call with: two at once while a key is rotated. Loaded configs always set it. */
  apiKeys?: readonly string[];
  webhookUrl?: string;
  /** The first of webhookSecrets. */
  webhookSecret?: string;
  /** Every secret webhooks are signed with, one signature each: receivers may verify with either while a secret is rotated. */
  webhookSecrets?: readonly string[];
  callbackOrigins: string[];
  /** A client that exists only for the demo page: no webhooks, and the only kind the demo may use in production. */
  demo?: boolean;
  /** The client's CIBA settings (contract v3); absent: the client has no CIBA. */
  ciba?: CibaClientConfig;
}

/** What a client may do at the CIBA endpoints. Its clientSecret is never its apiKey. */
export interface CibaClientConfig {
  clientSecret?: string;
  /** Public keys (JWK) of its private_key_jwt assertions. */
  jwks?: { keys: Record<string, unknown>[] };
  deliveryMode: 'poll' | 'ping';
  notificationEndpoint?: string;
}

export function apiKeysOf(client: ClientConfig): readonly string[] {
  return client.apiKeys?.length ? client.apiKeys : [client.apiKey];
}

export function webhookSecretsOf(client: ClientConfig): readonly string[] {
  return client.webhookSecrets?.length ? client.webhookSecrets : client.webhookSecret ? [client.webhookSecret] : [];
}
