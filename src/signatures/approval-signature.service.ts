import { Injectable } from '@nestjs/common';
import { ApprovalResponse, ApprovalSignature } from '../approvals/approval';
import { transactionDataOf } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { ClientConfig } from '../clients/client.config';
import { InvalidRequestError } from '../common/app.errors';
import { validationPipe } from '../common/validation.pipe';
import { SubmitSignatureDto } from './submit-signature.dto';
import { TransactionSignatureVerifier } from './transaction-signature.verifier';

/**
 * POST /v1/approvals/{id}/signature. The checks run in this order, each answering before the next
 * is made: the owner rule (404, as for GET), the body (400), the JWT against the approval's
 * transactionData (422 naming the failed check; 503 when Recognize's keys cannot be had, or cannot
 * be fetched again yet for a kid new to us), then the status (409 unless pending or approved; 409
 * `approval_expired` when received at or after expiresAt). So nothing is said about the body of a request for an
 * approval the caller cannot see, and an invalid JWT is a 422 whatever the approval's status.
 */
@Injectable()
export class ApprovalSignatureService {
  private readonly pipe = validationPipe();

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly verifier: TransactionSignatureVerifier,
  ) {}

  async submit(client: ClientConfig, id: string, body: unknown): Promise<ApprovalResponse> {
    // Contract v3 judges the deadline by when the signature reached us, not by when checking it ended;
    // an unknown kid is final only for a key set fetched since then.
    const receivedAtMs = Date.now();
    const record = await this.approvals.assertOwned(client.id, id);
    const { jwt } = await this.parse(body);
    const verified = await this.verifier.verify(
      jwt,
      { transactionData: transactionDataOf(record), createdAtMs: Date.parse(record.createdAt) },
      receivedAtMs,
    );
    const signature: ApprovalSignature = {
      ...(verified.kid !== undefined && { kid: verified.kid }),
      alg: verified.alg,
      issuedAt: verified.issuedAt,
      verifiedAt: verified.verifiedAt,
    };
    return this.approvals.acceptSignature(id, signature, receivedAtMs);
  }

  /** The body is checked after the owner rule, with the same pipe (and 400 body) as every other DTO. */
  private async parse(body: unknown): Promise<SubmitSignatureDto> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidRequestError('Invalid request: the body must be a JSON object with a jwt string', [
        { field: 'jwt', message: 'jwt must be a string' },
      ]);
    }
    return (await this.pipe.transform(body, {
      type: 'body',
      metatype: SubmitSignatureDto,
    })) as SubmitSignatureDto;
  }
}
