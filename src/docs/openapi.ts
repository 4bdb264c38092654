import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { toOpenApi31 } from './openapi-31';
import { eventSchemas, webhookDocs } from './openapi-events';
import { ProblemDto } from './problem.dto';

/** The OpenAPI document, built from the controllers' decorators, so it follows the code. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('stepup-orchestrator')
    .setDescription(
      'Step-up approvals for high-risk actions through PingOne Recognize. Errors are RFC 9457 problem details ' +
        '(application/problem+json) with a stable `code`. Terminal events are also delivered as signed webhooks (Standard Webhooks): ' +
        'see `webhooks`. Every approval has one representation (schema `Approval`), the same in answers, list items and event `data`.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: "The calling app's API key from CLIENTS, an opaque string (not a JWT), sent as `Authorization: Bearer <apiKey>`",
    })
    .addBasicAuth(
      { type: 'http', scheme: 'basic', description: 'CIBA client authentication (client_secret_basic); also client_secret_post and private_key_jwt in the form' },
      'clientBasic',
    )
    .addTag('approvals', 'Create, list, read and cancel approvals')
    .addTag('events', "Follow an approval's events")
    .addTag('operations', 'Health, metrics, keys')
    .addTag('oauth', 'OpenID CIBA front door (when OIDC_ISSUER is set): discovery, backchannel authentication, token')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto], operationIdFactory });
  return finish(document);
}

/** Serves the UI at /docs and the document at /docs-json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}

/**
 * Operation ids name generated clients' methods, so they must not change with a handler's class or
 * version: the public routes set theirs explicitly (createApproval, …); the rest get `<controller><Method>`.
 */
function operationIdFactory(controllerKey: string, methodKey: string): string {
  const base = controllerKey.replace(/Controller$/, '');
  const owner = base.charAt(0).toLowerCase() + base.slice(1);
  return methodKey.toLowerCase() === owner.toLowerCase() ? methodKey : `${owner}${methodKey.charAt(0).toUpperCase()}${methodKey.slice(1)}`;
}

/** The parts decorators cannot express: event schemas, webhooks (3.1), and the API key scheme as what it is. */
function finish(document: OpenAPIObject): OpenAPIObject {
  const bearer = document.components?.securitySchemes?.bearer as { bearerFormat?: string } | undefined;
  // Nest's default says JWT; the key is an opaque string, and a generator would believe it.
  if (bearer) delete bearer.bearerFormat;
  // The stream also opens with eventsUrl's token and no Authorization header: the empty requirement says so.
  const stream = document.paths['/v1/approvals/{id}/events']?.get;
  if (stream) stream.security = [{ bearer: [] }, {}];
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...eventSchemas() } };
  return toOpenApi31({ ...document, webhooks: webhookDocs() } as OpenAPIObject);
}
