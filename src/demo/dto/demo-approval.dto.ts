import { IsString, Length, Matches } from 'class-validator';

/** What the demo page sends: who approves, and what they are asked. Nothing else reaches the approval. */
export class DemoApprovalDto {
  @IsString()
  @Matches(/^[0-9A-Fa-f]{1,128}$/, { message: 'userId must be 1-128 hexadecimal characters' })
  userId: string;

  @IsString()
  @Length(1, 4096, { message: 'message must be 1-4096 characters' })
  message: string;
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
