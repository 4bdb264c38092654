import * as http from 'node:http';
import * as https from 'node:https';
import { OnApplicationShutdown } from '@nestjs/common';
import axios, { AxiosInstance, AxiosResponse, isAxiosError } from 'axios';
import {
  RecognizeBadRequestError,
  RecognizeConflictError,
  RecognizeError,
  RecognizeNotFoundError,
  RecognizeThrottledError,
  RecognizeUnavailableError,
} from './recognize.errors';
import { readAuthentications, readCreated, readOperation, readPendingOperations } from './recognize.responses';
import { CreateOperationRequest, PendingOperation, RecognizeAuthentication, RecognizeOperation } from './recognize.types';
import { parseRetryAfter } from './retry-after';
import { RecognizeCircuitBreaker } from './circuit-breaker';

/** One finished request, for metrics: `route` is the path template, `outcome` 'ok' or the failure kind. */
export interface RecognizeObservation {
  route: string;
  status?: number;
  outcome: string;
  durationMs: number;
}

export interface RecognizeClientOptions {
  /** Version path included, e.g. https://host/v2. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  observer?: (observation: RecognizeObservation) => void;
  /** Per-instance circuit breaker around every call; none: every call is sent. */
  breaker?: RecognizeCircuitBreaker;
}

/** The only code that talks to PingOne Recognize. It never retries: the poller owns the retry policy. */
export class RecognizeClient implements OnApplicationShutdown {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly http: AxiosInstance;

  constructor(private readonly options: RecognizeClientOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs,
      headers: { 'X-Api-Key': options.apiKey, Accept: 'application/json' },
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // Every status is mapped below, and bodies are parsed here so a broken one becomes 'malformed'.
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });
  }

  async createOperation(request: CreateOperationRequest): Promise<void> {
    const { userId, ...body } = request;
    await this.request('POST', '/users/{userId}/operations', `/users/${segment(userId)}/operations`, readCreated, { data: body });
  }

  getOperation(operationId: string): Promise<RecognizeOperation> {
    return this.request('GET', '/operations/{operationId}', `/operations/${segment(operationId)}`, readOperation);
  }

  listPendingOperations(userId: string): Promise<PendingOperation[]> {
    return this.request('GET', '/users/{userId}/operations/pending', `/users/${segment(userId)}/operations/pending`, readPendingOperations);
  }

  getUserAuthentications(userId: string, operationId?: string): Promise<RecognizeAuthentication[]> {
    const path = `/users/${segment(userId)}/authentications`;
    return this.request('GET', '/users/{userId}/authentications', path, readAuthentications, { params: filter(operationId) });
  }

  getExternalUserAuthentications(externalUserId: string, operationId?: string): Promise<RecognizeAuthentication[]> {
    const path = `/external-users/${segment(externalUserId)}/authentications`;
    return this.request('GET', '/external-users/{externalUserId}/authentications', path, readAuthentications, { params: filter(operationId) });
  }

  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async request<T>(
    method: 'GET' | 'POST',
    route: string,
    path: string,
    read: (body: unknown) => T | undefined,
    extra: { data?: object; params?: Record<string, string> } = {},
  ): Promise<T> {
    const label = `${method} ${path}`;
    const started = performance.now();
    let status: number | undefined;
    const call = async (): Promise<T> => {
      const response = await this.send(label, { method, url: path, ...extra });
      status = response.status;
      const failure = errorForStatus(label, response);
      if (failure) throw failure;
      const value = read(parseJson(response.data));
      if (value === undefined) throw new RecognizeUnavailableError(`${label}: upstream answered an unexpected body`, 'malformed', status);
      return value;
    };
    try {
      const value = await (this.options.breaker ? this.options.breaker.execute(label, call) : call());
      this.observe({ route, status, outcome: 'ok', durationMs: performance.now() - started });
      return value;
    } catch (error) {
      this.observe({ route, status, outcome: outcomeOf(error), durationMs: performance.now() - started });
      throw error;
    }
  }

  /** Transport failures become typed errors with our own message: axios errors carry the request headers, key included. */
  private async send(label: string, config: Parameters<AxiosInstance['request']>[0]): Promise<AxiosResponse<string>> {
    try {
      return await this.http.request<string>(config);
    } catch (error) {
      const code = isAxiosError(error) ? error.code : undefined;
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
        throw new RecognizeUnavailableError(`${label}: no answer within ${this.options.timeoutMs} ms`, 'timeout');
      }
      throw new RecognizeUnavailableError(`${label}: connection failed${code ? ` (${code})` : ''}`, 'connection');
    }
  }

  private observe(observation: RecognizeObservation): void {
    try {
      this.options.observer?.(observation);
    } catch {
      // Metrics must never change the outcome of a call.
    }
  }
}

function errorForStatus(label: string, response: AxiosResponse<string>): RecognizeError | undefined {
  const status = response.status;
  const message = `${label}: upstream answered ${status}`;
  switch (status) {
    case 200: // The only success the API documents.
      return undefined;
    case 400: // Our request broke a rule (e.g. user id not upper-case hex): sending it again cannot help.
    case 406: // We only accept JSON; upstream cannot produce it.
    case 415: // We sent something other than JSON.
      return new RecognizeBadRequestError(message, status);
    case 401: // Our X-Api-Key was refused: an operator must fix the configuration; callers did nothing wrong.
      return new RecognizeUnavailableError(message, 'unauthorized', status);
    case 404: // User, external user or operation unknown (a vanished operation while polling).
      return new RecognizeNotFoundError(message, status);
    case 409: // The operationId is already used upstream.
      return new RecognizeConflictError(message, status);
    case 429: // Throttled: retryable, after Retry-After when given.
      return new RecognizeThrottledError(message, parseRetryAfter(response.headers['retry-after']));
  }
  // 5xx: upstream trouble, retryable; anything else (3xx, other 4xx/2xx) is undocumented and treated alike.
  return new RecognizeUnavailableError(message, 'status', status, status >= 500 ? parseRetryAfter(response.headers['retry-after']) : undefined);
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
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

function filter(operationId: string | undefined): Record<string, string> | undefined {
  return operationId === undefined ? undefined : { operationId };
}
