import { setTimeout as delay } from 'node:timers/promises';
import { CryptoKey, JSONWebKeySet, createLocalJWKSet, errors } from 'jose';
import { UpstreamUnavailableError } from '../common/app.errors';
import { InvalidSignatureError, KeySetRefreshingError } from './signature.errors';
import { readBounded } from './recognize-keys.client';

/** Recognize's key set as one fetch found it; `fetchedAtMs` is when that fetch started. */
export interface KeySetSnapshot {
  jwks: JSONWebKeySet;
  fetchedAtMs: number;
}

/**
 * Where the instances of the service keep the last key set any of them fetched, and take turns
 * fetching it: RedisKeySetStore (key-set.store.ts), or MemoryKeySetStore for a single process.
 */
export interface KeySetStore {
  read(): Promise<KeySetSnapshot | undefined>;
  /** Keeps `snapshot` unless a newer one is kept already. */
  write(snapshot: KeySetSnapshot): Promise<void>;
  /** 0 when the caller may fetch now (and no other may for `gapMs`); otherwise the ms until a fetch is allowed. */
  claimFetch(gapMs: number): Promise<number>;
}

export class MemoryKeySetStore implements KeySetStore {
  private snapshot?: KeySetSnapshot;
  private nextFetchAtMs = 0;

  async read(): Promise<KeySetSnapshot | undefined> {
    return this.snapshot;
  }

  async write(snapshot: KeySetSnapshot): Promise<void> {
    if (!this.snapshot || this.snapshot.fetchedAtMs <= snapshot.fetchedAtMs) this.snapshot = snapshot;
  }

  async claimFetch(gapMs: number): Promise<number> {
    const now = Date.now();
    if (now < this.nextFetchAtMs) return this.nextFetchAtMs - now;
    this.nextFetchAtMs = now + gapMs;
    return 0;
  }
}

export interface RecognizeKeySetOptions {
  /** RECOGNIZE_JWKS_URL. The key set is public: it is fetched without the API key. */
  url: string;
  timeoutMs: number;
  /** RECOGNIZE_JWKS_REFETCH_GAP_MS: least time between two fetches of the set by all instances together. */
  refetchGapMs: number;
  /** A set older than this is fetched again before use (a retired key must not verify for ever). */
  maxAgeMs: number;
}

/** The longest a request waits for the next allowed fetch before it answers 503 with Retry-After. */
const MAX_WAIT_FOR_FETCH_MS = 1000;
const MAX_KEY_SET_BYTES = 256 * 1024;

/**
 * Recognize's key set, cached per process and shared between instances through a KeySetStore.
 *
 * Recognize's "JWT verification best practice" (recognize-api/jwt-signing.md): when a kid is not in
 * the cached set, fetch the set again — Recognize rotates its KMS keys — but not on every request.
 * So an unknown kid is refused (422 "kid") only when a fetch that started after the JWT reached us
 * does not have it either. Fetches are spaced by `refetchGapMs` across all instances (one claim in
 * the store), so N instances meeting a new kid together ask Recognize once, and a flood of made-up
 * kids costs Recognize at most one request per gap. A request that meets a new kid while another
 * fetch holds the gap takes the set that fetch shared, or waits for the gap once (at most 1 s);
 * failing that it answers 503 `recognize_keys_refreshing` with Retry-After, never a final 422.
 */
export class RecognizeKeySet {
  private snapshot?: KeySetSnapshot;
  private lookup?: ReturnType<typeof createLocalJWKSet>;
  private inflight?: Promise<KeySetSnapshot>;

  constructor(
    private readonly options: RecognizeKeySetOptions,
    private readonly store: KeySetStore,
  ) {}

  /** The key for this header, judged for a JWT that reached us at `receivedAtMs`. */
  async key(alg: string, kid: string, receivedAtMs: number): Promise<CryptoKey> {
    await this.current();
    for (let waited = false; ;) {
      const seen = this.snapshot!;
      const key = await this.find(alg, kid);
      if (key) return key;
      if (seen.fetchedAtMs >= receivedAtMs) throw unknownKid(alg, kid);
      // A newer set may be at hand already: shared by another instance, or taken by another request here.
      if ((await this.adoptShared()) || this.snapshot !== seen) continue;
      if (this.inflight) {
        await this.inflight;
        continue;
      }
      const waitMs = await this.store.claimFetch(this.options.refetchGapMs);
      if (waitMs === 0) {
        await this.fetch();
        continue;
      }
      if (waited || waitMs > MAX_WAIT_FOR_FETCH_MS) throw new KeySetRefreshingError(Math.max(1, Math.ceil(waitMs / 1000)));
      waited = true;
      await delay(waitMs);
    }
  }

  /** The cached set; the shared one or a fresh fetch when there is none or it is older than maxAgeMs. */
  private async current(): Promise<KeySetSnapshot> {
    const now = Date.now();
    if (this.snapshot && now - this.snapshot.fetchedAtMs < this.options.maxAgeMs) return this.snapshot;
    const shared = await this.adoptShared();
    if (shared && now - shared.fetchedAtMs < this.options.maxAgeMs) return shared;
    if (this.inflight) return this.inflight;
    // A stale set is still used when another instance is fetching now; its fetch will be shared.
    if (this.snapshot && (await this.store.claimFetch(this.options.refetchGapMs)) > 0) return this.snapshot;
    return this.fetch();
  }

  /** Takes the shared set when it is newer than ours; undefined when it is not. */
  private async adoptShared(): Promise<KeySetSnapshot | undefined> {
    const shared = await this.store.read();
    if (!shared || (this.snapshot && shared.fetchedAtMs <= this.snapshot.fetchedAtMs)) return undefined;
    this.adopt(shared);
    return shared;
  }

  /** One fetch per process at a time; the result is shared with the other instances. */
  private fetch(): Promise<KeySetSnapshot> {
    this.inflight ??= (async () => {
      const fetchedAtMs = Date.now();
      const snapshot = { jwks: await this.download(), fetchedAtMs };
      await this.store.write(snapshot);
      if (!this.snapshot || this.snapshot.fetchedAtMs <= fetchedAtMs) this.adopt(snapshot);
      return snapshot;
    })().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private adopt(snapshot: KeySetSnapshot): void {
    this.snapshot = snapshot;
    this.lookup = createLocalJWKSet(snapshot.jwks);
  }

  private async find(alg: string, kid: string): Promise<CryptoKey | undefined> {
    try {
      return await this.lookup!({ alg, kid });
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) return undefined;
      if (err instanceof errors.JWKSMultipleMatchingKeys)
        throw new InvalidSignatureError('kid', `Recognize's key set has several ${alg} keys with kid ${JSON.stringify(kid)}`);
      throw err;
    }
  }

  private async download(): Promise<JSONWebKeySet> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        headers: { Accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch {
      throw new UpstreamUnavailableError("Recognize's key set could not be read");
    }
    if (response.status !== 200) throw new UpstreamUnavailableError(`Recognize's key set could not be read (${response.status})`);
    try {
      const jwks = JSON.parse(await readBounded(response, MAX_KEY_SET_BYTES)) as JSONWebKeySet;
      createLocalJWKSet(jwks); // checks the shape
      return jwks;
    } catch {
      throw new UpstreamUnavailableError("Recognize's key set could not be read (not a JWK Set)");
    }
  }
}

function unknownKid(alg: string, kid: string): InvalidSignatureError {
  return new InvalidSignatureError('kid', `Recognize's key set has no ${alg} key with kid ${JSON.stringify(kid)}`);
}
