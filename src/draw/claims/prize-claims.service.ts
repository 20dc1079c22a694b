import { originFields, type Origin } from '../../audit/significant-event.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DomainException } from '../../common/domain.exception.js';
import { DatabaseService, sqlState, type Tx } from '../../database/database.service.js';
import type { JournalEntry } from '../../ledger/core/entry.js';
import type { JsonObject } from '../../ledger/core/json-value.js';
import { LedgerService } from '../../ledger/ledger.service.js';
import { PrivacyService } from '../../privacy/privacy.service.js';
import { RaffleService, type FrozenRaffle } from '../../raffle/raffle.service.js';
import { codeHash } from '../../ticket/sales-batch.js';
import { TicketService, type VerificationView } from '../../ticket/ticket.service.js';
import { normalizeVerificationCode } from '../../ticket/verification-code.js';
import {
  commitPersonalData,
  PERSONAL_DATA_COMMITMENT,
  prizeClaimedDraft,
  type PrizeClaimedPayload,
  winnerContactAttemptedDraft,
  type WinnerContactAttemptedPayload,
} from '../core/claim-entries.js';
import { DrawRepository, type DrawRow } from '../draw.repository.js';
import { DrawService, toPriorDraw, type RedrawCause } from '../draw.service.js';
import {
  claimDeadline,
  type ClaimDraw,
  outstandingPrizes,
  standingTicketsOf,
  standingWinners,
} from '../prize-claim-rules.js';
import type {
  ContactAttemptDto,
  ContactAttemptViewDto,
  DrawClaimDto,
  PrizeClaimDto,
  PrizeClaimViewDto,
} from './dto/prize-claims.dto.js';
import {
  PrizeClaimsRepository,
  type ClaimRow,
  type ContactAttemptRow,
  type PersonalDataRow,
} from './prize-claims.repository.js';

/** The personal record behind a claim: what the commitment of its PRIZE_CLAIMED entry covers. */
interface ClaimPersonalData {
  claimant: { name: string; email: string | null; phone: string | null; address: string | null };
  identityDocumentReference: string;
  paymentReference: string;
  note: string | null;
}

/** The personal record behind a contact attempt. */
interface ContactPersonalData {
  contact: string;
  note: string | null;
}

/**
 * Prize claims and attempts to contact winners (DRAW-7, PLY-4): each recorded with its journal entry
 * in one transaction under the raffle's draw lock, so that a claim, a redraw and a settlement of the
 * same raffle never interleave. Personal data is stored apart and journaled only as a salted
 * commitment (docs/draws.md section 13).
 */
@Injectable()
export class PrizeClaimsService implements OnModuleInit {
  private readonly logger = new Logger('PrizeClaimsService');

  constructor(
    private readonly database: DatabaseService,
    private readonly repository: PrizeClaimsRepository,
    private readonly drawRepository: DrawRepository,
    private readonly draws: DrawService,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
    private readonly tickets: TicketService,
    private readonly privacy: PrivacyService,
  ) {}

  onModuleInit(): void {
    this.draws.registerClaimGuards({
      redraw: (trx, input) => this.refuseClaimedRedraw(trx, input),
      settle: (trx, raffle, draws, now) => this.settlement(trx, raffle, draws, now),
    });
    // Erasure of the personal records (docs/privacy.md): the facts and the journal stay whole.
    this.privacy.registerStore('claim', {
      find: async (id) => {
        const row = await this.repository.claimById(id);
        return row && { raffleId: row.raffle_id, commitment: row.commitment, recordedAt: row.claimed_at };
      },
      erase: (trx, id) => this.repository.deletePersonalData(trx, id, 'claim'),
    });
    this.privacy.registerStore('contact-attempt', {
      find: async (id) => {
        const row = await this.repository.contactAttemptById(id);
        return row && { raffleId: row.raffle_id, commitment: row.commitment, recordedAt: row.attempted_at };
      },
      erase: (trx, id) => this.repository.deletePersonalData(trx, id, 'contact-attempt'),
    });
  }

