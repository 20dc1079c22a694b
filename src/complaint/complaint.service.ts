import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService, sqlState } from '../database/database.service.js';
import { commitPersonalData, PERSONAL_DATA_COMMITMENT } from '../draw/core/claim-entries.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { RaffleService } from '../raffle/raffle.service.js';
import { codeHash } from '../ticket/sales-batch.js';
import { TicketService, type VerificationView } from '../ticket/ticket.service.js';
import { normalizeVerificationCode } from '../ticket/verification-code.js';
import {
  allowedTransitions,
  canTransition,
  COMPLAINT_STATUSES,
  complaintFiledDraft,
  complaintReference,
  complaintStatusChangedDraft,
  needsResolution,
  textHash,
  type ComplaintFiledPayload,
  type ComplaintStatus,
} from './core/complaint-entries.js';
import { emptyByStatus } from './core/complaint-totals.js';
import {
  ComplaintRepository,
  type ComplaintPersonalDataRow,
  type ComplaintRow,
  type ComplaintTransitionRow,
} from './complaint.repository.js';
import type {
  ChangeComplaintStatusDto,
  ComplaintDto,
  ComplaintFiledDto,
  FileComplaintDto,
  ListComplaintsQueryDto,
  PublicComplaintStatusDto,
} from './dto/complaint.dto.js';

/** The contact details of a complaint: what the commitment of its COMPLAINT_FILED entry covers. */
interface ComplainantContact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/**
 * Complaints (PLY-4): anyone files one about a raffle and gets a reference; operators and admins
 * triage it (OPEN → IN_REVIEW → RESOLVED | REJECTED), each step journaled with its origin in the
 * same transaction; auditors read. The contact details are kept apart and journaled only as a
 * salted commitment; the text and the resolution are journaled as SHA-256 hashes.
 */
@Injectable()
export class ComplaintService implements OnModuleInit {
  private readonly logger = new Logger('ComplaintService');

  constructor(
    private readonly database: DatabaseService,
    private readonly repository: ComplaintRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
    private readonly tickets: TicketService,
    private readonly privacy: PrivacyService,
  ) {}

  /** The contact details of a complaint are erased through the privacy module (docs/privacy.md). */
  onModuleInit(): void {
    this.privacy.registerStore('complaint', {
      find: async (complaintId) => {
        const row = await this.repository.byId(complaintId);
        return row && { raffleId: row.raffle_id, commitment: row.commitment, recordedAt: row.filed_at };
      },
      erase: (trx, complaintId) => this.repository.deletePersonalData(trx, complaintId),
    });
  }

  async file(input: FileComplaintDto, origin: Origin, now = new Date()): Promise<ComplaintFiledDto> {
    await this.requirePublicRaffle(input.raffleId);
    const ticket = input.verificationCode === undefined ? undefined : await this.ticketOf(input);
    const contact = contactOf(input);
    const salt = contact ? randomBytes(32).toString('hex') : null;
    const payload: ComplaintFiledPayload = {
      complaintId: randomUUID(),
      reference: complaintReference(randomBytes(12)),
      raffleId: input.raffleId,
      category: input.category,
      textSha256: textHash(input.text),
      codeHash: ticket ? codeHash(ticket.verificationCode) : null,
      filedAt: now.toISOString(),
      personalData:
        contact && salt
          ? {
              algorithm: PERSONAL_DATA_COMMITMENT,
              commitment: commitPersonalData(contact as unknown as JsonObject, salt),
            }
          : null,
    };
    const row = await this.database
      .transaction(async (trx) => {
        const [queued] = await this.ledger.append(trx, complaintFiledDraft(payload, originFields(origin)));
        const complaint: ComplaintRow = {
          id: payload.complaintId,
          reference: payload.reference,
          raffle_id: payload.raffleId,
          category: payload.category,
          text: input.text,
          code_hash: payload.codeHash,
          first_ticket: ticket?.tickets.first ?? null,
          last_ticket: ticket?.tickets.last ?? null,
          status: 'OPEN',
          resolution: null,
          commitment: payload.personalData?.commitment ?? null,
          filed_at: now,
          queue_id: queued.queueId,
          recorded_at: queued.recordedAt,
          updated_at: now,
          updated_by: null,
        };
        await this.repository.insert(
          trx,
          complaint,
          contact && salt
            ? { complaint_id: complaint.id, salt, data: JSON.stringify(contact), created_at: now }
            : undefined,
        );
        return complaint;
      })
      .catch((error: unknown) => {
        // 60 random bits: a clash is next to impossible, and then the complainant simply retries.
        if (sqlState(error) === '23505') {
          throw new DomainException(503, 'COMPLAINT_REFERENCE_CLASH', 'please file the complaint again');
        }
        throw error;
      });
    this.logger.log(
      { event: 'complaint_filed', complaintId: row.id, raffleId: row.raffle_id, category: row.category },
      `complaint ${row.reference} filed about raffle ${row.raffle_id}`,
    );
    return {
      reference: row.reference,
      status: 'OPEN',
      raffleId: row.raffle_id,
      category: row.category,
      filedAt: row.filed_at.toISOString(),
      statusPath: `/v1/complaints/status/${row.reference}`,
    };
  }

