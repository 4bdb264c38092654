import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReceiptKeys } from './receipt.keys';
import { ReceiptPublicJwk } from '../config/receipt-key-format';

/**
 * The public keys of approval receipts, for integrators verifying receipts offline. No
 * authentication: they are public keys. The set comes from configuration alone (see ReceiptKeys).
 * Cached a few minutes: publish a new key (RECEIPT_PUBLIC_KEYS) before it signs anything; a verifier
 * that meets an unknown kid fetches the set again.
 */
@ApiTags('receipts')
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class JwksController {
  constructor(private readonly keys: ReceiptKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ operationId: 'getReceiptKeys', security: [], summary: 'Public keys that verify approval receipts (JWK Set, ES256)' })
  @ApiOkResponse({ description: '{ "keys": [ { kid, kty, crv, x, y, alg, use } ] }' })
  jwks(): { keys: ReceiptPublicJwk[] } {
    return this.keys.publicJwks();
  }
}
