// The wire types of the stepup-orchestrator API, written from its contract (v2, docs/CONTRACT.md).
// Timestamps are ISO 8601 UTC strings, as the service sends them.

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'failed';
export type TerminalStatus = Exclude<ApprovalStatus, 'pending'>;
export type AuthType = 'biom' | 'pin';
export type ApprovedBy = 'push' | 'signature';

/** The payment an approval is bound to. `amount` is a decimal string ("1250.00"), never a number. */
export interface Transaction {
  /** Exactly the currency's decimal places: "10.00" EUR, "1000" JPY, "1.500" KWD ("10" EUR is refused). */
  amount: string;
  /** ISO 4217 alphabetic code of a currency, upper case (XXX, XTS, metals and funds codes are refused). */
  currency: string;
  payee: { name: string; account: string };
  reference?: string;
}

/** The signed transaction JWT accepted by `POST /v1/approvals/{id}/signature`. */
export interface SignatureInfo {
  /** Absent when Recognize's key was read without a key id (the PEM or verify-JWT endpoints). */
  kid?: string;
  alg: 'RS256' | 'ES256';
  issuedAt?: string;
  verifiedAt: string;
}

/** Recognize's telemetry for the authentication that decided the approval, when available. */
export interface ApprovalAuthentication {
  result: string;
  errorCode: number;
  createdAt: string;
  authType?: AuthType;
  deviceId?: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

/** The delivery of one terminal event to one webhook URL. */
export interface Delivery {
  eventId: string;
  url: string;
  state: DeliveryState;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
}

/** The approval representation: the same in every answer, list item and event `data`. */
export interface Approval {
  /** Equals `operationId`. */
  id: string;
  operationId: string;
  /** Upper-case hexadecimal. */
  userId: string;
  externalUserId?: string;
  message?: string;
  metadata?: Record<string, unknown>;
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
  authType?: AuthType;
  /** Path (`/v1/approvals/{id}/events?token=…`) a browser can follow without the API key. */
  eventsUrl?: string;
  transaction?: Transaction;
  /** The exact string the customer's app passes to the Recognize SDK as transaction data (`td`). */
  transactionData: string;
  /** base64url (no padding) SHA-256 of `transactionData`. */
  transactionHash: string;
  approvedBy?: ApprovedBy;
  signature?: SignatureInfo;
  /** Compact JWS (ES256) present on `approved` approvals only; check it with `verifyReceipt`. */
  receipt?: string;
  consumedAt?: string;
  consumedReference?: string;
  authentication?: ApprovalAuthentication;
  deliveries?: Delivery[];
}

/** Body of `POST /v1/approvals`. */
export interface CreateApprovalRequest {
  /** Hexadecimal, 1–128 chars, case-insensitive. */
  userId: string;
  /** 1–128 chars of `[A-Za-z0-9._:-]`. With it, creation is idempotent (and retried on 429/503). */
  operationId?: string;
  externalUserId?: string;
  /**
   * What the user is asked to approve, without a `transaction` only (both together: 400): with one,
   * the phone shows the text the service writes from it. Unicode NFC, no line breaks or other
   * control, format or unassigned characters.
   */
  message?: string;
  /** 1–86400; the service's default lifetime when absent. */
  timeoutSeconds?: number;
  /** http(s) URL whose origin is one of the client's `callbackOrigins`. */
  callbackUrl?: string;
  /** JSON object, at most 4 KiB serialized, returned as given. */
  metadata?: Record<string, unknown>;
  transaction?: Transaction;
}

export interface ListApprovalsQuery {
  userId?: string;
  status?: ApprovalStatus;
  /** Page size, 1–100 (the service's default is 20). */
  limit?: number;
}

/** One page of `GET /v1/approvals`, newest first. */
export interface ApprovalPage {
  data: Approval[];
  nextCursor: string | null;
}

export type ApprovalEventType = `approval.${ApprovalStatus}`;

/** An event, as sent over SSE and as the body of a webhook. `data` is the approval after the change. */
export interface ApprovalEvent {
  /** Unique and stable; a webhook's `webhook-id`. */
  id: string;
  type: ApprovalEventType;
  createdAt: string;
  data: Approval;
}

/** The claims of an approval receipt (`typ: approval-receipt+jwt`). */
export interface ReceiptClaims {
  iss: string;
  /** The approval's userId. */
  sub: string;
  /** The client id the approval belongs to. */
  aud: string;
  /** The approval id. */
  jti: string;
  iat: number;
  status: 'approved';
  approvedBy: ApprovedBy;
  decidedAt: string;
  transactionHash: string;
  authType?: AuthType;
}

export interface ProblemFieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem body with the service's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ProblemFieldError[];
  /** Present on 500s: quote it when reporting the failure. */
  errorId?: string;
}

/** Problem codes the service documents; others may appear, so code against `string` too. */
export type ProblemCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'approval_not_found'
  | 'user_not_found'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'approval_conflict'
  | 'approval_already_terminal'
  | 'approval_already_consumed'
  | 'approval_not_approved'
  | 'approval_not_pending'
  | 'approval_expired'
  | 'nothing_to_redeliver'
  | 'event_not_found'
  | 'no_webhook_url'
  | 'invalid_signature'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'storage_quota_exceeded'
  | 'recognize_bad_gateway'
  | 'recognize_unavailable'
  | 'recognize_keys_refreshing'
  | 'internal_error';
