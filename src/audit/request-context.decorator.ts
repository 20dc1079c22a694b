import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, for the `source` and `requestId` of a significant event. */
export interface RequestContext {
  source: string;
  requestId: string;
}

/** `handler(@RequestOrigin() origin: RequestContext)`: the client address and the request id. */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { source: request.ip, requestId: String(request.id) };
});
