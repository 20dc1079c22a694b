import { Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { Role, TokenUse } from './roles.js';

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

/** A request whose token was verified (before its roles are checked against the route). */
export interface AccessGranted {
  sub: string;
  roles: Role[];
  issuer: string;
  token?: TokenUse;
  method: string;
  route: string;
  sourceIp: string;
  requestId: string;
  at: string;
}

/**
 * Work the access guard waits for before it lets a request through or answers it, such as
 * journaling the event; return nothing when there is nothing to wait for.
 */
export interface SecurityEventRecorder {
  accessDenied?(event: AccessDenied): Promise<void> | void;
  accessGranted?(event: AccessGranted): Promise<void> | void;
}

/** The longest a request waits for the recorders; their work goes on after it, and a failure is only logged. */
export const RECORDER_WAIT_MS = 2_000;

/**
 * Denied access and sign-ins are significant events (GLI31 LOG-2, LOG-3). A refusal is logged
 * here at once; both are published (`denied`, `granted`), and the audit module registers a
 * recorder that journals them before the guard answers.
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('SecurityEvents');
  readonly denied = new Subject<AccessDenied>();
  readonly granted = new Subject<AccessGranted>();
  private readonly recorders: SecurityEventRecorder[] = [];

  addRecorder(recorder: SecurityEventRecorder): void {
    this.recorders.push(recorder);
  }

  async accessDenied(event: AccessDenied): Promise<void> {
    this.logger.warn({ event: 'access_denied', ...event }, `access denied: ${event.reason}`);
    this.denied.next(event);
    await this.waitFor(this.start((recorder) => recorder.accessDenied?.(event)));
  }

  /** Undefined when no recorder has anything to wait for (the usual case: a token already seen). */
  accessGranted(event: AccessGranted): Promise<void> | undefined {
    this.granted.next(event);
    return this.waitFor(this.start((recorder) => recorder.accessGranted?.(event)));
  }

  private start(work: (recorder: SecurityEventRecorder) => Promise<void> | void): Promise<void>[] {
    const pending: Promise<void>[] = [];
    for (const recorder of this.recorders) {
      try {
        const promise = work(recorder);
        if (promise) pending.push(promise.catch((error: unknown) => this.notRecorded(error)));
      } catch (error) {
        this.notRecorded(error);
      }
    }
    return pending;
  }

  private waitFor(pending: Promise<void>[]): Promise<void> | undefined {
    if (pending.length === 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, RECORDER_WAIT_MS);
    });
    return Promise.race([Promise.all(pending), deadline]).then(() => clearTimeout(timer));
  }

  private notRecorded(error: unknown): void {
    this.logger.error(
      { event: 'security_event_not_recorded', err: error },
      'a security event was not recorded',
    );
  }
}
