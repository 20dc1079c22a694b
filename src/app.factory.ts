import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ModuleMetadata } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ErrorFilter } from './common/error.filter.js';
import { buildOpenApiDocument, mountSwagger } from './common/openapi.js';
import { applyBodyHeaders } from './common/response-headers.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import { SERVICE_VERSION } from './common/service-version.js';
import type { AppConfig } from './config/environment.js';
import { MetricsService } from './metrics/metrics.service.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CreateAppOptions {
  /** Extra modules, e.g. test-only controllers. */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

/** Builds the whole service (used by main.ts and by the e2e tests alike). */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Behind the ALB, trust its one hop only: the address it appends to X-Forwarded-For is the
    // client's. Trusting every hop (`true`) would take the leftmost entry, which the client writes
    // itself, into every journaled source address and every rate-limit key.
    trustProxy: config.TRUST_PROXY ? (_address: string, hop: number) => hop < 1 : false,
    bodyLimit: 1024 * 1024,
    // Reuse a caller's request id when it is well-formed; pino-http then logs the same id.
    // Errors Fastify raises before routing (URI too long, bad URL) keep the one error shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const body = new ErrorFilter().toBody(error, String(request.id));
      void reply.status(body.status).header('x-request-id', request.id).send(body);
    },
    genReqId: (req: IncomingMessage) => {
      const header = req.headers['x-request-id'];
      const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.imports),
    adapter,
    {
      bufferLogs: true,
      rawBody: true,
      // A module that fails to start throws to the caller (main prints it; a test sees it)
      // instead of Nest ending the whole process.
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  // Helmet's headers, computed once (see securityHeaders): every answer, errors and 404s included.
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    done();
  });
  applyBodyHeaders(fastify);
  // Graceful shutdown: requests already in flight finish, and their keep-alive connections are
  // closed after the response instead of holding the process open until the idle timeout.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  // Callback-style hooks: an async hook costs a promise per request on every route.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  mountSwagger(app, buildOpenApiDocument(app, SERVICE_VERSION));
  await app.init();
  return app;
}