  // --- recording ------------------------------------------------------------------------------

  async contactAttempt(
    drawId: string,
    input: ContactAttemptDto,
    by: string,
    origin: Origin,
    now = new Date(),
  ): Promise<ContactAttemptViewDto> {
    const draw = await this.draws.requireDraw(drawId);
    const personal: ContactPersonalData = { contact: input.contact, note: input.note ?? null };
    const salt = randomBytes(32).toString('hex');
    const payload: WinnerContactAttemptedPayload = {
      raffleId: draw.raffle_id,
      prizeId: draw.prize_id,
      drawId,
      ticket: 0,
      attemptId: randomUUID(),
      channel: input.channel,
      outcome: input.outcome,
      attemptedAt: now.toISOString(),
      by,
      personalData: {
        algorithm: PERSONAL_DATA_COMMITMENT,
        commitment: commitPersonalData(personal as unknown as JsonObject, salt),
      },
    };
    const row = await this.database.transaction(async (trx) => {
      await this.drawRepository.lockRaffle(trx, draw.raffle_id);
      const standing = standingTicketsOf(drawId, await this.claimDraws(draw.raffle_id, trx));
      payload.ticket = this.winnerToContact(draw, standing, input.ticket);
      const [queued] = await this.ledger.append(
        trx,
        winnerContactAttemptedDraft(payload, originFields(origin)),
      );
      const attempt: ContactAttemptRow = {
        id: payload.attemptId,
        raffle_id: payload.raffleId,
        prize_id: payload.prizeId,
        draw_id: drawId,
        ticket: payload.ticket,
        channel: payload.channel,
        outcome: payload.outcome,
        commitment: payload.personalData.commitment,
        attempted_by: by,
        attempted_at: now,
        queue_id: queued.queueId,
        recorded_at: queued.recordedAt,
      };
      await this.repository.insertContactAttempt(
        trx,
        attempt,
        personalRow(attempt.id, attempt.raffle_id, 'contact-attempt', salt, personal, now),
      );
      return attempt;
    });
    this.logger.log(
      {
        event: 'winner_contact_attempted',
        raffleId: row.raffle_id,
        drawId,
        attemptId: row.id,
        outcome: row.outcome,
        by,
      },
      `contact attempt ${row.id} for draw ${drawId}: ${row.channel} ${row.outcome}`,
    );
    const personalRows = await this.repository.personalData([row.id]);
    return this.attemptView(row, personalRows.get(row.id));
  }

