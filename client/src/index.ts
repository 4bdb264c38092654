export { StepupClient, ApprovalList } from './stepup.client.js';
export type { StepupClientOptions, RequestOptions, GetApprovalOptions } from './stepup.client.js';
export type { WaitForDecisionOptions } from './decision.waiter.js';
export type { FetchLike } from './http.transport.js';
export {
  StepupError,
  ValidationError,
  AuthenticationError,
  NotFoundError,
  ConflictError,
  InvalidSignatureError,
  RateLimitedError,
  UpstreamError,
} from './stepup.errors.js';
export { verifyWebhook, WebhookVerificationError } from './webhook.verifier.js';
export type { WebhookRequest } from './webhook.verifier.js';
export { KeySetUnavailableError, ReceiptVerificationError } from './receipt.verifier.js';
export type { VerifyReceiptOptions } from './receipt.verifier.js';
export { transactionHash } from './transaction.hash.js';
export type { TransactionBinding } from './transaction.hash.js';
export { SseParser } from './sse.parser.js';
export type { SseMessage } from './sse.parser.js';
export type * from './types.js';
