import { AuthType } from '../recognize/recognize.types';
import { Transaction, transactionDataFor, transactionHashOf } from '../transactions/transaction';
import { Delivery } from './delivery';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'failed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export type TerminalStatus = Exclude<ApprovalStatus, 'pending'>;

export function isTerminal(status: ApprovalStatus): status is TerminalStatus {
  return status !== 'pending';
}

/** The matching authentication from Recognize's telemetry API, kept on a decided approval. */
export interface ApprovalAuthentication {
  result: string;
  errorCode: number;
  createdAt: string;
  authType?: AuthType;
  deviceId?: string;
}

/** What approved an approval: Recognize's answer to a poll, or a transaction JWT of the Recognize SDK. */
export type ApprovedBy = 'push' | 'signature';

/** The transaction JWT that approved (or was later recorded on) an approval, as verified. */
export interface ApprovalSignature {
  /** Absent only when Recognize's PEM key or verify endpoint checked a JWT that named none. */
  kid?: string;
  alg: 'RS256' | 'ES256';
  issuedAt?: string;
  verifiedAt: string;
}

/** What the service stores for one approval. `id` is the Recognize operationId. */
export interface ApprovalRecord {
  id: string;
  clientId: string;
  userId: string;
  externalUserId?: string;
  message?: string;
  metadata?: Record<string, unknown>;
  /** The payment this approval is for, as given (contract v2, "Transaction binding"). */
  transaction?: Transaction;
  /** JCS of {approvalId, transaction} or {approvalId, message}: the `td` the customer's app signs. */
  transactionData: string;
  /** base64url SHA-256 of transactionData. */
  transactionHash: string;
  callbackUrl?: string;
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
  authType?: AuthType;
  authentication?: ApprovalAuthentication;
  /** Set with `approved`. */
  approvedBy?: ApprovedBy;
  signature?: ApprovalSignature;
  /** ES256 compact JWS over the decision, on approved approvals only (receipts/). */
  receipt?: string;
  /** Digest of the creating request's fields: a re-POST with the same digest is the same request. */
  fingerprint: string;
  /** Set once, by the consume script, on an approved approval (kept beside the doc in Redis, see ApprovalsStore). */
  consumedAt?: string;
  consumedReference?: string;
}

/** The approval as callers see it (contract: Approval representation): the record without what stays ours, plus operationId. */
export type ApprovalView = Omit<ApprovalRecord, 'clientId' | 'callbackUrl' | 'fingerprint'> & { operationId: string };

/**
 * The approval representation of the contract: the view plus the browser's way in. The same object is
 * every answer, list item and event `data`; only GET adds the webhook deliveries, which are not part of it.
 */
export type ApprovalRepresentation = ApprovalView & { eventsUrl: string };

/** An approval as the REST API returns it: the representation (and, when read by id, its webhook deliveries). */
export type ApprovalResponse = ApprovalRepresentation & { deliveries?: Delivery[] };

/**
 * The approval's transactionData: the exact `td` a transaction JWT must carry. Records written
 * before transaction binding have none stored; theirs is derived from the message, as the contract defines it.
 */
export function transactionDataOf(record: ApprovalRecord): string {
  return record.transactionData ?? transactionDataFor(record.id, { message: record.message });
}

export function transactionHashOfRecord(record: ApprovalRecord): string {
  return record.transactionHash ?? transactionHashOf(transactionDataOf(record));
}

/** The one builder of the representation; `eventsUrl` comes from EventsUrls.eventsUrl, deterministic per approval. */
export function representationOf(record: ApprovalRecord, eventsUrl: string): ApprovalRepresentation {
  return { ...toView(record), eventsUrl };
}

/** A list of what callers see, not of what they do not: a field added to the record stays private until named here. */
export function toView(record: ApprovalRecord): ApprovalView {
  return {
    id: record.id,
    operationId: record.id,
    userId: record.userId,
    ...(record.externalUserId !== undefined && { externalUserId: record.externalUserId }),
    ...(record.message !== undefined && { message: record.message }),
    ...(record.metadata !== undefined && { metadata: record.metadata }),
    ...(record.transaction !== undefined && { transaction: record.transaction }),
    transactionData: transactionDataOf(record),
    transactionHash: transactionHashOfRecord(record),
    status: record.status,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.decidedAt !== undefined && { decidedAt: record.decidedAt }),
    ...(record.authType !== undefined && { authType: record.authType }),
    ...(record.authentication !== undefined && { authentication: record.authentication }),
    ...(record.approvedBy !== undefined && { approvedBy: record.approvedBy }),
    ...(record.signature !== undefined && { signature: record.signature }),
    ...(record.receipt !== undefined && { receipt: record.receipt }),
    ...(record.consumedAt !== undefined && { consumedAt: record.consumedAt }),
    ...(record.consumedReference !== undefined && { consumedReference: record.consumedReference }),
  };
}
