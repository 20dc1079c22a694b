import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

const replayed = new WeakSet<object>();

/** Marks a response body as the stored result of an earlier request with the same Idempotency-Key. */
export function markReplayed<T extends object>(body: T): T {
  const copy = { ...body };
  replayed.add(copy);
  return copy;
}

/** Sets `Idempotent-Replayed: true` on responses that repeat an earlier result. */
@Injectable()
export class ReplayHeaderInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        if (typeof body === 'object' && body !== null && replayed.has(body)) {
          context.switchToHttp().getResponse<FastifyReply>().header('idempotent-replayed', 'true');
        }
        return body;
      }),
    );
  }
}
