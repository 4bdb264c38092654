import { DecisionWaiter, type WaitForDecisionOptions } from './decision.waiter.js';
import { HttpTransport, type FetchLike } from './http.transport.js';
import { ReceiptVerifier, type VerifyReceiptOptions } from './receipt.verifier.js';
import type { Approval, ApprovalEvent, ApprovalPage, CreateApprovalRequest, ListApprovalsQuery, ReceiptClaims } from './types.js';
import { verifyWebhook, type WebhookRequest } from './webhook.verifier.js';

export interface StepupClientOptions {
  /** The service's base URL, e.g. `https://stepup.example.com`. */
  baseUrl: string;
  /** The client's API key from the service's `CLIENTS`. Keep it on the server. */
  apiKey: string;
  /** A fetch implementation; the global `fetch` by default. */
  fetch?: FetchLike;
  /** Extra attempts after a 429 or 503, for requests that are safe to repeat (default 2). */
  retries?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface GetApprovalOptions extends RequestOptions {
  /** Hold the answer up to this many seconds (0–60) while the approval is pending. */
  wait?: number;
}

/** The approvals matching a query, newest first: iterate it for items, or take pages. */
export class ApprovalList implements AsyncIterable<Approval> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<ApprovalPage>) {}

  /** One page; pass the previous page's `nextCursor` for the next one. */
  page(cursor?: string | null): Promise<ApprovalPage> {
    return this.fetchPage(cursor ?? undefined);
  }

  /** Every page, following `nextCursor` until it is `null`. */
  async *pages(): AsyncIterableIterator<ApprovalPage> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Approval> {
    for await (const page of this.pages()) yield* page.data;
  }
}

/** A client of the stepup-orchestrator API (contract v2). Use it on the server: it holds the API key. */
export class StepupClient {
  private readonly http: HttpTransport;
  private readonly receipts: ReceiptVerifier;

  constructor(options: StepupClientOptions) {
    if (!options.baseUrl) throw new TypeError('StepupClient needs a baseUrl');
    if (!options.apiKey) throw new TypeError('StepupClient needs an apiKey');
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.http = new HttpTransport({ baseUrl: options.baseUrl, apiKey: options.apiKey, fetch: fetchImpl, retries: options.retries ?? 2 });
    this.receipts = new ReceiptVerifier(`${this.http.baseUrl}/.well-known/jwks.json`, fetchImpl);
  }

  /**
   * Creates an approval (`201`), or answers the existing one for the same `operationId` and fields
   * (`200`). Retried on 429/503 only when `operationId` is given: then creation is idempotent.
   */
  createApproval(body: CreateApprovalRequest, options: RequestOptions = {}): Promise<Approval> {
    return this.http.json({ method: 'POST', path: '/v1/approvals', body, idempotent: body.operationId !== undefined, ...options });
  }

  getApproval(id: string, options: GetApprovalOptions = {}): Promise<Approval> {
    const { wait, ...rest } = options;
    return this.http.json({ method: 'GET', path: approvalPath(id), query: { wait }, idempotent: true, ...rest });
  }

  /** The client's approvals matching `query`, newest first; `limit` is the page size. */
  listApprovals(query: ListApprovalsQuery = {}, options: RequestOptions = {}): ApprovalList {
    return new ApprovalList((cursor) =>
      this.http.json<ApprovalPage>({
        method: 'GET',
        path: '/v1/approvals',
        query: { userId: query.userId, status: query.status, limit: query.limit, cursor },
        idempotent: true,
        ...options,
      }),
    );
  }

  /** Cancels a pending approval. Not retried: a second cancel answers 409. */
  cancelApproval(id: string, options: RequestOptions = {}): Promise<Approval> {
    return this.http.json({ method: 'POST', path: `${approvalPath(id)}/cancel`, idempotent: false, ...options });
  }

  /** Approves with the signed transaction JWT from the Recognize SDK (its `td` is the approval's `transactionData`). */
  submitSignature(id: string, jwt: string, options: RequestOptions = {}): Promise<Approval> {
    // Idempotent by contract: the same valid JWT on an approved approval answers 200, unchanged.
    return this.http.json({ method: 'POST', path: `${approvalPath(id)}/signature`, body: { jwt }, idempotent: true, ...options });
  }

  /**
   * Marks an approved approval as used, once, for `reference` (your payment's id): a second consume with
   * another reference is a 409. The reference is required: without one, two payment systems could not be told apart.
   */
  consumeApproval(id: string, body: { reference: string }, options: RequestOptions = {}): Promise<Approval> {
    const reference: unknown = body?.reference;
    // The service checks the rest (at most 128 characters) and answers 400.
    if (typeof reference !== 'string' || reference === '') {
      return Promise.reject(new TypeError('consumeApproval needs a reference (your payment id), a non-empty string'));
    }
    // Idempotent by contract: the same reference again answers 200, unchanged.
    return this.http.json({ method: 'POST', path: `${approvalPath(id)}/consume`, body: { reference }, idempotent: true, ...options });
  }

  /**
   * Resolves with the approval once it has left `pending`: over Server-Sent Events (resuming
   * with Last-Event-ID after a drop), else by long-polling. Abort it with `signal`.
   */
  waitForDecision(id: string, options: WaitForDecisionOptions = {}): Promise<Approval> {
    return new DecisionWaiter(this.http, (approvalId, o) => this.getApproval(approvalId, o), id, options).wait();
  }

  /** Checks a webhook's Standard Webhooks signature with one secret or several (rotation) and returns its event. */
  verifyWebhook(request: WebhookRequest, secret: string | readonly string[]): ApprovalEvent {
    return verifyWebhook(request, secret);
  }

  /** Checks an approval receipt against the service's key set (fetched once per client) and returns its claims. */
  verifyReceipt(jwt: string, options: VerifyReceiptOptions = {}): Promise<ReceiptClaims> {
    return this.receipts.verify(jwt, options);
  }
}

function approvalPath(id: string): string {
  return `/v1/approvals/${encodeURIComponent(id)}`;
}
