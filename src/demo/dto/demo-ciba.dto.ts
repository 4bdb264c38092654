import { IsString, Length, Matches } from 'class-validator';

/** The page's CIBA sign-in: who, and the words the phone shows (the binding message's own rules apply after). */
export class DemoCibaStartDto {
  @IsString()
  @Matches(/^[0-9A-Fa-f]{1,128}$/, { message: 'userId must be 1-128 hexadecimal characters' })
  userId: string;

  @IsString()
  @Length(1, 64, { message: 'bindingMessage must be 1-64 characters' })
  bindingMessage: string;
}

export class DemoCibaTokenDto {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43,128}$/, { message: 'authReqId must be an auth_req_id' })
  authReqId: string;
}
