import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** Body of POST /v1/approvals/{id}/consume. */
export class ConsumeApprovalDto {
  // Required: without it every caller looked alike, so two payment systems both got 200 for one approval.
  @ApiProperty({
    description:
      'What the approval is used for (a payment id, say). Required: of any number of callers only the one with the winning reference gets 200; consuming again with the same reference is idempotent',
    minLength: 1,
    maxLength: 128,
    example: 'payment-7731',
  })
  @IsString()
  @Length(1, 128)
  reference!: string;
}