  async claim(
    drawId: string,
    input: PrizeClaimDto,
    by: string,
    origin: Origin,
    now = new Date(),
  ): Promise<DrawClaimDto> {
    const code = normalizeVerificationCode(input.verificationCode);
    if (!code) {
      throw new DomainException(
        400,
        'VALIDATION_FAILED',
        'verificationCode is not a well-formed validation number',
        [
          {
            field: 'verificationCode',
            messages: [
              'verificationCode must be 16 characters such as K7QM-2XPA-9RTB-44HC; check each character',
            ],
          },
        ],
      );
    }
    const draw = await this.draws.requireDraw(drawId);
    const raffle = await this.draws.requireRaffle(draw.raffle_id);
    const prize = await this.prizeOf(draw);
    const presented = await this.ticketOf(code);
    const personal: ClaimPersonalData = {
      claimant: {
        name: input.claimant.name,
        email: input.claimant.email ?? null,
        phone: input.claimant.phone ?? null,
        address: input.claimant.address ?? null,
      },
      identityDocumentReference: input.identityDocument.reference,
      paymentReference: input.payment.reference,
      note: input.note ?? null,
    };
    const salt = randomBytes(32).toString('hex');
    const payload: PrizeClaimedPayload = {
      raffleId: draw.raffle_id,
      prizeId: draw.prize_id,
      drawId,
      ticket: 0,
      claimId: randomUUID(),
      codeHash: codeHash(code),
      identityDocument: input.identityDocument.type,
      paymentMethod: input.payment.method,
      amountMinor: input.amountMinor,
      currency: prize.currency,
      claimedAt: now.toISOString(),
      by,
      personalData: {
        algorithm: PERSONAL_DATA_COMMITMENT,
        commitment: commitPersonalData(personal as unknown as JsonObject, salt),
      },
    };
    const row = await this.database
      .transaction(async (trx) => {
        await this.drawRepository.lockRaffle(trx, draw.raffle_id);
        const standing = standingTicketsOf(drawId, await this.claimDraws(draw.raffle_id, trx));
        if (standing.length === 0) throw notStanding(draw);
        const claimed = (await this.repository.claimsOfRaffle(draw.raffle_id, trx)).find(
          (c) => c.prize_id === draw.prize_id && standing.includes(c.ticket),
        );
        if (claimed) throw alreadyClaimed(draw, claimed.ticket, claimed.id);
        const deadline = claimDeadline(
          draw.drawn_at,
          raffle.rules.claimDeadlineDays,
          raffle.profile.unclaimedPrize.value,
        );
        if (deadline !== null && now.getTime() > deadline.getTime()) {
          throw new DomainException(
            409,
            'CLAIM_DEADLINE_PASSED',
            `the claim period of draw ${drawId} ended ${deadline.toISOString()} (claimDeadlineDays ${raffle.rules.claimDeadlineDays}, ${raffle.profile.code} holds at least ${raffle.profile.unclaimedPrize.value.minimumHoldDays} days)`,
          );
        }
        const ticket = standing.find(
          (t) =>
            presented !== undefined &&
            presented.raffle.id === draw.raffle_id &&
            presented.status !== 'VOIDED' &&
            presented.tickets.first <= t &&
            t <= presented.tickets.last,
        );
        if (ticket === undefined) {
          throw new DomainException(
            409,
            'CODE_NOT_WINNING_TICKET',
            `the validation number presented is not that of a paid ticket holding the winning number of draw ${drawId} (${standing.join(', ')})`,
            [
              {
                field: 'verificationCode',
                messages: ['verificationCode must be the one printed with the winning ticket'],
              },
            ],
          );
        }
        this.checkPayment(input, prize.amountMinor);
        payload.ticket = ticket;
        const [queued] = await this.ledger.append(trx, prizeClaimedDraft(payload, originFields(origin)));
        const claim: ClaimRow = {
          id: payload.claimId,
          raffle_id: payload.raffleId,
          prize_id: payload.prizeId,
          draw_id: drawId,
          ticket,
          code_hash: payload.codeHash,
          identity_document: payload.identityDocument,
          payment_method: payload.paymentMethod,
          amount_minor: payload.amountMinor,
          currency: payload.currency,
          commitment: payload.personalData.commitment,
          claimed_by: by,
          claimed_at: now,
          queue_id: queued.queueId,
          recorded_at: queued.recordedAt,
        };
        await this.repository.insertClaim(
          trx,
          claim,
          personalRow(claim.id, claim.raffle_id, 'claim', salt, personal, now),
        );
        return claim;
      })
      .catch((error: unknown) => {
        if (sqlState(error) === '23505') throw alreadyClaimed(draw, payload.ticket, undefined);
        throw error;
      });
    this.logger.log(
      { event: 'prize_claimed', raffleId: row.raffle_id, drawId, claimId: row.id, ticket: row.ticket, by },
      `prize ${row.prize_id} of raffle ${row.raffle_id} claimed: ticket ${row.ticket}, claim ${row.id}`,
    );
    return this.view(drawId);
  }