  async changeStatus(
    complaintId: string,
    input: ChangeComplaintStatusDto,
    by: string,
    origin: Origin,
    now = new Date(),
  ): Promise<ComplaintDto> {
    const resolution = input.resolution ?? null;
    if (needsResolution(input.status) && resolution === null) {
      throw new DomainException(400, 'VALIDATION_FAILED', `a ${input.status} complaint needs a resolution`, [
        { field: 'resolution', messages: [`resolution is required for ${input.status}`] },
      ]);
    }
    if (!needsResolution(input.status) && resolution !== null) {
      throw new DomainException(400, 'VALIDATION_FAILED', `${input.status} takes no resolution`, [
        { field: 'resolution', messages: [`resolution is given only with RESOLVED or REJECTED`] },
      ]);
    }
    await this.database.transaction(async (trx) => {
      const row = await this.repository.lockById(trx, complaintId);
      if (!row) throw notFound(complaintId);
      const from = row.status as ComplaintStatus;
      if (!canTransition(from, input.status)) {
        const allowed = allowedTransitions(from);
        throw new DomainException(
          409,
          'INVALID_TRANSITION',
          `complaint ${row.reference} is ${from}: ${input.status} is not a next step (${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'it is closed'})`,
          [{ field: 'status', messages: [`status cannot go from ${from} to ${input.status}`] }],
        );
      }
      const [queued] = await this.ledger.append(
        trx,
        complaintStatusChangedDraft(
          {
            complaintId,
            reference: row.reference,
            raffleId: row.raffle_id,
            from,
            to: input.status,
            resolutionSha256: resolution === null ? null : textHash(resolution),
            changedAt: now.toISOString(),
            by,
          },
          originFields(origin),
        ),
      );
      await this.repository.recordTransition(
        trx,
        {
          complaint_id: complaintId,
          from_status: from,
          to_status: input.status,
          resolution,
          changed_by: by,
          changed_at: now,
          queue_id: queued.queueId,
          recorded_at: queued.recordedAt,
        },
        { status: input.status, resolution, updated_at: now, updated_by: by },
      );
    });
    this.logger.log(
      { event: 'complaint_status_changed', complaintId, to: input.status, by },
      `complaint ${complaintId} is now ${input.status}`,
    );
    return this.get(complaintId);
  }

  /** A complaint with its words, contact details and history (operator, admin, auditor). */
  async get(complaintId: string): Promise<ComplaintDto> {
    const row = await this.repository.byId(complaintId);
    if (!row) throw notFound(complaintId);
    return (await this.views([row]))[0];
  }

