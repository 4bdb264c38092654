import { Webhook } from 'standardwebhooks';
import type { ApprovalEvent } from './types.js';

/** A received webhook: its headers and its raw body, exactly as received (not re-serialised JSON). */
export interface WebhookRequest {
  /** A `Headers` object, Node's `IncomingHttpHeaders`, or a plain record. */
  headers: Headers | Record<string, string | string[] | undefined>;
  body: string | Uint8Array;
}

/** The webhook's signature, timestamp or body did not check out: answer it with a 4xx and drop it. */
export class WebhookVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookVerificationError';
  }
}

/**
 * Checks a webhook per Standard Webhooks (HMAC-SHA256 signature, timestamp within 5 minutes) and
 * returns its event. Several secrets (`whsec_…`) are tried in turn, for a rotation overlap.
 * Deduplicate on the event's `id` (the `webhook-id`): a webhook may arrive more than once.
 */
export function verifyWebhook(request: WebhookRequest, secret: string | readonly string[]): ApprovalEvent {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
  const headers = plainHeaders(request.headers);
  let failure: unknown;
  for (const candidate of secrets) {
    try {
      return asEvent(new Webhook(candidate).verify(body, headers));
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw error;
      failure = error;
    }
  }
  throw new WebhookVerificationError(`Webhook not verified: ${messageOf(failure)}`, { cause: failure });
}

function plainHeaders(headers: WebhookRequest['headers']): Record<string, string> {
  const plain: Record<string, string> = {};
  const entries = isHeaders(headers) ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    // A header sent twice arrives as an array; signatures are space-separated in one header.
    plain[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value;
  }
  return plain;
}

function isHeaders(headers: WebhookRequest['headers']): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).entries === 'function';
}

function asEvent(payload: unknown): ApprovalEvent {
  const event = payload as Partial<ApprovalEvent> | undefined;
  if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.data !== 'object') {
    throw new WebhookVerificationError('Webhook body is not an event');
  }
  return event as ApprovalEvent;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
