import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse } from '@nestjs/swagger';

const OAUTH_ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'error_description'],
  properties: {
    error: { type: 'string', description: 'OAuth error code' },
    error_description: { type: 'string' },
    approval_status: {
      type: 'string',
      enum: ['rejected', 'expired', 'cancelled', 'failed'],
      description: 'Token endpoint: the status of a decided approval',
    },
  },
};

/** OAuth error answers (application/json, never problem+json), one entry per status with the codes it carries. */
export function ApiOAuthErrors(codes: Record<number, string[]>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(codes).map(([status, errors]) =>
      ApiResponse({
        status: Number(status),
        description: `OAuth error: ${errors.map((e) => `\`${e}\``).join(', ')}${Number(status) === 401 ? '; WWW-Authenticate when Authorization was sent' : ''}`,
        content: {
          'application/json': {
            schema: { ...OAUTH_ERROR_SCHEMA, properties: { ...OAUTH_ERROR_SCHEMA.properties, error: { type: 'string', enum: errors } } },
            example: { error: errors[0], error_description: 'What went wrong' },
          },
        },
      }),
    ),
  );
}

const CLIENT_AUTH_PROPERTIES = {
  client_id: { type: 'string', description: "The client's id (with client_secret_post; optional with Basic and private_key_jwt)" },
  client_secret: { type: 'string', description: 'client_secret_post: CLIENTS[].ciba.clientSecret' },
  client_assertion_type: { type: 'string', enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'] },
  client_assertion: { type: 'string', description: 'private_key_jwt (RFC 7523): a JWT signed by a key of CLIENTS[].ciba.jwks' },
};

/** A form body (application/x-www-form-urlencoded) with its parameters. */
export function ApiForm(required: string[], properties: Record<string, object>): MethodDecorator {
  return applyDecorators(
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiBody({
      required: true,
      schema: { type: 'object', required, properties: { ...properties, ...CLIENT_AUTH_PROPERTIES } },
    }),
  );
}