  /** The amount paid is the prize the draw journaled; a described prize is handed over in kind. */
  private checkPayment(input: PrizeClaimDto, awarded: number | null): void {
    if (input.amountMinor !== awarded) {
      throw new DomainException(
        409,
        'CLAIM_AMOUNT_MISMATCH',
        `the prize awarded by the draw (DRAW_PRIZE) is ${awarded === null ? 'described, not valued (amountMinor null)' : `${awarded} minor units`}; ${String(input.amountMinor)} was given`,
        [{ field: 'amountMinor', messages: [`amountMinor must be the prize awarded: ${String(awarded)}`] }],
      );
    }
    if ((awarded === null) !== (input.payment.method === 'IN_KIND')) {
      throw new DomainException(
        409,
        'CLAIM_PAYMENT_METHOD_MISMATCH',
        awarded === null
          ? 'a described prize is handed over: payment.method must be IN_KIND'
          : 'a prize with an amount is paid in money: payment.method must not be IN_KIND',
        [{ field: 'payment.method', messages: ['payment.method does not fit the prize'] }],
      );
    }
  }

  // --- guards of the draw service -------------------------------------------------------------

  /** DRAW-7: an unclaimed-prize redraw of a winner who claimed is refused (inside the redraw's lock). */
  private async refuseClaimedRedraw(
    trx: Tx,
    input: { raffleId: string; prizeId: string; ticket: number; cause: RedrawCause },
  ): Promise<void> {
    if (input.cause !== 'UNCLAIMED') return;
    const claim = await this.repository.claimOfWinner(input.raffleId, input.prizeId, input.ticket, trx);
    if (claim) {
      throw new DomainException(
        409,
        'PRIZE_CLAIMED',
        `ticket ${input.ticket} claimed prize ${input.prizeId} (claim ${claim.id}, ${claim.claimed_at.toISOString()}): it cannot be redrawn as unclaimed`,
        [{ field: 'cause', messages: ['the prize was claimed: UNCLAIMED does not apply'] }],
      );
    }
  }

  /**
   * Settlement: refused while a standing winner has neither claimed nor passed the claim period;
   * RAFFLE_SETTLED then lists the claims and the prizes left unclaimed after their period.
   */
  private async settlement(trx: Tx, raffle: FrozenRaffle, rows: DrawRow[], now: Date): Promise<JsonObject> {
    // Not DRAWN: the raffle module refuses the transition itself (INVALID_TRANSITION).
    if ((await this.raffles.statusInTransaction(trx, raffle.id)) !== 'DRAWN') return {};
    const claims = await this.repository.claimsOfRaffle(raffle.id, trx);
    const claimed = new Set(claims.map((c) => `${c.prize_id}\n${c.ticket}`));
    const { outstanding, unclaimedAfterDeadline } = outstandingPrizes(
      standingWinners(rows.map(toClaimDraw)),
      (w) => claimed.has(`${w.prizeId}\n${w.ticket}`),
      (w) => claimDeadline(w.drawnAt, raffle.rules.claimDeadlineDays, raffle.profile.unclaimedPrize.value),
      now,
    );
    if (outstanding.length > 0) {
      throw new DomainException(
        409,
        'PRIZES_UNCLAIMED',
        `raffle ${raffle.id} cannot be settled while prizes are neither claimed nor past their claim period: ` +
          outstanding
            .map(
              (w) =>
                `ticket ${w.ticket} of ${w.prizeId} (draw ${w.drawId}, ${w.deadline ? `claim period ends ${w.deadline.toISOString()}` : 'no claim deadline'})`,
            )
            .join('; '),
      );
    }
    return {
      claims: claims.map((c) => ({
        claimId: c.id,
        drawId: c.draw_id,
        prizeId: c.prize_id,
        ticket: c.ticket,
      })),
      unclaimed: unclaimedAfterDeadline.map((w) => ({
        drawId: w.drawId,
        prizeId: w.prizeId,
        ticket: w.ticket,
        claimDeadline: w.deadline!.toISOString(),
        handling: raffle.profile.unclaimedPrize.value.handling,
      })),
    };
  }

  // --- reading --------------------------------------------------------------------------------

