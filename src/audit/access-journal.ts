import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { QueuedEntry } from '../ledger/ledger.service.js';
import {
  SecurityEvents,
  type AccessDenied,
  type AccessGranted,
  type SecurityEventRecorder,
} from '../auth/security-events.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { GroupCommit, type Overflow } from './group-commit.js';
import {
  ANONYMOUS,
  SIGNIFICANT_EVENT_TYPES,
  SYSTEM,
  subjectFor,
  type SignificantEvent,
} from './significant-event.js';

/** Denials waiting to be journaled at most; a flood beyond is counted in ACCESS_DENIED_SUPPRESSED. */
const MAX_PENDING_DENIALS = 5_000;
const DENIALS_PER_COMMIT = 500;
/** Tokens remembered as journaled, so later requests cost no database round trip. */
const KNOWN_TOKENS = 50_000;
const INTEGRATION_WAIT_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Expired tokens are forgotten a day late, well past any clock skew. */
const PRUNE_GRACE_MS = 86_400_000;

/**
 * Journals what the access guard sees (GLI31 LOG-2, LOG-3, SEC-3): every refusal
 * (ACCESS_DENIED, with the caller when the token was valid) and the first use of every token
 * (SIGNED_IN: with bearer tokens there is no login call, so first use is the sign-in). The
 * guard waits for the entry before it answers, so the journal shows the sign-in before anything
 * the token did, and a denial before the client hears of it; a journaling failure is logged and
 * never changes the answer.
 */
@Injectable()
export class AccessJournal implements SecurityEventRecorder, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AccessJournal');
  private readonly denials: GroupCommit<SignificantEvent>;
  private readonly known = new Set<string>();
  private readonly signingIn = new Map<string, Promise<void>>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly events: SecurityEvents,
    private readonly audit: AuditService,
    private readonly repository: AuditRepository,
    private readonly database: DatabaseService,
  ) {
    this.denials = new GroupCommit((events, overflow) => this.journalDenials(events, overflow), {
      maxPending: MAX_PENDING_DENIALS,
      maxBatch: DENIALS_PER_COMMIT,
    });
  }

  onModuleInit(): void {
    this.events.addRecorder(this);
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  accessDenied(event: AccessDenied): Promise<void> {
    const at = new Date(event.at);
    return this.denials.add(
      {
        type: SIGNIFICANT_EVENT_TYPES.ACCESS_DENIED,
        subject: subjectFor('route', `${event.method} ${event.route}`),
        // Claims of a token that failed verification are not evidence of anyone: anonymous.
        actor: event.sub ? { type: 'user', sub: event.sub, roles: event.roles ?? [] } : ANONYMOUS,
        outcome: 'denied',
        component: 'auth',
        source: event.sourceIp,
        requestId: event.requestId,
        at,
        details: { status: event.status, reason: event.reason, method: event.method, route: event.route },
      },
      at,
    );
  }

  accessGranted(event: AccessGranted): Promise<void> | undefined {
    // Every authenticated request comes here: a token already seen costs one Set lookup.
    const token = `${event.issuer}\u0000${event.token?.id ?? event.sub}`;
    if (this.known.has(token)) return undefined;
    let pending = this.signingIn.get(token);
    if (!pending) {
      pending = this.journalSignIn(token, event).finally(() => this.signingIn.delete(token));
      this.signingIn.set(token, pending);
    }
    return pending;
  }

  /** Waits until every denial received so far is journaled (at shutdown, before SERVICE_STOPPED). */
  async flush(): Promise<void> {
    await Promise.all([this.denials.flush(), ...this.signingIn.values()]);
  }

  private async journalSignIn(token: string, event: AccessGranted): Promise<void> {
    const at = new Date(event.at);
    const queued = await this.database.transaction(async (trx) => {
      const first = await this.repository.claimFirstUse(trx, {
        token_key: tokenKey(token),
        sub: event.sub,
        first_seen_at: at,
        expires_at: event.token?.expiresAt ? new Date(event.token.expiresAt) : null,
      });
      if (!first) return [];
      return [
        await this.audit.record(
          {
            type: SIGNIFICANT_EVENT_TYPES.SIGNED_IN,
            subject: subjectFor('user', event.sub),
            actor: { type: 'user', sub: event.sub, roles: event.roles, issuer: event.issuer },
            outcome: 'success',
            component: 'auth',
            source: event.sourceIp,
            requestId: event.requestId,
            at,
            details: {
              tokenId: event.token?.id ?? null,
              issuedAt: event.token?.issuedAt ?? null,
              expiresAt: event.token?.expiresAt ?? null,
              method: event.method,
              route: event.route,
            },
          },
          trx,
        ),
      ];
    });
    this.remember(token);
    await this.waitForIntegration(queued);
  }

  private async journalDenials(events: SignificantEvent[], overflow: Overflow | undefined): Promise<void> {
    const all = [...events];
    if (overflow) {
      all.push({
        type: SIGNIFICANT_EVENT_TYPES.ACCESS_DENIED_SUPPRESSED,
        subject: null,
        actor: SYSTEM,
        outcome: 'denied',
        component: 'auth',
        details: {
          count: overflow.count,
          first: overflow.first.toISOString(),
          last: overflow.last.toISOString(),
          note: 'denials beyond the journaling queue; each is in the service log (access_denied)',
        },
      });
    }
    let queued;
    try {
      queued = await this.audit.recordAll(all);
    } catch (error) {
      this.logger.error(
        { event: 'access_denied_not_journaled', count: all.length, err: error },
        'denied access could not be journaled (it is in the service log)',
      );
      return;
    }
    await this.waitForIntegration(queued);
  }

  /** Committed is kept; waiting for the sequence number only orders the journal before the answer. */
  private async waitForIntegration(queued: QueuedEntry[]): Promise<void> {
    try {
      await this.audit.integrated(queued, INTEGRATION_WAIT_MS);
    } catch (error) {
      this.logger.warn({ err: error }, 'committed access events are not integrated yet');
    }
  }

  private remember(token: string): void {
    if (this.known.size >= KNOWN_TOKENS) {
      // Forgetting the oldest costs one more database round trip if it is used again, never a duplicate.
      this.known.delete(this.known.values().next().value!);
    }
    this.known.add(token);
  }

  private async prune(): Promise<void> {
    try {
      await this.repository.pruneSignIns(new Date(Date.now() - PRUNE_GRACE_MS));
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning expired sign-ins failed; it will be retried');
    }
  }
}

/** One token of one issuer (`<issuer> NUL <token id>`), as the fixed-size key of audit_sign_in. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
