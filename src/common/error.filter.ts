import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainException } from './domain.exception.js';
import type { ErrorResponseDto } from './error-response.dto.js';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Turns every error into the one documented shape; a 5xx never carries internals or a stack. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, String(request.id));
    if (body.status >= 500) {
      this.logger.error(
        { err: exception, requestId: body.requestId, route: request.url },
        `unhandled error on ${request.method} ${request.url}`,
      );
    }
    void reply.status(body.status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown, requestId: string): ErrorResponseDto {
    if (exception instanceof DomainException) {
      return {
        status: exception.getStatus(),
        code: exception.code,
        message: exception.message,
        ...(exception.fields ? { fields: exception.fields } : {}),
        requestId,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const details = healthDetails(exception);
      return { status, code: codeFor(status), message: messageOf(exception, status), ...details, requestId };
    }
    const status = fastifyStatus(exception);
    if (status !== undefined && status < 500) {
      return { status, code: codeFor(status), message: (exception as Error).message, requestId };
    }
    return { status: 500, code: 'INTERNAL', message: 'Internal server error', requestId };
  }
}

function codeFor(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

function messageOf(exception: HttpException, status: number): string {
  if (status >= 500) return status === 503 ? 'Service unavailable' : 'Internal server error';
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** A failed readiness check keeps its per-dependency results (they name what is down, nothing secret). */
function healthDetails(exception: HttpException): { details?: Record<string, unknown> } {
  const response = exception.getResponse();
  if (
    exception.getStatus() === 503 &&
    typeof response === 'object' &&
    response !== null &&
    'details' in response
  ) {
    return { details: (response as { details: Record<string, unknown> }).details };
  }
  return {};
}

/** Errors raised by Fastify itself (malformed JSON, wrong content type, body too large). */
function fastifyStatus(exception: unknown): number | undefined {
  if (exception instanceof Error && 'statusCode' in exception && typeof exception.statusCode === 'number') {
    return exception.statusCode;
  }
  return undefined;
}
