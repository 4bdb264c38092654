import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { OptionalField } from '../../common/optional.validator';

/** Body of POST /v1/approvals/{id}/consume (optional as a whole). */
export class ConsumeApprovalDto {
  @ApiPropertyOptional({
    description: 'What the approval is used for (a payment id, say); consuming again with the same reference is idempotent',
    minLength: 1,
    maxLength: 128,
    example: 'payment-7731',
  })
  @OptionalField()
  @IsString()
  @Length(1, 128)
  reference?: string;
}
