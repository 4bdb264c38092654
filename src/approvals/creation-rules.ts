import { ApprovalConflictError, InvalidRequestError } from '../common/app.errors';
import { ClientConfig } from '../clients/client.config';
import { Transaction, transactionDataFor, transactionHashOf } from '../transactions/transaction';
import { ApprovalRecord } from './approval';
import { CreateApprovalDto } from './dto/create-approval.dto';

/** A callbackUrl is called only within the client's configured origins, and only signed. */
export function assertCallbackAllowed(client: ClientConfig, callbackUrl: string | undefined): void {
  if (callbackUrl === undefined) return;
  if (!client.callbackOrigins.includes(new URL(callbackUrl).origin)) {
    throw new InvalidRequestError("callbackUrl's origin is not one of this client's callbackOrigins", [
      { field: 'callbackUrl', message: 'origin must be one of the callbackOrigins configured for this client' },
    ]);
  }
  // Webhooks are always signed: without a secret the receiver could not tell ours from a forgery.
  if (!client.webhookSecret) {
    throw new InvalidRequestError('this client has no webhookSecret to sign callbacks with', [
      { field: 'callbackUrl', message: 'the client must have a webhookSecret configured to receive callbacks' },
    ]);
  }
}

export interface PendingRecordFacts {
  id: string;
  clientId: string;
  userId: string;
  message: string | undefined;
  transaction: Transaction | undefined;
  fingerprint: string;
  createdAt: Date;
  expiresAtMs: number;
}

/** The record of a new approval: what the phone was asked, bound to its transactionData and hash. */
export function pendingRecord(dto: CreateApprovalDto, facts: PendingRecordFacts): ApprovalRecord {
  const { id, message, transaction } = facts;
  const transactionData = transactionDataFor(id, transaction ? { transaction } : { message });
  return {
    id,
    clientId: facts.clientId,
    userId: facts.userId,
    ...(dto.externalUserId !== undefined && { externalUserId: dto.externalUserId }),
    ...(message !== undefined && { message }),
    ...(dto.metadata !== undefined && { metadata: dto.metadata }),
    ...(transaction !== undefined && { transaction }),
    transactionData,
    transactionHash: transactionHashOf(transactionData),
    ...(dto.callbackUrl !== undefined && { callbackUrl: dto.callbackUrl }),
    status: 'pending',
    createdAt: facts.createdAt.toISOString(),
    expiresAt: new Date(facts.expiresAtMs).toISOString(),
    fingerprint: facts.fingerprint,
  };
}

/** The caller's own approval (or creation in flight) has this id with other fields. */
export function ownRequestConflict(id: string): ApprovalConflictError {
  return new ApprovalConflictError(`operationId ${JSON.stringify(id)} is already used by another request`);
}
