import { errorFromResponse, retryAfterSeconds } from './stepup.errors.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  /** Extra attempts after a 429 or 503 on a request that is safe to repeat. */
  retries: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Whether sending the request twice has the effect of sending it once (then 429/503 are retried). */
  idempotent: boolean;
  signal?: AbortSignal;
}

// A Retry-After longer than this is the service asking for a pause, not a blip: the caller decides.
const MAX_RETRY_WAIT_S = 60;
// Without Retry-After: 0.5 s, 1 s, 2 s … at most 8 s.
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

/** Sends API requests with the client's key, maps error answers to typed errors, retries 429/503. */
export class HttpTransport {
  readonly baseUrl: string;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** An absolute URL for a service path (`/v1/…`), or the URL itself when it already is one. */
  url(pathOrUrl: string, query?: ApiRequest['query']): string {
    const url = new URL(/^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : this.baseUrl + pathOrUrl);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  get fetch(): FetchLike {
    return this.options.fetch;
  }

  authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.options.apiKey}` };
  }

  async json<T>(request: ApiRequest): Promise<T> {
    const response = await this.send(request);
    return (await response.json()) as T;
  }

  /** The successful answer to `request`; an error answer is thrown as its typed error. */
  async send(request: ApiRequest): Promise<Response> {
    const url = this.url(request.path, request.query);
    const headers: Record<string, string> = { accept: 'application/json', ...this.authorization() };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const attempts = request.idempotent ? this.options.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const response = await this.options.fetch(url, {
        method: request.method,
        headers,
        ...(body !== undefined && { body }),
        ...(request.signal && { signal: request.signal }),
      });
      if (response.ok) return response;
      const waitMs = attempt < attempts ? retryWaitMs(response, attempt) : undefined;
      if (waitMs === undefined) throw await errorFromResponse(response);
      // Read the body away so that the connection can be reused for the next attempt.
      await response.arrayBuffer().catch(() => undefined);
      await sleep(waitMs, request.signal);
    }
  }
}

/** How long to wait before retrying this answer, or undefined when it is not worth retrying. */
function retryWaitMs(response: Response, attempt: number): number | undefined {
  // 429: throttled before anything happened; 503: Recognize unavailable, nothing was created.
  if (response.status !== 429 && response.status !== 503) return undefined;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  if (retryAfter === undefined) return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return retryAfter <= MAX_RETRY_WAIT_S ? retryAfter * 1000 : undefined;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
