// The wire types of the stepup-orchestrator API, named for the SDK's users. Each is the type that
// openapi-typescript generates from the service's OpenAPI document (openapi.generated.ts, written by
// `npm run sdk:types`), so they follow the service; only what the document does not describe (the
// receipt's claims) is written here, from its contract (v2, docs/CONTRACT.md).
// Timestamps are ISO 8601 UTC strings, as the service sends them.
import type { components, operations } from './openapi.generated.js';

type Schemas = components['schemas'];

export type ApprovalStatus = Schemas['ApprovalStatus'];
export type TerminalStatus = Exclude<ApprovalStatus, 'pending'>;
export type AuthType = NonNullable<Schemas['Approval']['authType']>;
export type ApprovedBy = NonNullable<Schemas['Approval']['approvedBy']>;

/** The payment an approval is bound to. `amount` is a decimal string ("1250.00"), never a number. */
export type Transaction = Schemas['TransactionDto'];

/** The signed transaction JWT accepted by `POST /v1/approvals/{id}/signature`. */
export type SignatureInfo = Schemas['ApprovalSignatureDto'];

/** Recognize's telemetry for the authentication that decided the approval, when available. */
export type ApprovalAuthentication = Schemas['ApprovalAuthentication'];

export type DeliveryState = Schemas['Delivery']['state'];

/** The delivery of one terminal event to one webhook URL. */
export type Delivery = Schemas['Delivery'];

/** The approval representation: the same in every answer, list item and event `data` (`GET` by id adds `deliveries`). */
export type Approval = Schemas['ApprovalWithDeliveries'];

/** Body of `POST /v1/approvals`. */
export type CreateApprovalRequest = Schemas['CreateApprovalRequest'];

/** The filters of `listApprovals`; the SDK follows the pages' cursors itself. */
export type ListApprovalsQuery = Omit<NonNullable<operations['listApprovals']['parameters']['query']>, 'cursor'>;

/** One page of `GET /v1/approvals`, newest first. */
export type ApprovalPage = Schemas['ApprovalPage'];

export type ApprovalEventType = Schemas['Event']['type'];

/** An event, as sent over SSE and as the body of a webhook. `data` is the approval after the change. */
export type ApprovalEvent = Schemas['Event'];

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

export type ProblemFieldError = Schemas['FieldError'];

/** Problem codes the service documents; others may appear, so code against `string` too. */
export type ProblemCode = Schemas['Problem']['code'];

/** An RFC 9457 problem body with the service's stable `code`, typed `string`: a newer service may send a code this SDK does not know. */
export type Problem = Omit<Schemas['Problem'], 'code'> & { code: string };
