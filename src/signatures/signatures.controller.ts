import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApprovalResponse } from '../approvals/approval';
import { ApprovalResponseDto } from '../approvals/dto/approval-response.dto';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApiProblems } from '../common/api-problems.decorator';
import { ApprovalSignatureService } from './approval-signature.service';
import { SubmitSignatureDto } from './submit-signature.dto';

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProblems([401, 429, 500])
@UseGuards(ApiKeyGuard)
@Controller({ path: 'approvals', version: '1' })
export class SignaturesController {
  constructor(private readonly signatures: ApprovalSignatureService) {}

  // The body is typed `unknown` so that the global pipe leaves it alone: the owner rule (404) is
  // checked before it (see ApprovalSignatureService).
  @Post(':id/signature')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'submitSignature',
    summary: 'Approve with a transaction JWT signed by Recognize',
    description:
      "Checks, in this order: the approval is the caller's (404); the body holds a compact JWS (400); the JWT is valid for this approval (alg RS256/ES256, kid in Recognize's key set (a kid new to us makes the service fetch the set again first: 503 `recognize_keys_refreshing` with Retry-After when it may not yet), signature, td equal to transactionData, iss equal to RECOGNIZE_JWT_ISSUER when set, exp and nbf when present, iat required and neither more than 60 s ahead nor more than 60 s before the approval's createdAt; 422 `invalid_signature`, the detail naming the check); the deadline (409 `approval_expired` for a signature received at or after expiresAt: it never approves, and a still pending approval ends expired); the status (409 `approval_not_pending` unless pending or approved). A pending approval becomes approved (`approvedBy: signature`) through the same transition as a poll; on an approved one the signature is recorded if none was, with no new event.",
  })
  @ApiParam({
    name: 'id',
    description: 'The approval id (its operationId)',
    example: 'txn-20250521-001',
  })
  @ApiBody({ type: SubmitSignatureDto })
  @ApiResponse({
    status: 200,
    description: 'The approval, approved, with its signature and receipt',
    type: ApprovalResponseDto,
  })
  @ApiProblems([400, 404, 409, 422, 503], {
    404: 'Unknown approval, or another client’s',
    409: 'The approval ended otherwise (rejected, expired, cancelled, failed: `approval_not_pending`), or the signature was received at or after expiresAt (`approval_expired`)',
    422: 'The JWT fails a check; `detail` names it',
    503: "Recognize's keys could not be read to check the signature (`recognize_unavailable`), or the JWT names a key new to us and Recognize's key set may not be fetched again yet (`recognize_keys_refreshing`, with Retry-After: retry then; never a verdict on the JWT)",
  })
  submit(@CurrentClient() client: ClientConfig, @Param('id') id: string, @Body() body: unknown): Promise<ApprovalResponse> {
    return this.signatures.submit(client, id, body);
  }
}
