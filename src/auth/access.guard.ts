import { ForbiddenException, Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ACCESS_METADATA, type AccessDeclaration } from './access.decorators.js';
import type { Principal } from './roles.js';
import { SecurityEvents } from './security-events.js';
import { VerifiedTokens } from './verified-tokens.js';

type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/** Global guard: a route is public only when declared so; otherwise a valid token with a listed role. */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly reflector: Reflector,
    private readonly events: SecurityEvents,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (declaration?.public) return true;
    if (!declaration) {
      // Unreachable once the start-up check has passed; refuse rather than guess.
      await this.deny(request, 403, 'route has no access declaration');
      throw new ForbiddenException('route has no access declaration');
    }
    // A token verified moments ago skips passport (see VerifiedTokens); the checks below still run.
    const known = this.verified.get(request.headers.authorization);
    if (known) {
      request.user = known;
    } else {
      try {
        await super.canActivate(context);
      } catch (error) {
        await this.deny(request, 401, error instanceof Error ? error.message : 'unauthenticated');
        throw error;
      }
      if (request.user) this.verified.remember(request.headers.authorization, request.user);
    }
    const principal = request.user;
    if (principal) {
      // The token is valid: that is a sign-in, even when the role is refused next.
      const recording = this.events.accessGranted({ ...principal, ...this.describe(request) });
      if (recording) await recording;
    }
    if (!principal || !principal.roles.some((role) => declaration.roles.includes(role))) {
      const reason = `requires one of: ${declaration.roles.join(', ')}`;
      await this.deny(request, 403, reason, principal);
      throw new ForbiddenException(`Forbidden: this route ${reason}`);
    }
    return true;
  }

  override handleRequest<TUser = Principal>(error: unknown, user: unknown, info: unknown): TUser {
    if (error) throw error;
    if (!user) throw new UnauthorizedException(describeFailure(info));
    return user as TUser;
  }

  private deny(
    request: AuthenticatedRequest,
    status: 401 | 403,
    reason: string,
    principal?: Principal,
  ): Promise<void> {
    return this.events.accessDenied({
      status,
      reason,
      sub: principal?.sub,
      roles: principal?.roles,
      ...this.describe(request),
    });
  }

  private describe(request: AuthenticatedRequest) {
    return {
      method: request.method,
      route: request.routeOptions?.url ?? request.url,
      sourceIp: request.ip,
      requestId: String(request.id),
      at: new Date().toISOString(),
    };
  }
}

function describeFailure(info: unknown): string {
  if (info instanceof Error) {
    if (info.name === 'TokenExpiredError') return 'Token expired';
    if (info.message === 'No auth token') return 'Missing bearer token';
    return `Invalid token: ${info.message}`;
  }
  return 'Invalid token';
}
