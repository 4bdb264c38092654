import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  APPROVAL_STATUSES,
  ApprovalAuthentication,
  ApprovalRepresentation,
  ApprovalResponse,
  ApprovalSignature,
  ApprovalStatus,
  ApprovedBy,
} from '../approval';
import { DELIVERY_STATES, Delivery, DeliveryState } from '../delivery';
import { TransactionDto } from '../../transactions/transaction.dto';

/** Written against ApprovalAuthentication (`implements`): the compiler keeps the documented shape in step with the served one. */
@ApiSchema({ name: 'ApprovalAuthentication' })
export class ApprovalAuthenticationDto implements ApprovalAuthentication {
  @ApiProperty({ description: "Recognize's result of the authentication (as Recognize reports it, e.g. APPROVED)", example: 'APPROVED' })
  result: string;

  @ApiProperty({ description: "Recognize's error code (0 when none)", example: 0 })
  errorCode: number;

  @ApiProperty({
    format: 'date-time',
    description: "When Recognize recorded the authentication, in UTC (Recognize's zone-less time, read as UTC)",
    example: '2025-05-21T10:15:42.000Z',
  })
  createdAt: string;

  @ApiPropertyOptional({ enum: ['biom', 'pin'], example: 'biom' })
  authType?: 'biom' | 'pin';

  @ApiPropertyOptional({ example: 'device-7f3a' })
  deviceId?: string;
}

/** The verified transaction JWT recorded on an approval. */
export class ApprovalSignatureDto implements ApprovalSignature {
  @ApiPropertyOptional({ description: "The JWT's kid: a key of Recognize's key set", example: 'rs256-4f1c2a9e' })
  kid?: string;

  @ApiProperty({ enum: ['RS256', 'ES256'], example: 'RS256' })
  alg: 'RS256' | 'ES256';

  @ApiPropertyOptional({ format: 'date-time', description: "The JWT's iat, when it has one", example: '2025-05-21T10:15:40.000Z' })
  issuedAt?: string;

  @ApiProperty({ format: 'date-time', description: 'When the service verified it', example: '2025-05-21T10:15:41.000Z' })
  verifiedAt: string;
}

/** One webhook delivery of a terminal event, as shown on the approval. */
@ApiSchema({ name: 'Delivery' })
export class DeliveryDto implements Delivery {
  @ApiProperty({ description: 'The event id, sent as webhook-id on every attempt', example: 'evt_4f1c2a9e0b7d4c3e9a8b7c6d5e4f3a2b' })
  eventId: string;

  @ApiProperty({
    description: "Where it is sent: the approval's callbackUrl, else the client's webhookUrl",
    example: 'https://bank.example/hooks/stepup',
  })
  url: string;

  @ApiProperty({
    enum: DELIVERY_STATES,
    description: 'dead: retries ran out or the receiver answered 410; redeliver revives it',
    example: 'delivered',
  })
  state: DeliveryState;

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiPropertyOptional({ example: 200 })
  lastStatusCode?: number;

  @ApiPropertyOptional({ example: 'answered 503' })
  lastError?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  lastAttemptAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  nextAttemptAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  deliveredAt?: string;
}

/**
 * The approval representation of the contract: every answer, list item and event `data`. Examples of
 * decision fields are left to the response examples (docs/examples.ts), so a pending example never shows them.
 */
@ApiSchema({ name: 'Approval', description: 'The approval representation: the same in every answer, list item and event data' })
export class ApprovalResponseDto implements ApprovalRepresentation {
  @ApiProperty({ description: 'Equals operationId', example: 'txn-20250521-001' })
  id: string;

  @ApiProperty({ description: 'The Recognize operation id', example: 'txn-20250521-001' })
  operationId: string;

  @ApiProperty({ description: 'Recognize user id, upper-case hexadecimal', example: 'A1B2C3D4E5F6' })
  userId: string;

  @ApiPropertyOptional({ example: 'custom-name@example.com' })
  externalUserId?: string;

