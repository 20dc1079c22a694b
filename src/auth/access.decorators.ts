import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import type { Role } from './roles.js';

export const ACCESS_METADATA = 'fairdraw:access';
/** The OpenAPI extension that lists, on every operation, who may call it. */
export const ACCESS_EXTENSION = 'x-fairdraw-access';

export type AccessDeclaration = { public: true } | { public: false; roles: Role[] };

/**
 * The one access decorator of a protected route: the caller needs a valid token carrying at
 * least one of `roles`. Every route carries either this or `@Public()`; the service refuses to
 * start when a route has neither.
 */
export function Authenticated(options: { roles: [Role, ...Role[]] }) {
  const declaration: AccessDeclaration = { public: false, roles: options.roles };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, declaration),
    ApiBearerAuth(),
    ApiExtension(ACCESS_EXTENSION, { roles: options.roles }),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, expired or invalid token' }),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: `Requires one of: ${options.roles.join(', ')}`,
    }),
  );
}

/** Declares, explicitly, that a route needs no token. */
export function Public() {
  const declaration: AccessDeclaration = { public: true };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, declaration),
    ApiExtension(ACCESS_EXTENSION, { public: true }),
  );
}
