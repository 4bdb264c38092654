import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { MaxJsonSize } from '../../common/max-json-size.validator';
import { TransactionDto } from '../../transactions/transaction.dto';
import { OptionalField } from '../../common/optional.validator';
import { AbsentWith } from '../../common/absent-with.validator';
import { IsVisibleText } from '../../common/visible-text.validator';

export const METADATA_MAX_BYTES = 4096;

@ApiSchema({ name: 'CreateApprovalRequest' })
export class CreateApprovalDto {
  @ApiProperty({
    description: 'Recognize user id: hexadecimal, case-insensitive (sent upstream in upper case)',
    example: 'A1B2C3D4E5F6',
    minLength: 1,
    maxLength: 128,
  })
  @IsString()
  @Matches(/^[0-9A-Fa-f]{1,128}$/, { message: 'userId must be 1-128 hexadecimal characters' })
  userId: string;

  @ApiPropertyOptional({
    description: 'Client-chosen operation id (also the approval id); generated when absent',
    example: 'txn-20250521-001',
    pattern: '^[A-Za-z0-9._:-]{1,128}$',
  })
  @OptionalField()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'operationId must be 1-128 characters of [A-Za-z0-9._:-]' })
  operationId?: string;

  @ApiPropertyOptional({
    description: 'Customer-meaningful user id, passed to Recognize',
    maxLength: 256,
    example: 'custom-name@example.com',
  })
  @OptionalField()
  @IsString()
  @MaxLength(256)
  externalUserId?: string;

  @ApiPropertyOptional({
    description:
      'What the user is asked to approve; sent upstream as operationPayload. Unicode NFC, without control (line breaks included), ' +
      'format, separator, private-use or unassigned characters. Never with a transaction: the phone then shows the text the service writes from it',
    maxLength: 4096,
    example: 'Log in from a new device?',
  })
  @OptionalField()
  @IsString()
  @Length(0, 4096)
  @IsVisibleText()
  @AbsentWith('transaction', 'the phone shows the text the service writes from the transaction')
  message?: string;

  @ApiPropertyOptional({
    description: 'Lifetime of the approval in seconds (default APPROVAL_TIMEOUT_S)',
    minimum: 1,
    maximum: 86400,
    example: 300,
  })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(86400)
  timeoutSeconds?: number;

  @ApiPropertyOptional({
    description: "http(s) URL for this approval's webhook; its origin must be one of the client's callbackOrigins",
    example: 'https://bank.example/hooks/stepup',
  })
  @OptionalField()
  @IsString()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true, disallow_auth: true },
    { message: 'callbackUrl must be an http(s) URL without a user or password' },
  )
  @MaxLength(2048)
  callbackUrl?: string;

  @ApiPropertyOptional({
    description: 'Any JSON object (at most 4 KiB serialized), returned as given',
    type: 'object',
    additionalProperties: true,
    example: { transferId: 'tr_123' },
  })
  @OptionalField()
  @IsObject()
  @MaxJsonSize(METADATA_MAX_BYTES)
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: TransactionDto,
    description: 'The payment being approved; the phone shows the text the service writes from it (no message may be given with it)',
  })
  // Not @IsOptional: that would let null through, and null is not a transaction.
  @ValidateIf((o: CreateApprovalDto) => o.transaction !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => TransactionDto)
  transaction?: TransactionDto;
}
