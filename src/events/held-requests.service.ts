import { Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';

/** A held request ends at a moment nobody can predict (a decision, a timeout, a browser leaving); a caller comes back after this. */
const RETRY_AFTER_S = 10;

/** What an admitted held request keeps until it ends; releasing twice is harmless. */
export interface HeldRequest {
  release(): void;
}

/**
 * Requests this process holds open: event streams and `?wait=` long-polls, counted together per client
 * (CLIENT_MAX_HELD_REQUESTS) and for the process (HTTP_MAX_CONNECTIONS minus a reserve). Each connection
 * one of them holds is one the server cannot give to anyone else, so without a per-client share one
 * client's long-polls could take every connection and another client's requests, and /health/*, would
 * find none. Counted in memory: the connections are this process's.
 */
@Injectable()
export class HeldRequestsService {
  private readonly byClient = new Map<string, number>();
  private total = 0;

  constructor(private readonly config: AppConfig) {}

  /** Counts one held request of `clientId` (for an eventsUrl stream, the approval's client), or throws a 429 naming the cap. */
  hold(clientId: string): HeldRequest {
    const { maxHeldPerClient, maxHeldPerProcess } = this.config.http;
    const mine = this.byClient.get(clientId) ?? 0;
    if (mine >= maxHeldPerClient) {
      throw new TooManyRequestsError(
        `At most ${maxHeldPerClient} held requests (event streams and ?wait= long-polls together) may be open for this client on one instance`,
        RETRY_AFTER_S,
      );
    }
    if (this.total >= maxHeldPerProcess) {
      throw new TooManyRequestsError(`Too many held requests (event streams and ?wait= long-polls) on this instance`, RETRY_AFTER_S);
    }
    this.byClient.set(clientId, mine + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byClient.get(clientId) ?? 1) - 1;
        if (left > 0) this.byClient.set(clientId, left);
        else this.byClient.delete(clientId);
      },
    };
  }

  /** Held requests of `clientId` in this process. */
  heldBy(clientId: string): number {
    return this.byClient.get(clientId) ?? 0;
  }

  /** Held requests in this process. */
  get open(): number {
    return this.total;
  }
}
