import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/roles.js';
import { requestOrigin, type Origin } from './significant-event.js';

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

/**
 * `handler(@CallerOrigin() origin: Origin)`: the verified caller (anonymous on a public route), the
 * client address and the request id, for the business entries the handler's service journals.
 */
export const CallerOrigin = createParamDecorator((_: unknown, context: ExecutionContext): Origin => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
  return requestOrigin(request.user, { source: request.ip, requestId: String(request.id) });
});