  /** The claim and contact attempts of a draw, with the personal data (operator, admin, auditor). */
  async view(drawId: string): Promise<DrawClaimDto> {
    const draw = await this.draws.requireDraw(drawId);
    const raffle = await this.draws.requireRaffle(draw.raffle_id);
    const standing = standingTicketsOf(drawId, await this.claimDraws(draw.raffle_id));
    const [claims, attempts] = await Promise.all([
      this.repository.claimsOfDraw(drawId),
      this.repository.contactAttemptsOfDraw(drawId),
    ]);
    const ids = [...claims, ...attempts].map((r) => r.id);
    const [personal, erased] = await Promise.all([
      this.repository.personalData(ids),
      this.privacy.erasedAt(['claim', 'contact-attempt'], ids),
    ]);
    const claim = claims[0];
    const tickets = JSON.parse(draw.tickets) as number[];
    const deadline = claimDeadline(
      draw.drawn_at,
      raffle.rules.claimDeadlineDays,
      raffle.profile.unclaimedPrize.value,
    );
    const contactAttempts: ContactAttemptViewDto[] = [];
    for (const attempt of attempts)
      contactAttempts.push(await this.attemptView(attempt, personal.get(attempt.id), erased.get(attempt.id)));
    return {
      drawId,
      raffleId: draw.raffle_id,
      prizeId: draw.prize_id,
      standingTickets: standing,
      status: claim
        ? 'CLAIMED'
        : tickets.length === 0
          ? 'NO_WINNER'
          : standing.length === 0
            ? 'SUPERSEDED'
            : 'UNCLAIMED',
      claimDeadline: deadline?.toISOString() ?? null,
      claim: claim ? await this.claimView(claim, personal.get(claim.id), erased.get(claim.id)) : null,
      contactAttempts,
    };
  }

  private async claimView(
    row: ClaimRow,
    personal: PersonalDataRow | undefined,
    erasedAt?: Date,
  ): Promise<PrizeClaimViewDto> {
    const entry = await this.draws.journaled(row);
    const data = personal ? (JSON.parse(personal.data) as ClaimPersonalData) : undefined;
    return {
      claimId: row.id,
      drawId: row.draw_id,
      prizeId: row.prize_id,
      ticket: row.ticket,
      codeHash: row.code_hash,
      identityDocument: row.identity_document,
      identityDocumentReference: data?.identityDocumentReference ?? null,
      paymentMethod: row.payment_method,
      paymentReference: data?.paymentReference ?? null,
      amountMinor: row.amount_minor,
      currency: row.currency,
      claimant: data?.claimant ?? null,
      note: data?.note ?? null,
      claimedBy: row.claimed_by,
      claimedAt: row.claimed_at.toISOString(),
      personalData: personalState(row.commitment, personal, erasedAt),
      journal: reference(entry),
    };
  }

  private async attemptView(
    row: ContactAttemptRow,
    personal: PersonalDataRow | undefined,
    erasedAt?: Date,
  ): Promise<ContactAttemptViewDto> {
    const entry = await this.draws.journaled(row);
    const data = personal ? (JSON.parse(personal.data) as ContactPersonalData) : undefined;
    return {
      attemptId: row.id,
      drawId: row.draw_id,
      prizeId: row.prize_id,
      ticket: row.ticket,
      channel: row.channel,
      outcome: row.outcome,
      contact: data?.contact ?? null,
      note: data?.note ?? null,
      attemptedBy: row.attempted_by,
      attemptedAt: row.attempted_at.toISOString(),
      personalData: personalState(row.commitment, personal, erasedAt),
      journal: reference(entry),
    };
  }

  private async claimDraws(raffleId: string, trx?: Tx): Promise<ClaimDraw[]> {
    return (await this.drawRepository.draws(raffleId, trx)).map(toClaimDraw);
  }

