import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { problemResponse } from '../common/api-problems.decorator';
import { toOpenApi31 } from './openapi-31';
import { eventSchemas, webhookDocs } from './openapi-events';
import { ProblemDto } from '../common/problem.dto';

/** The security scheme of the operations routes that admin/ops-access.ts guards. */
const OPS_TOKEN = 'opsToken';

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
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // Relative: the API is served by whatever host serves this document.
    .addServer('/', 'The host that serves this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: "The calling app's API key from CLIENTS, an opaque string (not a JWT), sent as `Authorization: Bearer <apiKey>`",
    })
    .addSecurity(OPS_TOKEN, {
      type: 'http',
      scheme: 'bearer',
      description: 'OPS_TOKEN, sent as `Authorization: Bearer <OPS_TOKEN>`: required on /metrics and /docs when the operator sets OPS_TOKEN; unset, those routes are open',
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
 * version: every route sets its own, verb then noun as the SDK names its methods (createApproval,
 * consumeApproval, getMetrics …). A route that forgets gets its bare handler name (`submit`), which
 * test/openapi/lint.e2e-spec.ts refuses.
 */
function operationIdFactory(_controllerKey: string, methodKey: string): string {
  return methodKey;
}

/** The parts decorators cannot express: event schemas, webhooks (3.1), and the API key scheme as what it is. */
function finish(document: OpenAPIObject): OpenAPIObject {
  const bearer = document.components?.securitySchemes?.bearer as { bearerFormat?: string } | undefined;
  // Nest's default says JWT; the key is an opaque string, and a generator would believe it.
  if (bearer) delete bearer.bearerFormat;
  // The stream also opens with eventsUrl's token and no Authorization header: the empty requirement says so.
  const stream = document.paths['/v1/approvals/{id}/events']?.get;
  if (stream) stream.security = [{ bearer: [] }, {}];
  // /metrics is guarded by a middleware (opsAccess), not a guard a decorator could name.
  const metrics = document.paths['/metrics']?.get;
  if (metrics) {
    metrics.security = [{ [OPS_TOKEN]: [] }];
    metrics.responses['401'] = problemResponse(401, 'OPS_TOKEN is set and the request does not carry it as `Authorization: Bearer <OPS_TOKEN>`');
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...eventSchemas() } };
  return toOpenApi31({ ...document, webhooks: webhookDocs() } as OpenAPIObject);
}
