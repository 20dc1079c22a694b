import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/environment.js';

const WINDOW_MS = 1_000;
const SWEEP_EVERY = 10_000;

/**
 * A per-client limit for the high-rate routes (ticket orders, payment webhooks), in place of the
 * global throttler (whose in-memory store keeps one timestamp per hit and slows down with the
 * limit): a one-second fixed window per client address, O(1) per request. Use with
 * `@SkipThrottle()` and `@UseGuards(ClientRateGuard)`; the limit is SALES_RATE_LIMIT_PER_SECOND.
 */
@Injectable()
export class ClientRateGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private checks = 0;

  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const now = Date.now();
    if (++this.checks % SWEEP_EVERY === 0) this.sweep(now);
    const key = `${request.routeOptions?.url ?? ''}|${request.ip}`;
    const window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    if (++window.count > this.config.SALES_RATE_LIMIT_PER_SECOND) {
      throw new HttpException('ThrottlerException: Too Many Requests', 429);
    }
    return true;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= WINDOW_MS) this.windows.delete(key);
  }
}
