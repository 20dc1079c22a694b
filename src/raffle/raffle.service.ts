import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { originFields, SYSTEM_ORIGIN, type Origin } from '../audit/significant-event.js';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { JurisdictionProfile } from '../jurisdiction/jurisdiction-profiles.js';
import { JurisdictionService } from '../jurisdiction/jurisdiction.service.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { DrawCalendar } from './draw-schedule.js';
import {
  allowedTransitions,
  canTransition,
  raffleSubject,
  TRANSITION_ENTRY,
  type RaffleStatus,
} from './raffle-lifecycle.js';
import {
  checkRaffleRules,
  normalizeRules,
  type RaffleRules,
  type RaffleRulesInput,
  type RuleProblem,
  winnerExclusionOf,
} from './raffle-rules.js';
import type { RaffleTransition, RaffleTransitionHook } from './raffle-transition-hook.js';
import { RaffleRepository, type RaffleRow } from './raffle.repository.js';

export interface RaffleView extends RaffleRules {
  id: string;
  status: RaffleStatus;
  version: number;
  rulesHash: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  openedAt: string | null;
  closedAt: string | null;
  drawnAt: string | null;
  settledAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  allowedTransitions: RaffleStatus[];
}

/** A raffle whose rules can no longer change: safe to keep in memory for the sales path. */
export interface FrozenRaffle {
  id: string;
  rules: RaffleRules;
  rulesHash: string;
  profile: JurisdictionProfile;
  calendar: DrawCalendar;
  /** The status when this copy was loaded; the sales transaction decides with the database's. */
  status: RaffleStatus;
}

const SYSTEM_SCHEDULER = 'system:scheduler';
const CLOSE_BATCH = 50;

/** Raffles: drafts, rules frozen at opening, and the lifecycle, each step journaled with its change. */
@Injectable()
export class RaffleService {
  private readonly logger = new Logger('RaffleService');
  private readonly hooks: RaffleTransitionHook[] = [];
  private readonly frozenCache = new Map<string, FrozenRaffle>();

  constructor(
    private readonly database: DatabaseService,
    private readonly repository: RaffleRepository,
    private readonly ledger: LedgerService,
    private readonly jurisdictions: JurisdictionService,
  ) {}

  registerTransitionHook(hook: RaffleTransitionHook): void {
    this.hooks.push(hook);
  }

  async create(input: RaffleRulesInput, by: Principal, origin: Origin): Promise<RaffleView> {
    const rules = this.checked(normalizeRules(input));
    const now = new Date();
    const { text, hash } = canonicalRules(rules);
    const row: RaffleRow = {
      id: randomUUID(),
      status: 'DRAFT',
      version: 1,
      rules: text,
      rules_hash: hash,
      license_number: rules.licenseNumber,
      name: rules.name,
      jurisdiction: rules.jurisdiction,
      sales_close_at: new Date(rules.salesCloseAt),
      created_by: by.sub,
      created_at: now,
      updated_at: now,
      opened_at: null,
      closed_at: null,
      drawn_at: null,
      settled_at: null,
      cancelled_at: null,
      cancel_reason: null,
    };
    await this.database.transaction(async (trx) => {
      await this.repository.insert(trx, row);
      await this.ledger.append(trx, {
        type: 'RAFFLE_CREATED',
        subject: raffleSubject(row.id),
        payload: {
          raffleId: row.id,
          version: 1,
          rulesHash: hash,
          rules: rulesJson(rules),
          by: by.sub,
          ...originFields(origin),
        },
      });
    });
    return toView(row);
  }