  @ApiPropertyOptional({ example: 'Approve wire transfer of $500 to account 1234' })
  message?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { transferId: 'tr_123' } })
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: TransactionDto, description: 'The payment being approved, as given' })
  transaction?: TransactionDto;

  @ApiProperty({
    description:
      "RFC 8785 canonical JSON of {approvalId, transaction} (or {approvalId, message}): the transaction data the customer's app signs through the Recognize SDK",
    example:
      '{"approvalId":"txn-20250521-001","transaction":{"amount":"1250.00","currency":"EUR","payee":{"account":"DE89370400440532013000","name":"ACME Ltd"}}}',
  })
  transactionData: string;

  @ApiProperty({ description: 'base64url (no padding) SHA-256 of transactionData', example: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg' })
  transactionHash: string;

  @ApiProperty({ enum: APPROVAL_STATUSES, description: 'Only pending is non-terminal', example: 'pending' })
  status: ApprovalStatus;

  @ApiProperty({ format: 'date-time', example: '2025-05-21T10:15:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2025-05-21T10:20:00.000Z' })
  expiresAt: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the approval reached its terminal status (absent while pending)' })
  decidedAt?: string;

  @ApiPropertyOptional({ enum: ['biom', 'pin'], description: 'How the user authenticated, when Recognize reports it' })
  authType?: 'biom' | 'pin';

  @ApiPropertyOptional({ type: ApprovalAuthenticationDto, description: "Recognize's record of the authentication, when available" })
  authentication?: ApprovalAuthenticationDto;

  @ApiPropertyOptional({
    enum: ['push', 'signature'],
    description: "On approved approvals: Recognize's answer to a poll (push) or a signed transaction JWT (signature)",
    example: 'push',
  })
  approvedBy?: ApprovedBy;

  @ApiPropertyOptional({
    type: ApprovalSignatureDto,
    description: 'The transaction JWT submitted to POST /v1/approvals/{id}/signature, once verified',
  })
  signature?: ApprovalSignatureDto;

  @ApiPropertyOptional({
    description:
      'On approved approvals only: ES256 compact JWS (typ approval-receipt+jwt) verifiable offline with GET /.well-known/jwks.json; claims iss, sub (userId), aud (client id), jti (approval id), iat, status, approvedBy, decidedAt, transactionHash, authType?',
    example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImFwcHJvdmFsLXJlY2VpcHQrand0In0.eyJzdGF0dXMiOiJhcHByb3ZlZCJ9.c2ln',
  })
  receipt?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the approval was consumed (POST …/consume); set once',
    example: '2025-05-21T10:16:00.000Z',
  })
  consumedAt?: string;

  @ApiPropertyOptional({ description: 'What the approval was consumed for, as given to consume', example: 'payment-7731' })
  consumedReference?: string;

  @ApiProperty({
    description:
      'Path of the SSE stream of this approval, with a token that opens only it; renewed by reading the approval again (tokens are short-lived)',
    example: '/v1/approvals/txn-20250521-001/events?token=k0.swtcxc.6aXQm0PlxmCVYhOq2fTU9w',
  })
  eventsUrl: string;
}

/** GET's answer: the representation plus the webhook deliveries, which are not part of it (never in events, lists or POST answers). */
@ApiSchema({
  name: 'ApprovalWithDeliveries',
  description: 'The approval representation, plus its webhook deliveries (GET by id and redeliver only)',
})
export class ApprovalWithDeliveriesDto extends ApprovalResponseDto implements ApprovalResponse {
  @ApiPropertyOptional({
    type: [DeliveryDto],
    description: 'Webhook deliveries of the terminal event; not part of the approval representation',
  })
  deliveries?: DeliveryDto[];
}

@ApiSchema({ name: 'ApprovalPage', description: 'One page of GET /v1/approvals, newest first' })
export class ApprovalPageDto {
  @ApiProperty({ type: [ApprovalResponseDto] })
  data: ApprovalResponseDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
    example: 'MTc0NzgyMjUwMDAwMDp0eG4tMjAyNTA1MjEtMDAx',
  })
  nextCursor: string | null;
}
