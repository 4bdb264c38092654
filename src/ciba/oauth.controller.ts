import { Controller, Header, HttpCode, Post, Req, UseFilters, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { BackchannelAnswer, CibaAuthorizeService } from './ciba-authorize.service';
import { CibaTokenService, TokenAnswer } from './ciba-token.service';
import { ApiForm, ApiOAuthErrors } from './oauth.docs';
import { OAuthErrorFilter } from './oauth-error.filter';
import { formOf } from './oauth-form';

/** The two OAuth endpoints of CIBA (contract v3): form bodies in, OAuth JSON out, errors included. */
@ApiTags('oauth')
@ApiSecurity('clientBasic')
@UseFilters(OAuthErrorFilter)
@Controller({ path: 'oauth', version: VERSION_NEUTRAL })
export class OAuthController {
  constructor(
    private readonly authorizer: CibaAuthorizeService,
    private readonly tokens: CibaTokenService,
  ) {}

  @Post('bc-authorize')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'startBackchannelAuthentication',
    summary: 'CIBA backchannel authentication request: creates an approval of the client and returns its auth_req_id',
  })
  @ApiForm(['scope'], {
    scope: { type: 'string', description: 'Space-separated; must contain openid', example: 'openid' },
    login_hint: { type: 'string', description: 'The Recognize userId (hex), or {"format":"iss_sub","iss":"<issuer>","sub":"<userId>"}' },
    id_token_hint: { type: 'string', description: 'An ID token this service issued to the client' },
    binding_message: { type: 'string', description: '1-64 letters, digits, spaces or + - _ . , : # / ! ?', example: 'Pay ACME 42' },
    authorization_details: { type: 'string', description: 'JSON array of one RFC 9396 payment_initiation object' },
    requested_expiry: { type: 'string', description: 'Lifetime in seconds (clamped to 86400)', example: '300' },
    client_notification_token: { type: 'string', description: 'Ping clients only: the bearer token of the ping' },
  })
  @ApiOkResponse({
    description: 'The request is accepted: the user is being asked',
    schema: {
      type: 'object',
      required: ['auth_req_id', 'expires_in', 'interval', 'approval_id'],
      properties: {
        auth_req_id: { type: 'string' },
        expires_in: { type: 'integer' },
        interval: { type: 'integer' },
        approval_id: { type: 'string' },
      },
    },
  })
  @ApiOAuthErrors({
    400: ['invalid_request', 'invalid_scope', 'unknown_user_id', 'invalid_binding_message', 'invalid_authorization_details'],
    401: ['invalid_client'],
    403: ['access_denied'],
    429: ['access_denied'],
    503: ['temporarily_unavailable'],
  })
  authorize(@Req() req: Request): Promise<BackchannelAnswer> {
    return this.authorizer.authorize({ authorization: req.headers.authorization, ip: req.ip }, formOf(req));
  }

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ operationId: 'requestTokens', summary: 'CIBA token request: the tokens once the user approved, else why not yet' })
  @ApiForm(['grant_type', 'auth_req_id'], {
    grant_type: { type: 'string', enum: ['urn:openid:params:grant-type:ciba'] },
    auth_req_id: { type: 'string' },
  })
  @ApiOkResponse({
    description: 'Approved: the tokens (once per auth_req_id)',
    schema: {
      type: 'object',
      required: ['access_token', 'token_type', 'expires_in', 'scope', 'id_token'],
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string', enum: ['Bearer'] },
        expires_in: { type: 'integer' },
        scope: { type: 'string', enum: ['openid'] },
        id_token: { type: 'string', description: 'ES256 JWT signed with the receipt key' },
        authorization_details: { type: 'array', items: { type: 'object' } },
        receipt: { type: 'string', description: "The approval's receipt" },
      },
    },
  })
  @ApiOAuthErrors({
    400: [
      'invalid_request',
      'invalid_grant',
      'unsupported_grant_type',
      'authorization_pending',
      'slow_down',
      'expired_token',
      'access_denied',
    ],
    401: ['invalid_client'],
    429: ['access_denied'],
  })
  token(@Req() req: Request): Promise<TokenAnswer> {
    return this.tokens.token({ authorization: req.headers.authorization, ip: req.ip }, formOf(req));
  }
}