  /** Changes a draft; the patch is merged into the current rules and the whole set re-checked. */
  async update(
    id: string,
    patch: Partial<RaffleRulesInput>,
    expectedVersion: number | undefined,
    by: Principal,
    origin: Origin,
  ): Promise<RaffleView> {
    return this.database.transaction(async (trx) => {
      const row = await this.requireForUpdate(trx, id);
      if (row.status !== 'DRAFT') {
        throw new DomainException(
          409,
          'RULES_FROZEN',
          `raffle ${id} is ${row.status}: its rules were frozen when sales opened (SALE-5)`,
        );
      }
      if (expectedVersion !== undefined && expectedVersion !== row.version) {
        throw new DomainException(
          412,
          'VERSION_MISMATCH',
          `raffle ${id} is at version ${row.version}, not ${expectedVersion}; reload it and apply the change again`,
        );
      }
      const stored = parseRules(row.rules);
      // A patch that leaves the prizes alone keeps each stored prize's rule as it reads (a draft stored
      // before prizes could choose reads as seal, and stays so); prizes the patch sends without a
      // choice get the new rules' default.
      const current = {
        ...stored,
        prizes: stored.prizes.map((prize) => ({ ...prize, winnerExclusion: winnerExclusionOf(prize) })),
      };
      const rules = this.checked(normalizeRules({ ...current, ...dropUndefined(patch) }));
      const { text, hash } = canonicalRules(rules);
      const now = new Date();
      const changes = {
        rules: text,
        rules_hash: hash,
        license_number: rules.licenseNumber,
        name: rules.name,
        jurisdiction: rules.jurisdiction,
        sales_close_at: new Date(rules.salesCloseAt),
        updated_at: now,
      };
      if (!(await this.repository.updateDraft(trx, id, row.version, changes))) {
        throw new DomainException(409, 'CONCURRENT_CHANGE', `raffle ${id} changed meanwhile; retry`);
      }
      await this.ledger.append(trx, {
        type: 'RAFFLE_UPDATED',
        subject: raffleSubject(id),
        payload: {
          raffleId: id,
          version: row.version + 1,
          rulesHash: hash,
          rules: rulesJson(rules),
          by: by.sub,
          ...originFields(origin),
        },
      });
      return toView({ ...row, ...changes, version: row.version + 1 });
    });
  }

  async get(id: string): Promise<RaffleView> {
    return toView(await this.require(id));
  }

  async list(filter: { status?: RaffleStatus; limit: number; offset: number }): Promise<RaffleView[]> {
    return (await this.repository.list(filter)).map(toView);
  }

  open(id: string, by: Principal, origin: Origin): Promise<RaffleView> {
    return this.transition(id, 'OPEN', by.sub, origin, null);
  }

  close(id: string, by: Principal, origin: Origin): Promise<RaffleView> {
    return this.transition(id, 'CLOSED', by.sub, origin, 'CLOSED_BY_OPERATOR');
  }

  cancel(id: string, reason: string, by: Principal, origin: Origin): Promise<RaffleView> {
    return this.transition(id, 'CANCELLED', by.sub, origin, reason);
  }

  /**
   * The raffle's status inside the caller's transaction, share-locked until it ends: no lifecycle
   * step can happen meanwhile (a void checks that the draw has not taken place).
   */
  async statusInTransaction(trx: Tx, id: string): Promise<RaffleStatus> {
    const status = await this.repository.statusForShare(trx, id);
    if (!status) throw notFound(id);
    return status;
  }

  /**
   * For the draw module, inside its own transaction (with its draw entries): CLOSED → DRAWN.
   * Reconciliation of offline blocks (SALE-4) is the draw module's check before it seals: the
   * raffle module cannot see ticket blocks (the ticket module depends on it, not the reverse).
   */
  async markDrawn(
    trx: Tx,
    id: string,
    by: string,
    origin: Origin,
    details: JsonObject = {},
  ): Promise<RaffleView> {
    const row = await this.requireForUpdate(trx, id);
    const view = await this.transitionInTx(trx, row, 'DRAWN', by, origin, null, details);
    this.remember(row, 'DRAWN');
    return view;
  }

  /** For the draw module, inside its own transaction: DRAWN → SETTLED (prizes paid out). */
  async markSettled(
    trx: Tx,
    id: string,
    by: string,
    origin: Origin,
    details: JsonObject = {},
  ): Promise<RaffleView> {
    const row = await this.requireForUpdate(trx, id);
    const view = await this.transitionInTx(trx, row, 'SETTLED', by, origin, null, details);
    this.remember(row, 'SETTLED');
    return view;
  }

