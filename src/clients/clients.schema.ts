import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MinLength,
  ValidateNested,
} from 'class-validator';

// Standard Webhooks secrets: "whsec_" + base64 of 24-64 random bytes (production asks for at least 32, see secret-strength.ts).
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;
const WEBHOOK_SECRET_MESSAGE = 'must be whsec_ followed by base64 (at least 24 bytes)';

/** `CLIENTS[].ciba` (contract v3, "OpenID CIBA front door"): how the client uses the CIBA endpoints. */
export class CibaClientEntry {
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ciba.clientSecret must be at least 16 characters' })
  clientSecret?: string;

  /** Public keys of private_key_jwt assertions, checked in detail by clients.config.ts. */
  @IsOptional()
  @IsObject()
  jwks?: { keys?: unknown };

  @IsIn(['poll', 'ping'], { message: 'ciba.deliveryMode must be "poll" or "ping" (push is not offered)' })
  deliveryMode: 'poll' | 'ping';

  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'ciba.notificationEndpoint must be an http(s) URL' },
  )
  notificationEndpoint?: string;
}

/**
 * One entry of the CLIENTS JSON array. `apiKey`/`webhookSecret` and the lists `apiKeys`/`webhookSecrets`
 * may be combined: rotation adds the new value to the list, then removes the old one, with no downtime.
 */
export class ClientEntry {
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id must be 1-64 chars of [A-Za-z0-9._-]' })
  id: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'apiKey must be at least 16 characters' })
  apiKey?: string;

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(8)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'apiKeys must each be at least 16 characters' })
  apiKeys?: string[];

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  webhookUrl?: string;

  @IsOptional()
  @Matches(WEBHOOK_SECRET, { message: `webhookSecret ${WEBHOOK_SECRET_MESSAGE}` })
  webhookSecret?: string;

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(8)
  @ArrayUnique()
  @Matches(WEBHOOK_SECRET, { each: true, message: `webhookSecrets ${WEBHOOK_SECRET_MESSAGE}` })
  webhookSecrets?: string[];

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { each: true })
  callbackOrigins?: string[];

  @IsOptional()
  @IsBoolean()
  demo?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CibaClientEntry)
  ciba?: CibaClientEntry;
}

export class ClientList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ClientEntry)
  clients: ClientEntry[];
}
