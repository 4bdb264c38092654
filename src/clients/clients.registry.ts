import { createHash, timingSafeEqual } from 'node:crypto';
import { ClientConfig, apiKeysOf } from './client.config';

/** `Authorization: Bearer <key>`: the one accepted way to present an API key. */
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The calling apps of CLIENTS, looked up by API key in constant time. */
export class ClientsRegistry {
  /** One entry per key: a client being rotated has two. */
  private readonly entries: { client: ClientConfig; keyDigest: Buffer }[];
  private readonly byId: Map<string, ClientConfig>;

  /** `config` is AppConfig or any object holding its clients (ClientsModule.forRoot hands them in). */
  constructor(config: { readonly clients: readonly ClientConfig[] }) {
    this.entries = config.clients.flatMap((client) => apiKeysOf(client).map((key) => ({ client, keyDigest: digest(key) })));
    this.byId = new Map(config.clients.map((c) => [c.id, c]));
  }

  /**
   * The client whose key an `Authorization` header carries, or undefined. The one entry point for
   * bearer keys: every route, the rate limiter and the event stream authenticate through it.
   */
  authenticate(authorizationHeader: string | undefined): ClientConfig | undefined {
    const key = BEARER.exec(authorizationHeader ?? '')?.[1];
    return key === undefined ? undefined : this.findByApiKey(key);
  }

  /**
   * Compares against every key of every client without stopping early: neither the key's length,
   * the position of the matching client nor which of its keys matched shows in the time taken.
   */
  findByApiKey(apiKey: string): ClientConfig | undefined {
    const candidate = digest(apiKey);
    let found: ClientConfig | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(candidate, entry.keyDigest)) found = entry.client;
    }
    return found;
  }

  findById(id: string): ClientConfig | undefined {
    return this.byId.get(id);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