  async list(query: ListComplaintsQueryDto): Promise<ComplaintDto[]> {
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from.getTime() >= to.getTime()) {
      throw new DomainException(400, 'VALIDATION_FAILED', 'the period is empty', [
        { field: 'to', messages: ['to must be after from'] },
      ]);
    }
    const rows = await this.repository.list({
      raffleId: query.raffleId,
      status: query.status,
      from,
      to,
      limit: query.limit,
      offset: query.offset,
    });
    return this.views(rows);
  }

  /**
   * The complaints report's records (docs/complaints.md section 5): one row per complaint filed in
   * scope, oldest first, read a page at a time; no text and no contact details (a report leaves the
   * service in export bundles): the text's SHA-256 ties each row to its journal entry.
   */
  async *reportRows(scope: ComplaintReportScope): AsyncGenerator<Record<string, string | null>> {
    const filter = {
      raffleId: scope.raffleId ?? undefined,
      from: dateOrUndefined(scope.from),
      to: dateOrUndefined(scope.to),
    };
    for (let offset = 0; ; offset += REPORT_PAGE) {
      const rows = await this.repository.list({ ...filter, limit: REPORT_PAGE, offset });
      for (const row of rows) {
        yield {
          reference: row.reference,
          raffleId: row.raffle_id,
          category: row.category,
          filedAt: row.filed_at.toISOString(),
          status: row.status,
          updatedAt: row.updated_at.toISOString(),
          updatedBy: row.updated_by,
          resolution: row.resolution,
          textSha256: textHash(row.text),
        };
      }
      if (rows.length < REPORT_PAGE) return;
    }
  }

  /** How many complaints filed in scope are in each status, from the records (the report's reconciliation). */
  async statusCounts(scope: ComplaintReportScope): Promise<Record<ComplaintStatus, number>> {
    const counts = await this.repository.countsByStatus({
      raffleId: scope.raffleId ?? undefined,
      from: dateOrUndefined(scope.from),
      to: dateOrUndefined(scope.to),
    });
    const result = emptyByStatus();
    for (const status of COMPLAINT_STATUSES) result[status] = counts.get(status) ?? 0;
    return result;
  }

  /** What anyone holding the reference may see: the status, and nothing personal. */
  async publicStatus(reference: string): Promise<PublicComplaintStatusDto> {
    const row = await this.repository.byReference(reference);
    if (!row) {
      throw new DomainException(404, 'COMPLAINT_NOT_FOUND', `no complaint has the reference ${reference}`);
    }
    return {
      reference: row.reference,
      status: row.status as ComplaintStatus,
      filedAt: row.filed_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  private async views(rows: ComplaintRow[]): Promise<ComplaintDto[]> {
    const ids = rows.map((r) => r.id);
    const [personal, transitions, erased] = await Promise.all([
      this.repository.personalData(ids),
      this.repository.transitions(ids),
      this.privacy.erasedAt(['complaint'], ids),
    ]);
    const byComplaint = new Map<string, ComplaintTransitionRow[]>();
    for (const t of transitions)
      byComplaint.set(t.complaint_id, [...(byComplaint.get(t.complaint_id) ?? []), t]);
    return rows.map((row) =>
      toView(row, personal.get(row.id), erased.get(row.id), byComplaint.get(row.id) ?? []),
    );
  }

  /** A complaint is about a raffle the public can see (not a draft). */
  private async requirePublicRaffle(raffleId: string): Promise<void> {
    const raffle = await this.raffles.get(raffleId).catch((error: unknown) => {
      if (error instanceof DomainException && error.getStatus() === 404) return undefined;
      throw error;
    });
    if (!raffle || raffle.status === 'DRAFT') {
      throw new DomainException(404, 'RAFFLE_NOT_FOUND', `no raffle ${raffleId} is open to complaints`, [
        { field: 'raffleId', messages: ['raffleId must name a raffle that has opened'] },
      ]);
    }
  }

  /** The sale a validation number belongs to; it must be a ticket of the raffle complained about. */
  private async ticketOf(input: FileComplaintDto): Promise<VerificationView> {
    const code = normalizeVerificationCode(input.verificationCode!);
    const refuse = (message: string) =>
      new DomainException(400, 'VALIDATION_FAILED', message, [
        { field: 'verificationCode', messages: [message] },
      ]);
    if (!code) {
      throw refuse(
        'verificationCode must be 16 characters such as K7QM-2XPA-9RTB-44HC; check each character',
      );
    }
    const view = await this.tickets.verify(code).catch((error: unknown) => {
      if (error instanceof DomainException && error.getStatus() === 404) return undefined;
      throw error;
    });
    if (!view || view.raffle.id !== input.raffleId) {
      throw refuse(`verificationCode is not the validation number of a ticket of raffle ${input.raffleId}`);
    }
    return view;
  }
}

/** Rows of a report read per query. */
const REPORT_PAGE = 500;

export interface ComplaintReportScope {
  raffleId: string | null;
  from: string | null;
  to: string | null;
}

function dateOrUndefined(value: string | null): Date | undefined {
  return value === null ? undefined : new Date(value);
}

function contactOf(input: FileComplaintDto): ComplainantContact | undefined {
  const c = input.contact;
  if (!c || (c.name === undefined && c.email === undefined && c.phone === undefined)) return undefined;
  return { name: c.name ?? null, email: c.email ?? null, phone: c.phone ?? null };
}

function notFound(complaintId: string): DomainException {
  return new DomainException(404, 'COMPLAINT_NOT_FOUND', `no complaint ${complaintId}`);
}

function toView(
  row: ComplaintRow,
  personal: ComplaintPersonalDataRow | undefined,
  erasedAt: Date | undefined,
  transitions: ComplaintTransitionRow[],
): ComplaintDto {
  const contact = personal ? (JSON.parse(personal.data) as ComplainantContact) : null;
  return {
    complaintId: row.id,
    reference: row.reference,
    raffleId: row.raffle_id,
    category: row.category,
    text: row.text,
    textSha256: textHash(row.text),
    codeHash: row.code_hash,
    tickets:
      row.first_ticket !== null && row.last_ticket !== null
        ? { first: row.first_ticket, last: row.last_ticket }
        : null,
    status: row.status,
    resolution: row.resolution,
    contact,
    personalData:
      row.commitment === null
        ? null
        : {
            algorithm: PERSONAL_DATA_COMMITMENT,
            commitment: row.commitment,
            salt: personal?.salt ?? null,
            erased: personal === undefined,
            erasedAt: erasedAt?.toISOString() ?? null,
          },
    filedAt: row.filed_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
    transitions: transitions.map((t) => ({
      from: t.from_status,
      to: t.to_status,
      resolution: t.resolution,
      changedBy: t.changed_by,
      changedAt: t.changed_at.toISOString(),
    })),
  };
}
