import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './roles.js';

/** The verified caller of an `@Authenticated` route: `handler(@CurrentPrincipal() who: Principal)`. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
  if (!request.user) throw new Error('CurrentPrincipal used on a route without @Authenticated');
  return request.user;
});

/** Where a request came from, for significant events (GLI31 LOG-3). */
export const SourceAddress = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<FastifyRequest>().ip,
);
