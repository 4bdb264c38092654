import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

/** The OpenAPI document, built from the controllers' decorators, so it follows the code. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('stepup-orchestrator')
    .setDescription(
      'Step-up approvals for high-risk actions through PingOne Recognize. Errors are RFC 9457 problem details ' +
        '(application/problem+json) with a stable `code`. Terminal events are also delivered as signed webhooks (Standard Webhooks).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: "The calling app's API key from CLIENTS (Authorization: Bearer <apiKey>)" })
    .addTag('approvals', 'Create, read and cancel approvals')
    .addTag('operations', 'Health, metrics')
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
}

/** Serves the UI at /docs and the document at /docs-json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
