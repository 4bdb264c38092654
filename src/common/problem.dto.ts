import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PROBLEM_CODE_NAMES } from './problem';

@ApiSchema({ name: 'FieldError' })
export class FieldErrorDto {
  @ApiProperty({ example: 'userId' })
  field: string;

  @ApiProperty({ example: 'userId must be 1-128 hexadecimal characters' })
  message: string;
}

/** RFC 9457 problem details as ProblemFilter writes them (application/problem+json). */
@ApiSchema({ name: 'Problem' })
export class ProblemDto {
  @ApiProperty({ description: 'URI naming the kind of problem', example: 'https://stepup-orchestrator.dev/problems/invalid_request' })
  type: string;

  @ApiProperty({ description: 'Short summary of the HTTP status', example: 'Bad request' })
  title: string;

  @ApiProperty({ description: 'HTTP status', example: 400 })
  status: number;

  @ApiProperty({ description: 'What went wrong, for a human', example: 'userId must be 1-128 hexadecimal characters' })
  detail: string;

  @ApiProperty({
    description: 'Stable machine-readable code',
    example: 'invalid_request',
    enum: PROBLEM_CODE_NAMES,
  })
  code: string;

  @ApiPropertyOptional({ description: 'The fields at fault (400 only)', type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    description: 'Quote this id to the operators (500 only); the log line carries the same id',
    example: '0b6f1c8e-2f4a-4f7e-9a51-4d6f6b7a9c10',
  })
  errorId?: string;
}
