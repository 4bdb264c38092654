import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app.config';
import { ASSERTION_ALGS } from './client-authenticator';
import { CIBA_GRANT } from './ciba-token.service';
import { ID_TOKEN_CLAIMS } from './id-token.signer';

/** The discovery document (contract v3, "Discovery"), the same at both well-known addresses. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    backchannel_authentication_endpoint: `${issuer}/oauth/bc-authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    backchannel_token_delivery_modes_supported: ['poll', 'ping'],
    backchannel_user_code_parameter_supported: false,
    grant_types_supported: [CIBA_GRANT],
    scopes_supported: ['openid'],
    response_types_supported: [],
    subject_types_supported: ['public'],
    // Deliberately ES256 only (the receipt key; FAPI forbids RS256), although OIDC Discovery asks for RS256.
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    authorization_details_types_supported: ['payment_initiation'],
    claims_supported: ID_TOKEN_CLAIMS,
    request_parameter_supported: false,
    claims_parameter_supported: false,
  };
}

const URL_STRING = { type: 'string', format: 'uri' };
const STRINGS = { type: 'array', items: { type: 'string' } };
/** The members a client library reads first; the document carries every member the contract lists. */
const DISCOVERY_SCHEMA = {
  type: 'object',
  required: ['issuer', 'token_endpoint', 'jwks_uri', 'backchannel_authentication_endpoint'],
  properties: {
    issuer: { type: 'string', description: 'OIDC_ISSUER, byte for byte' },
    backchannel_authentication_endpoint: URL_STRING,
    token_endpoint: URL_STRING,
    jwks_uri: URL_STRING,
    backchannel_token_delivery_modes_supported: STRINGS,
    grant_types_supported: STRINGS,
    id_token_signing_alg_values_supported: STRINGS,
    token_endpoint_auth_methods_supported: STRINGS,
  },
  additionalProperties: true,
};

/** OpenID Connect Discovery and RFC 8414 metadata: public, cacheable, no authentication. */
@ApiTags('oauth')
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class DiscoveryController {
  private readonly document: Record<string, unknown>;

  constructor(config: AppConfig) {
    this.document = discoveryDocument(config.oidc.issuer ?? '');
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    operationId: 'getOpenidConfiguration',
    security: [],
    summary: 'OpenID Connect discovery document of the CIBA front door',
  })
  @ApiOkResponse({ description: 'The provider metadata', schema: DISCOVERY_SCHEMA })
  openidConfiguration(): Record<string, unknown> {
    return this.document;
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ operationId: 'getAuthorizationServerMetadata', security: [], summary: 'RFC 8414 metadata: the same document' })
  @ApiOkResponse({ description: 'The provider metadata', schema: DISCOVERY_SCHEMA })
  authorizationServer(): Record<string, unknown> {
    return this.document;
  }
}