  /**
   * Closes every open raffle whose window has ended. Runs on every replica; FOR UPDATE SKIP LOCKED
   * and the conditional status change make each close happen exactly once. Each raffle closes in
   * its own transaction, so one that cannot close now (it is retried next time) holds up no other.
   */
  async closeDue(now = new Date()): Promise<string[]> {
    const closed: string[] = [];
    const failed: string[] = [];
    for (let i = 0; i < CLOSE_BATCH; i++) {
      let attempted: string | undefined;
      try {
        const done: RaffleTransition[] = [];
        const found = await this.database.transaction(async (trx) => {
          const [row] = await this.repository.dueToClose(trx, now, 1, failed);
          if (!row) return false;
          attempted = row.id;
          await this.transitionInTx(
            trx,
            row,
            'CLOSED',
            SYSTEM_SCHEDULER,
            SYSTEM_ORIGIN,
            'SALES_WINDOW_ENDED',
            {},
            now,
            done,
          );
          return true;
        });
        if (!found) break;
        for (const transition of done) {
          this.afterCommit(transition);
          closed.push(transition.raffleId);
        }
      } catch (error) {
        if (attempted === undefined) throw error;
        failed.push(attempted);
        this.logger.error(
          { err: error, raffleId: attempted },
          'closing sales failed; retried on the next run',
        );
      }
    }
    return closed;
  }

  /**
   * The frozen rules of a raffle that has left DRAFT, kept in memory (rules cannot change any more);
   * a draft is returned but not kept. Undefined when there is no such raffle.
   */
  async frozen(id: string): Promise<FrozenRaffle | undefined> {
    const cached = this.frozenCache.get(id);
    if (cached) return cached;
    const row = await this.repository.find(id);
    if (!row) return undefined;
    const snapshot = this.snapshot(row);
    if (row.status !== 'DRAFT') this.frozenCache.set(id, snapshot);
    return snapshot;
  }

  private snapshot(row: RaffleRow): FrozenRaffle {
    const rules = parseRules(row.rules);
    return {
      id: row.id,
      rules,
      rulesHash: row.rules_hash,
      profile: this.jurisdictions.profile(rules.jurisdiction),
      calendar: new DrawCalendar(rules.prizes, new Date(rules.salesOpenAt), new Date(rules.salesCloseAt)),
      status: row.status,
    };
  }

  private async transition(
    id: string,
    to: RaffleStatus,
    by: string,
    origin: Origin,
    reason: string | null,
  ): Promise<RaffleView> {
    const done: RaffleTransition[] = [];
    const view = await this.database.transaction(async (trx) => {
      const row = await this.requireForUpdate(trx, id);
      return this.transitionInTx(trx, row, to, by, origin, reason, {}, new Date(), done);
    });
    for (const transition of done) this.afterCommit(transition);
    return view;
  }

  private async transitionInTx(
    trx: Tx,
    row: RaffleRow,
    to: RaffleStatus,
    by: string,
    origin: Origin,
    reason: string | null,
    details: JsonObject = {},
    at = new Date(),
    done?: RaffleTransition[],
  ): Promise<RaffleView> {
    const from = row.status;
    if (!canTransition(from, to)) {
      const next = allowedTransitions(from);
      throw new DomainException(
        409,
        'INVALID_TRANSITION',
        `raffle ${row.id} is ${from}; it can go to ${next.length > 0 ? next.join(' or ') : 'no other state'}, not ${to}`,
      );
    }
    const rules = parseRules(row.rules);
    if (to === 'OPEN') {
      const problems = checkRaffleRules(rules, this.jurisdictions.profile(rules.jurisdiction), {
        opening: { now: at },
      });
      if (problems.length > 0) {
        throw new DomainException(
          409,
          'RAFFLE_NOT_OPENABLE',
          `raffle ${row.id} cannot open: ${problems.map((p) => p.message).join('; ')}`,
          fieldErrors(problems),
        );
      }
    }
    const transition: RaffleTransition = { raffleId: row.id, rules, from, to, at, by, origin, reason };
    const payload: JsonObject = {
      raffleId: row.id,
      from,
      to,
      at: at.toISOString(),
      by,
      ...originFields(origin),
      ...(reason !== null ? { reason } : {}),
      ...details,
    };
    if (to === 'OPEN') {
      payload.rulesHash = row.rules_hash;
      payload.rules = rulesJson(rules);
    }
    // The step itself first, then what the hooks journal because of it (refunds of a cancellation).
    await this.ledger.append(trx, { type: TRANSITION_ENTRY[to], subject: raffleSubject(row.id), payload });
    for (const hook of this.hooks) await hook.beforeCommit?.(trx, transition);
    const stamps = {
      OPEN: { opened_at: at },
      CLOSED: { closed_at: at },
      DRAWN: { drawn_at: at },
      SETTLED: { settled_at: at },
      CANCELLED: { cancelled_at: at, cancel_reason: reason },
      DRAFT: {},
    }[to];
    if (!(await this.repository.setStatus(trx, row.id, from, to, { ...stamps, updated_at: at }))) {
      throw new DomainException(409, 'CONCURRENT_CHANGE', `raffle ${row.id} changed meanwhile; retry`);
    }
    done?.push(transition);
    return toView({ ...row, ...stamps, status: to, updated_at: at });
  }

