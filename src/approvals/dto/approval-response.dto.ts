import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPROVAL_STATUSES, ApprovalAuthentication, ApprovalResponse, ApprovalSignature, ApprovalStatus, ApprovedBy } from '../approval';
import { DELIVERY_STATES, Delivery, DeliveryState } from '../delivery';

/** Written against ApprovalAuthentication (`implements`): the compiler keeps the documented shape in step with the served one. */
export class ApprovalAuthenticationDto implements ApprovalAuthentication {
  @ApiProperty({ description: "Recognize's result of the authentication", example: 'SUCCESS' })
  result: string;

  @ApiProperty({ description: "Recognize's error code (0 when none)", example: 0 })
  errorCode: number;

  @ApiProperty({ format: 'date-time', example: '2025-05-21T10:15:42.000Z' })
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
export class DeliveryDto implements Delivery {
  @ApiProperty({ description: 'The event id, sent as webhook-id on every attempt', example: 'evt_4f1c2a9e0b7d4c3e9a8b7c6d5e4f3a2b' })
  eventId: string;

  @ApiProperty({ description: "Where it is sent: the approval's callbackUrl, else the client's webhookUrl", example: 'https://bank.example/hooks/stepup' })
  url: string;

  @ApiProperty({ enum: DELIVERY_STATES, description: 'dead: retries ran out or the receiver answered 410; redeliver revives it', example: 'delivered' })
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

/** The approval representation of the contract, as every /v1/approvals endpoint returns it. */
export class ApprovalResponseDto implements ApprovalResponse {
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

  @ApiProperty({ enum: APPROVAL_STATUSES, description: 'Only pending is non-terminal', example: 'pending' })
  status: ApprovalStatus;

  @ApiProperty({ format: 'date-time', example: '2025-05-21T10:15:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2025-05-21T10:20:00.000Z' })
  expiresAt: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the approval reached its terminal status', example: '2025-05-21T10:15:42.000Z' })
  decidedAt?: string;

  @ApiPropertyOptional({ enum: ['biom', 'pin'], description: 'How the user authenticated, when Recognize reports it', example: 'biom' })
  authType?: 'biom' | 'pin';

  @ApiPropertyOptional({ type: ApprovalAuthenticationDto, description: "Recognize's record of the authentication, when available" })
  authentication?: ApprovalAuthenticationDto;

  @ApiPropertyOptional({ enum: ['push', 'signature'], description: "On approved approvals: Recognize's answer to a poll (push) or a signed transaction JWT (signature)", example: 'push' })
  approvedBy?: ApprovedBy;

  @ApiPropertyOptional({ type: ApprovalSignatureDto, description: 'The transaction JWT submitted to POST /v1/approvals/{id}/signature, once verified' })
  signature?: ApprovalSignatureDto;

  @ApiPropertyOptional({
    description:
      'On approved approvals only: ES256 compact JWS (typ approval-receipt+jwt) verifiable offline with GET /.well-known/jwks.json; claims iss, sub (userId), aud (client id), jti (approval id), iat, status, approvedBy, decidedAt, transactionHash, authType?',
    example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImFwcHJvdmFsLXJlY2VpcHQrand0In0.eyJzdGF0dXMiOiJhcHByb3ZlZCJ9.c2ln',
  })
  receipt?: string;

  @ApiProperty({ description: 'Path of the SSE stream of this approval, with a token that opens only it', example: '/v1/approvals/txn-20250521-001/events?token=eyJ…' })
  eventsUrl: string;

  @ApiPropertyOptional({ type: [DeliveryDto], description: 'Webhook deliveries of the terminal event (on GET and redeliver)' })
  deliveries?: DeliveryDto[];
}
