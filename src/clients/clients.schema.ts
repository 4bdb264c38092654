import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsOptional, IsString, IsUrl, Matches, MinLength, ValidateNested } from 'class-validator';

/** One entry of the CLIENTS JSON array. */
export class ClientEntry {
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id must be 1-64 chars of [A-Za-z0-9._-]' })
  id: string;

  @IsString() @MinLength(16, { message: 'apiKey must be at least 16 characters' })
  apiKey: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  webhookUrl?: string;

  // Standard Webhooks secrets: "whsec_" + base64 of 24-64 random bytes.
  @IsOptional() @Matches(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, { message: 'webhookSecret must be whsec_ followed by base64 (at least 24 bytes)' })
  webhookSecret?: string;

  @IsOptional() @IsArray() @ArrayUnique()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { each: true })
  callbackOrigins?: string[];
}

export class ClientList {
  @IsArray() @ValidateNested({ each: true }) @Type(() => ClientEntry)
  clients: ClientEntry[];
}
