import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { MAX_JWT_LENGTH } from './transaction-signature.verifier';

/** Body of POST /v1/approvals/{id}/signature. */
export class SubmitSignatureDto {
  @ApiProperty({
    description: "The signed JWT the Recognize SDK returned to the customer's app, its `td` claim being the approval's transactionData",
    example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6InJzMjU2LTEiLCJ0eXAiOiJKV1QifQ.eyJ0ZCI6IuKApiIsImlhdCI6MTc0Nzc5MjkwMH0.c2lnbmF0dXJl',
    maxLength: MAX_JWT_LENGTH,
  })
  @IsString({ message: 'jwt must be a string' })
  @MaxLength(MAX_JWT_LENGTH, {
    message: `jwt must be at most ${MAX_JWT_LENGTH} characters`,
  })
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, {
    message: 'jwt must be a compact JWS: three base64url parts separated by dots',
  })
  jwt: string;
}
