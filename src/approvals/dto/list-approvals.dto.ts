import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { APPROVAL_STATUSES, ApprovalStatus } from '../approval';

/** Query of GET /v1/approvals. Query values arrive as strings (nothing is coerced): the numbers are matched as text. */
export class ListApprovalsQueryDto {
  @ApiPropertyOptional({
    description: 'Only this end user’s approvals (hexadecimal, case-insensitive)',
    example: 'A1B2C3D4E5F6',
    pattern: '^[0-9A-Fa-f]{1,128}$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Fa-f]{1,128}$/, { message: 'userId must be 1-128 hexadecimal characters' })
  userId?: string;

  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, enumName: 'ApprovalStatus', description: 'Only approvals with this status' })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES, { message: `status must be one of ${APPROVAL_STATUSES.join(', ')}` })
  status?: ApprovalStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size' })
  @IsOptional()
  @IsString()
  @Matches(/^(100|[1-9][0-9]?)$/, { message: 'limit must be an integer from 1 to 100' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page; absent for the first page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a nextCursor returned by this endpoint' })
  cursor?: string;
}

/** Query of GET /v1/approvals/{id}. */
export class GetApprovalQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 60,
    description: 'Long-poll: while the approval is pending, hold the answer up to this many seconds until it is decided',
  })
  @IsOptional()
  @IsString()
  @Matches(/^([0-9]|[1-5][0-9]|60)$/, { message: 'wait must be an integer from 0 to 60' })
  wait?: string;
}
