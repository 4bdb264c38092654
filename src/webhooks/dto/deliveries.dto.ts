import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Query of GET /v1/deliveries. Query values are strings: `limit` is converted here, on purpose only. */
export class ListDeliveriesQueryDto {
  @ApiProperty({ enum: ['dead', 'pending'], description: 'Which deliveries: given up (`dead`) or still being tried (`pending`)' })
  @IsIn(['dead', 'pending'])
  state!: 'dead' | 'pending';

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only those that took the state at or after this instant',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  @Min(1, { message: 'limit must be an integer from 1 to 100' })
  @Max(100, { message: 'limit must be an integer from 1 to 100' })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}

export class RecoverDeliveriesDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Requeue every dead delivery that died at or after this instant',
    example: '2026-12-01T00:00:00Z',
  })
  @IsISO8601({ strict: true })
  since!: string;
}

export class ListedDeliveryDto {
  @ApiProperty({ example: 'txn-20250521-001' }) approvalId!: string;
  @ApiProperty({ example: 'evt_4f1c2b8e9d0a4c7b8e1f2a3b4c5d6e7f', description: 'Also the webhook-id' }) eventId!: string;
  @ApiProperty({ example: 'https://bank.example/hooks/stepup' }) url!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) state!: string;
  @ApiProperty({ example: 8 }) attempts!: number;
  @ApiPropertyOptional({ example: 503 }) lastStatusCode?: number;
  @ApiPropertyOptional({ example: 'answered 503' }) lastError?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastAttemptAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) nextAttemptAt?: string;
  @ApiProperty({ format: 'date-time', description: 'When the delivery took its state' }) since!: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [ListedDeliveryDto] }) deliveries!: ListedDeliveryDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page' }) nextCursor?: string;
}

export class RecoveredDto {
  @ApiProperty({ example: 3, description: 'Dead deliveries queued again' }) requeued!: number;
}

export class TestEventSentDto {
  @ApiProperty({ example: 'evt_4f1c2b8e9d0a4c7b8e1f2a3b4c5d6e7f', description: 'The test event id, sent as webhook-id' }) eventId!: string;
}
