import { Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { Role } from './roles.js';

export interface AccessDenied {
  status: 401 | 403;
  reason: string;
  method: string;
  route: string;
  sub?: string;
  roles?: Role[];
  sourceIp: string;
  requestId: string;
  at: string;
}

/**
 * Denied access is a significant event (GLI31 LOG-2, LOG-3). It is logged here at once; the
 * audit module subscribes to `denied` to journal it.
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('SecurityEvents');
  readonly denied = new Subject<AccessDenied>();

  accessDenied(event: AccessDenied): void {
    this.logger.warn({ event: 'access_denied', ...event }, `access denied: ${event.reason}`);
    this.denied.next(event);
  }
}
