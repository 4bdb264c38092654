import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { ClientConfig } from './client.config';

/** The calling apps of CLIENTS, looked up by API key in constant time. */
@Injectable()
export class ClientsRegistry {
  private readonly entries: { client: ClientConfig; keyDigest: Buffer }[];
  private readonly byId: Map<string, ClientConfig>;

  constructor(config: AppConfig) {
    this.entries = config.clients.map((client) => ({ client, keyDigest: digest(client.apiKey) }));
    this.byId = new Map(config.clients.map((c) => [c.id, c]));
  }

  /**
   * Compares against every client's key digest without stopping early: neither the key's length
   * nor the position of the matching client shows in the time taken.
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