  private afterCommit(transition: RaffleTransition): void {
    const cached = this.frozenCache.get(transition.raffleId);
    if (cached) cached.status = transition.to;
    for (const hook of this.hooks) {
      try {
        hook.afterCommit?.(transition);
      } catch (error) {
        this.logger.error(
          { err: error, raffleId: transition.raffleId },
          'a transition hook failed after commit',
        );
      }
    }
  }

  private remember(row: RaffleRow, status: RaffleStatus): void {
    const cached = this.frozenCache.get(row.id);
    if (cached) cached.status = status;
  }

  private checked(rules: RaffleRules): RaffleRules {
    const problems = checkRaffleRules(rules, this.jurisdictions.profile(rules.jurisdiction));
    if (problems.length > 0) {
      throw new DomainException(
        400,
        'VALIDATION_FAILED',
        `Request validation failed: ${problems.map((p) => p.message).join('; ')}`,
        fieldErrors(problems),
      );
    }
    return rules;
  }

  private async require(id: string): Promise<RaffleRow> {
    const row = await this.repository.find(id);
    if (!row) throw notFound(id);
    return row;
  }

  private async requireForUpdate(trx: Tx, id: string): Promise<RaffleRow> {
    const row = await this.repository.findForUpdate(trx, id);
    if (!row) throw notFound(id);
    return row;
  }
}

export function notFound(id: string): DomainException {
  return new DomainException(404, 'RAFFLE_NOT_FOUND', `raffle ${id} does not exist`);
}

function fieldErrors(problems: RuleProblem[]) {
  const byField = new Map<string, string[]>();
  for (const { field, message } of problems) byField.set(field, [...(byField.get(field) ?? []), message]);
  return [...byField].map(([field, messages]) => ({ field, messages }));
}

function canonicalRules(rules: RaffleRules): { text: string; hash: string } {
  const text = canonicalize(rules);
  if (text === undefined) throw new Error('raffle rules are not serialisable');
  return { text, hash: createHash('sha256').update(text).digest('hex') };
}

function parseRules(text: string): RaffleRules {
  return JSON.parse(text) as RaffleRules;
}

function rulesJson(rules: RaffleRules): JsonObject {
  return JSON.parse(JSON.stringify(rules)) as JsonObject;
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export function toView(row: RaffleRow): RaffleView {
  const rules = parseRules(row.rules);
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    ...rules,
    // Rules stored before a raffle could name its site, or its prizes choose their exclusion, have no
    // such members (and keep their hash).
    site: rules.site ?? null,
    prizes: rules.prizes.map((prize) => ({ ...prize, winnerExclusion: winnerExclusionOf(prize) })),
    rulesHash: row.rules_hash,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    openedAt: iso(row.opened_at),
    closedAt: iso(row.closed_at),
    drawnAt: iso(row.drawn_at),
    settledAt: iso(row.settled_at),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    allowedTransitions: [...allowedTransitions(row.status)],
  };
}
