/** A small typed client of the public REST API, as a calling app uses it. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Approval {
  id: string;
  operationId: string;
  userId: string;
  externalUserId?: string;
  message?: string;
  metadata?: Record<string, unknown>;
  status: string;
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
  authType?: string;
  eventsUrl?: string;
  [key: string]: unknown;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {}

  create(body: unknown): Promise<ApiResponse<Approval>> {
    return this.request('POST', '/v1/approvals', body);
  }

  get(id: string): Promise<ApiResponse<Approval>> {
    return this.request('GET', `/v1/approvals/${encodeURIComponent(id)}`);
  }

  cancel(id: string): Promise<ApiResponse<Approval>> {
    return this.request('POST', `/v1/approvals/${encodeURIComponent(id)}/cancel`);
  }

  async request<T = Approval>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const raw = typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body);
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(this.apiKey && { authorization: `Bearer ${this.apiKey}` }),
        ...(raw !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: raw,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }
}
