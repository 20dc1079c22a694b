import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorResponseDto, FieldErrorDto } from './error-response.dto.js';

type Operation = {
  parameters?: Array<{ in?: string }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

const ERROR_REF = { $ref: '#/components/schemas/ErrorResponseDto' };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Fairdraw')
    .setDescription(
      'Electronic raffle system built to GLI-31. Every operation lists who may call it in `x-fairdraw-access`; ' +
        'every error has the ErrorResponseDto shape.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponseDto, FieldErrorDto],
  });
  documentCommonErrors(document);
  return document;
}

/** Errors any route can return, documented once here instead of on every handler. */
function documentCommonErrors(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = (path as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const add = (status: string, description: string) => {
        operation.responses[status] ??= {
          description,
          content: { 'application/json': { schema: ERROR_REF } },
        };
      };
      if (operation.requestBody || operation.parameters?.some((p) => p.in !== 'header')) {
        add('400', 'Invalid request; `fields` names each bad field');
      }
      if (operation.parameters?.some((p) => p.in === 'path')) add('404', 'Not found');
      add('429', 'Rate limit exceeded');
      add('500', 'Internal error (no internals are disclosed)');
    }
  }
}

export function mountSwagger(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
    customSiteTitle: 'Fairdraw API',
  });
}