  /** The prize the draw awarded, read back from its journaled DRAW_PRIZE entry. */
  private async prizeOf(draw: DrawRow): Promise<{ amountMinor: number | null; currency: string }> {
    if (draw.prize_queue_id === null) {
      throw new DomainException(409, 'PRIZE_NOT_JOURNALED', `draw ${draw.id} has no journaled prize`);
    }
    const entry = await this.draws.journaled({
      queue_id: draw.prize_queue_id,
      recorded_at: draw.recorded_at,
    });
    const p = entry.payload as { drawId?: unknown; amountMinor?: unknown; currency?: unknown };
    if (p.drawId !== draw.id) throw new Error(`DRAW_PRIZE entry ${entry.seq} is not of draw ${draw.id}`);
    return {
      amountMinor: typeof p.amountMinor === 'number' ? p.amountMinor : null,
      currency: String(p.currency),
    };
  }

  /** The sale a validation number belongs to, or undefined when none has it. */
  private async ticketOf(code: string): Promise<VerificationView | undefined> {
    try {
      return await this.tickets.verify(code);
    } catch (error) {
      if (error instanceof DomainException && error.getStatus() === 404) return undefined;
      throw error;
    }
  }

  private winnerToContact(draw: DrawRow, standing: number[], ticket: number | undefined): number {
    if (standing.length === 0) throw notStanding(draw);
    if (ticket !== undefined) {
      if (!standing.includes(ticket)) {
        throw new DomainException(
          409,
          'NOT_A_CURRENT_WINNER',
          `ticket ${ticket} is not a standing winner of draw ${draw.id} (standing: ${standing.join(', ')})`,
          [
            {
              field: 'ticket',
              messages: [`ticket must be a standing winner of the draw: ${standing.join(', ')}`],
            },
          ],
        );
      }
      return ticket;
    }
    if (standing.length > 1) {
      throw new DomainException(400, 'VALIDATION_FAILED', 'the draw has several standing winners: name one', [
        { field: 'ticket', messages: [`ticket is required: one of ${standing.join(', ')}`] },
      ]);
    }
    return standing[0];
  }
}

export function toClaimDraw(row: DrawRow): ClaimDraw {
  return { ...toPriorDraw(row), prizeId: row.prize_id, drawnAt: row.drawn_at };
}

function notStanding(draw: DrawRow): DomainException {
  const tickets = JSON.parse(draw.tickets) as number[];
  if (tickets.length === 0) {
    return new DomainException(
      409,
      'NO_WINNER',
      `draw ${draw.id} had no eligible ticket: there is no winner`,
    );
  }
  return new DomainException(
    409,
    'DRAW_SUPERSEDED',
    `the winner of draw ${draw.id} (${tickets.join(', ')}) was replaced by a redraw: claims and contact attempts go to the redraw's winner`,
  );
}

function alreadyClaimed(draw: DrawRow, ticket: number, claimId: string | undefined): DomainException {
  return new DomainException(
    409,
    'PRIZE_ALREADY_CLAIMED',
    `the prize ${draw.prize_id} of ticket ${ticket} was claimed already${claimId ? ` (claim ${claimId})` : ''}`,
  );
}

function personalRow(
  recordId: string,
  raffleId: string,
  kind: 'claim' | 'contact-attempt',
  salt: string,
  data: ClaimPersonalData | ContactPersonalData,
  now: Date,
): PersonalDataRow {
  return {
    record_id: recordId,
    raffle_id: raffleId,
    kind,
    salt,
    data: JSON.stringify(data),
    created_at: now,
  };
}

function personalState(
  commitment: string,
  personal: PersonalDataRow | undefined,
  erasedAt: Date | undefined,
) {
  return {
    algorithm: PERSONAL_DATA_COMMITMENT,
    commitment,
    salt: personal?.salt ?? null,
    erased: personal === undefined,
    erasedAt: erasedAt?.toISOString() ?? null,
  };
}

function reference(entry: JournalEntry): { seq: number; leafHash: string } {
  return { seq: entry.seq, leafHash: entry.hash };
}
