import { Type } from 'class-transformer';
import { IsObject, IsString, Length, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { TransactionDto } from '../../transactions/transaction.dto';
import { AbsentWith } from '../../common/absent-with.validator';
import { IsVisibleText } from '../../common/visible-text.validator';

/**
 * What the demo page sends: who approves, and the payment (the service writes the phone message from
 * it), or a message alone, never both. Nothing else reaches the approval.
 */
export class DemoApprovalDto {
  @IsString()
  @Matches(/^[0-9A-Fa-f]{1,128}$/, { message: 'userId must be 1-128 hexadecimal characters' })
  userId: string;

  /** Required without a transaction (the phone must ask something), refused with one (the service writes the text). */
  @ValidateIf((o: DemoApprovalDto) => o.transaction === undefined || o.message !== undefined)
  @IsString()
  @Length(1, 4096, { message: 'message must be 1-4096 characters' })
  @IsVisibleText()
  @AbsentWith('transaction', 'the phone shows the text the service writes from the transaction')
  message?: string;

  // Not @IsOptional: that would let null through, and null is not a transaction.
  @ValidateIf((o: DemoApprovalDto) => o.transaction !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => TransactionDto)
  transaction?: TransactionDto;
}

export class DemoUserParams {
  @IsString()
  @Matches(/^[0-9A-Fa-f]{1,128}$/, { message: 'userId must be 1-128 hexadecimal characters' })
  userId: string;
}

export class DemoOperationParams {
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'operationId must be 1-128 characters of [A-Za-z0-9._:-]' })
  operationId: string;
}

export class DemoApprovalParams {
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'id must be 1-128 characters of [A-Za-z0-9._:-]' })
  id: string;
}
