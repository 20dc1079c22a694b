import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService } from '../database/database.service.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import { RaffleService, type RaffleView } from '../raffle/raffle.service.js';
import {
  ExpectedCash,
  FINANCE_ENTRY_OF,
  FINANCE_RECORD_REVERSED,
  type FinanceKind,
} from './core/finance-entries.js';
import { FinanceRepository, type FinanceRecordRow } from './finance.repository.js';

export interface FinanceRecordView {
  id: string;
  raffleId: string;
  kind: FinanceKind;
  amountMinor: number;
  currency: string;
  date: string;
  details: Record<string, unknown>;
  reverses: string | null;
  reason: string | null;
  recordedBy: string;
  recordedAt: string;
}

interface MoneyRecord {
  raffleId: string;
  amountMinor: number;
  currency: string;
  date: string;
  memo?: string;
}

const SETTLE_WAIT_MS = 10_000;

/**
 * The licensee's financial records of a raffle (GLI31 RPT-7): expenses, use of proceeds, bank
 * deposits and cash counts (counted against the cash sales the journal holds for the seller). Each is
 * a row and its journal entry, with the caller's origin, in one transaction; never changed: a
 * correction reverses a record (with a reason) and a new record is entered.
 */
@Injectable()
export class FinanceService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repository: FinanceRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
  ) {}

  async recordExpense(
    input: MoneyRecord & { category: string; payee: string },
    who: Principal,
    origin: Origin,
  ): Promise<FinanceRecordView> {
    const raffle = await this.checkMoney(input);
    return this.record(
      raffle,
      'EXPENSE',
      input.amountMinor,
      input.date,
      {
        category: input.category,
        payee: input.payee,
        memo: input.memo ?? null,
      },
      who,
      origin,
    );
  }

  async recordProceedsUse(
    input: MoneyRecord & { purpose: string; beneficiary: string },
    who: Principal,
    origin: Origin,
  ): Promise<FinanceRecordView> {
    const raffle = await this.checkMoney(input);
    return this.record(
      raffle,
      'PROCEEDS_USE',
      input.amountMinor,
      input.date,
      {
        purpose: input.purpose,
        beneficiary: input.beneficiary,
        memo: input.memo ?? null,
      },
      who,
      origin,
    );
  }

  async recordDeposit(
    input: MoneyRecord & { reference: string },
    who: Principal,
    origin: Origin,
  ): Promise<FinanceRecordView> {
    const raffle = await this.checkMoney(input);
    return this.record(
      raffle,
      'DEPOSIT',
      input.amountMinor,
      input.date,
      {
        reference: input.reference,
        memo: input.memo ?? null,
      },
      who,
      origin,
    );
  }

  /**
   * A seller's cash counted at the end of a session: over (+) or short (-) is counted minus the cash
   * sales journaled for that seller in the session, less those of them voided.
   */
  async recordCashCount(
    input: {
      raffleId: string;
      sellerId: string;
      sessionFrom: string;
      sessionTo: string;
      countedMinor: number;
      currency: string;
      memo?: string;
    },
    who: Principal,
    origin: Origin,
  ): Promise<FinanceRecordView> {
    const raffle = await this.raffles.get(input.raffleId);
    checkCurrency(input.currency, raffle);
    const from = Date.parse(input.sessionFrom);
    const to = Date.parse(input.sessionTo);
    if (!(from < to)) invalid('sessionFrom', 'sessionFrom must be before sessionTo');
    if (to > Date.now()) invalid('sessionTo', 'sessionTo must not be in the future');
    const sessionFrom = new Date(from).toISOString();
    const sessionTo = new Date(to).toISOString();
    // Every sale committed so far gets its place in the journal first, so the expected cash is the
    // journal's at a stated size (an auditor recomputes it with ExpectedCash from the same entries).
    await this.ledger.settled(SETTLE_WAIT_MS).catch(() => {
      throw new DomainException(
        503,
        'JOURNAL_NOT_SETTLED',
        `the journal did not take in the sales committed so far within ${SETTLE_WAIT_MS / 1000} s: the expected cash cannot be stated yet; retry`,
      );
    });
    const treeSize = await this.ledger.treeSize();
    const expected = new ExpectedCash(input.sellerId, sessionFrom, sessionTo);
    for await (const entry of this.ledger.entries({
      subject: raffleSubject(raffle.id),
      types: ['TICKETS_SOLD', 'TICKETS_VOIDED'],
      treeSize,
    })) {
      expected.add(entry);
    }
    const cash = expected.result();
    return this.record(
      raffle,
      'CASH_COUNT',
      input.countedMinor - cash.expectedMinor,
      sessionTo.slice(0, 10),
      {
        sellerId: input.sellerId,
        sessionFrom,
        sessionTo,
        countedMinor: input.countedMinor,
        expectedMinor: cash.expectedMinor,
        cashSales: cash.cashSales,
        cashSalesMinor: cash.cashSalesMinor,
        voidedMinor: cash.voidedMinor,
        expectedAtTreeSize: treeSize,
        memo: input.memo ?? null,
      },
      who,
      origin,
    );
  }

  /** Reverses a record once, with a reason: a new record of the negated amount, journaled. */
  async reverse(
    recordId: string,
    reason: string,
    who: Principal,
    origin: Origin,
  ): Promise<FinanceRecordView> {
    const now = new Date();
    const id = randomUUID();
    const row = await this.database.transaction(async (trx) => {
      const original = await this.repository.findForUpdate(trx, recordId);
      if (!original) {
        throw new DomainException(
          404,
          'FINANCE_RECORD_NOT_FOUND',
          `financial record ${recordId} does not exist`,
        );
      }
      if (original.reverses !== null) {
        throw new DomainException(
          409,
          'REVERSAL_NOT_REVERSIBLE',
          `record ${recordId} is itself a reversal: enter the correct record again instead`,
        );
      }
      const earlier = await this.repository.reversalOf(trx, recordId);
      if (earlier) {
        throw new DomainException(
          409,
          'ALREADY_REVERSED',
          `record ${recordId} was reversed by ${earlier.id} on ${earlier.recorded_at.toISOString()}`,
        );
      }
      const [queued] = await this.ledger.append(trx, {
        type: FINANCE_RECORD_REVERSED,
        subject: raffleSubject(original.raffle_id),
        payload: {
          recordId: id,
          raffleId: original.raffle_id,
          reverses: original.id,
          kind: original.kind,
          amountMinor: original.amount_minor,
          currency: original.currency,
          date: original.occurred_on,
          reason,
          by: who.sub,
          recordedAt: now.toISOString(),
          ...originFields(origin),
        },
      });
      const reversal = {
        id,
        raffle_id: original.raffle_id,
        kind: original.kind,
        amount_minor: -original.amount_minor,
        currency: original.currency,
        occurred_on: original.occurred_on,
        details: JSON.stringify({ reverses: original.id }),
        reverses: original.id,
        reason,
        recorded_by: who.sub,
        recorded_at: now,
        queue_id: queued.queueId,
      };
      await this.repository.insert(trx, reversal);
      return reversal;
    });
    return view(row);
  }

  /** Every record of a raffle (reversals included), in the order recorded. */
  async list(raffleId: string): Promise<FinanceRecordView[]> {
    await this.raffles.get(raffleId);
    return (await this.repository.ofRaffle(raffleId)).map(view);
  }

  /** Per kind, the signed sum of the records (reversals included): what the report reconciles. */
  async totals(raffleId: string): Promise<Record<FinanceKind, { records: number; amountMinor: number }>> {
    const totals = {
      EXPENSE: { records: 0, amountMinor: 0 },
      PROCEEDS_USE: { records: 0, amountMinor: 0 },
      DEPOSIT: { records: 0, amountMinor: 0 },
      CASH_COUNT: { records: 0, amountMinor: 0 },
    };
    for (const row of await this.repository.totals(raffleId)) {
      totals[row.kind as FinanceKind] = { records: row.records, amountMinor: row.amountMinor };
    }
    return totals;
  }

  private async checkMoney(input: MoneyRecord): Promise<RaffleView> {
    const raffle = await this.raffles.get(input.raffleId);
    checkCurrency(input.currency, raffle);
    const day = new Date(`${input.date}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== input.date) {
      invalid('date', 'date must be a calendar date YYYY-MM-DD');
    }
    if (input.date > new Date().toISOString().slice(0, 10))
      invalid('date', 'date must not be in the future (UTC)');
    return raffle;
  }

  private async record(
    raffle: RaffleView,
    kind: FinanceKind,
    amountMinor: number,
    date: string,
    details: JsonObject,
    who: Principal,
    origin: Origin,
  ): Promise<FinanceRecordView> {
    const now = new Date();
    const id = randomUUID();
    const row = await this.database.transaction(async (trx) => {
      const [queued] = await this.ledger.append(trx, {
        type: FINANCE_ENTRY_OF[kind],
        subject: raffleSubject(raffle.id),
        payload: {
          recordId: id,
          raffleId: raffle.id,
          amountMinor,
          currency: raffle.currency,
          date,
          ...details,
          by: who.sub,
          recordedAt: now.toISOString(),
          ...originFields(origin),
        },
      });
      const row = {
        id,
        raffle_id: raffle.id,
        kind,
        amount_minor: amountMinor,
        currency: raffle.currency,
        occurred_on: date,
        details: JSON.stringify(details),
        reverses: null,
        reason: null,
        recorded_by: who.sub,
        recorded_at: now,
        queue_id: queued.queueId,
      };
      await this.repository.insert(trx, row);
      return row;
    });
    return view(row);
  }
}

function view(row: FinanceRecordRow): FinanceRecordView {
  return {
    id: row.id,
    raffleId: row.raffle_id,
    kind: row.kind,
    amountMinor: row.amount_minor,
    currency: row.currency,
    date: row.occurred_on,
    details: JSON.parse(row.details) as Record<string, unknown>,
    reverses: row.reverses,
    reason: row.reason,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at.toISOString(),
  };
}

function checkCurrency(currency: string, raffle: RaffleView): void {
  if (currency !== raffle.currency) {
    invalid('currency', `currency must be the raffle's currency, ${raffle.currency}`);
  }
}

function invalid(field: string, message: string): never {
  throw new DomainException(400, 'VALIDATION_FAILED', message, [{ field, messages: [message] }]);
}
