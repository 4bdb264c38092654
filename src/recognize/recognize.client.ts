import { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';
import { errorForStatus, RecognizeError, RecognizeUnavailableError } from './recognize.errors';
import { readAuthentications, readCreated, readOperation, readPendingOperations } from './recognize.responses';
import { CreateOperationRequest, PendingOperation, RecognizeAuthentication, RecognizeOperation } from './recognize.types';
import { RequestDeadlines } from './request-deadlines';
import { RecognizeCircuitBreaker } from './circuit-breaker';
import type { RecognizeObservation } from '../metrics/metrics.service';

export interface RecognizeClientOptions {
  /** Version path included, e.g. https://host/v2. */
  baseUrl: string;
  apiKey: string;
  /** Bound on a whole request: waiting for a free connection, connecting, headers and body. */
  timeoutMs: number;
  /** Connections kept open to Recognize at most; more requests wait for one (within timeoutMs). Default 256. */
  maxConnections?: number;
  /** Largest response body read; a larger one is refused as malformed. Default 1 MiB. */
  maxResponseBytes?: number;
  observer?: (observation: RecognizeObservation) => void;
  /** Per-instance circuit breaker around every call; none: every call is sent. */
  breaker?: RecognizeCircuitBreaker;
}

export const DEFAULT_MAX_CONNECTIONS = 256;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

type Method = 'GET' | 'POST';
type Reader<T> = (body: unknown) => T | undefined;

/**
 * The only code that talks to PingOne Recognize. It never retries: the poller owns the retry policy.
 * One undici Pool to the one origin of the base URL; headers, the base path and the deadline
 * signals are built once (or once per window), so a call costs little more than the path string.
 */
export class RecognizeClient implements OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly getHeaders: Readonly<Record<string, string>>;
  private readonly postHeaders: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly deadlines: RequestDeadlines;

  constructor(private readonly options: RecognizeClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.deadlines = new RequestDeadlines(options.timeoutMs);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.getHeaders = { 'x-api-key': options.apiKey, accept: 'application/json' };
    this.postHeaders = { ...this.getHeaders, 'content-type': 'application/json' };
    // A Pool never follows redirects (no redirect interceptor): the X-Api-Key goes to this origin only.
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      // Keep-alive, one request at a time per connection: a slow answer never holds up another poll.
      pipelining: 1,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // Stops reading a body sent without Content-Length (chunked) once it passes the limit.
      maxResponseSize: this.maxResponseBytes,
    });
  }

  async createOperation(request: CreateOperationRequest): Promise<void> {
    const { userId, ...body } = request;
    await this.request('POST', '/users/{userId}/operations', `/users/${segment(userId)}/operations`, readCreated, JSON.stringify(body));
  }

  getOperation(operationId: string): Promise<RecognizeOperation> {
    return this.request('GET', '/operations/{operationId}', `/operations/${segment(operationId)}`, readOperation);
  }

  listPendingOperations(userId: string): Promise<PendingOperation[]> {
    return this.request('GET', '/users/{userId}/operations/pending', `/users/${segment(userId)}/operations/pending`, readPendingOperations);
  }

  getUserAuthentications(userId: string, operationId?: string): Promise<RecognizeAuthentication[]> {
    const path = `/users/${segment(userId)}/authentications${operationQuery(operationId)}`;
    return this.request('GET', '/users/{userId}/authentications', path, readAuthentications);
  }

  getExternalUserAuthentications(externalUserId: string, operationId?: string): Promise<RecognizeAuthentication[]> {
    const path = `/external-users/${segment(externalUserId)}/authentications${operationQuery(operationId)}`;
    return this.request('GET', '/external-users/{externalUserId}/authentications', path, readAuthentications);
  }

  /** Nest calls this on every provider at shutdown, whichever module built the client. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Ends every connection, requests in flight included (they fail as 'connection'); safe to call twice. */
  close(): Promise<void> {
    return this.pool.destroy();
  }

  private async request<T>(method: Method, route: string, path: string, read: Reader<T>, body?: string): Promise<T> {
    const label = `${method} ${path}`;
    const started = performance.now();
    try {
      const send = () => this.exchange(label, method, path, read, body);
      const value = await (this.options.breaker ? this.options.breaker.execute(label, send) : send());
      this.observe({ route, status: 200, outcome: 'ok', durationMs: performance.now() - started });
      return value;
    } catch (error) {
      const status = error instanceof RecognizeError ? error.upstreamStatus : undefined;
      this.observe({ route, status, outcome: outcomeOf(error), durationMs: performance.now() - started });
      throw error;
    }
  }

  /** One HTTP exchange; every outcome other than a readable 200 leaves as a typed error with our own message. */
  private async exchange<T>(label: string, method: Method, path: string, read: Reader<T>, body: string | undefined): Promise<T> {
    // Bounds the whole request, the wait for a free connection included (headersTimeout starts later).
    const signal = this.deadlines.next();
    let status: number | undefined;
    let text: string;
    try {
      const response = await this.pool.request({
        method,
        path: this.basePath + path,
        headers: body === undefined ? this.getHeaders : this.postHeaders,
        body,
        signal,
      });
      status = response.statusCode;
      const failure = errorForStatus(label, status, response.headers['retry-after']);
      if (failure) {
        // Read off a small error body so the connection can serve the next request; a large one closes it.
        response.body.dump().catch(() => undefined);
        throw failure;
      }
      if (Number(response.headers['content-length']) > this.maxResponseBytes) {
        response.body.destroy();
        throw this.tooLarge(label, status);
      }
      text = await response.body.text();
    } catch (error) {
      throw error instanceof RecognizeError ? error : this.transportError(label, error, signal.aborted, status);
    }
    const value = read(parseJson(text));
    if (value === undefined) throw new RecognizeUnavailableError(`${label}: upstream answered an unexpected body`, 'malformed', status);
    return value;
  }

  /** Our own messages only: the transport's errors are not passed on, so nothing of the request (its key) leaks. */
  private transportError(label: string, error: unknown, aborted: boolean, status: number | undefined): RecognizeError {
    const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
    if (aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new RecognizeUnavailableError(`${label}: no answer within ${this.timeoutMs} ms`, 'timeout');
    }
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return this.tooLarge(label, status);
    const shown = code && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
    return new RecognizeUnavailableError(`${label}: connection failed${shown}`, 'connection');
  }

  private tooLarge(label: string, status: number | undefined): RecognizeError {
    return new RecognizeUnavailableError(`${label}: upstream answered a body over ${this.maxResponseBytes} bytes`, 'malformed', status);
  }

  private observe(observation: RecognizeObservation): void {
    try {
      this.options.observer?.(observation);
    } catch {
      // Metrics must never change the outcome of a call.
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function outcomeOf(error: unknown): string {
  if (error instanceof RecognizeUnavailableError) return error.reason === 'status' ? 'upstream_error' : error.reason;
  if (error instanceof RecognizeError) return error.code.replace(/^recognize_/, '');
  return 'error';
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function operationQuery(operationId: string | undefined): string {
  return operationId === undefined ? '' : `?operationId=${encodeURIComponent(operationId)}`;
}
