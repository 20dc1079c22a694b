import { Injectable, Logger } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService, sqlState, type Tx } from '../database/database.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { RaffleService } from '../raffle/raffle.service.js';
import { personalDataErasedDraft, reasonHash, retentionEnds, type ErasableKind } from './core/erasure.js';
import type { ErasePersonalDataDto, ErasureDto, ListErasuresQueryDto } from './dto/privacy.dto.js';
import { PrivacyRepository, type ErasureRow } from './privacy.repository.js';

/** A record that may hold personal data, as its owning module describes it. */
export interface ErasableRecord {
  raffleId: string;
  /** The commitment journaled with the record; null when no personal data was ever given. */
  commitment: string | null;
  /** When the record was made: its retention period runs from then. */
  recordedAt: Date;
}

/** What a module that keeps personal data hands the privacy module (claims, contact attempts, complaints). */
export interface PersonalDataStore {
  find(recordId: string): Promise<ErasableRecord | undefined>;
  /** Deletes the record's personal data and its salt in the caller's transaction; false when none is left. */
  erase(trx: Tx, recordId: string): Promise<boolean>;
}

/**
 * Erasure of personal data (docs/privacy.md): an admin erases the personal data behind a claim, a
 * contact attempt or a complaint, once its retention period is over or on a lawful request. The data
 * and its salt are deleted, a PERSONAL_DATA_ERASED entry (no personal data) is journaled and the
 * erasure registered, all in one transaction. The modules that own the data register their stores.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger('PrivacyService');
  private readonly stores = new Map<ErasableKind, PersonalDataStore>();

  constructor(
    private readonly database: DatabaseService,
    private readonly repository: PrivacyRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
  ) {}

  registerStore(kind: ErasableKind, store: PersonalDataStore): void {
    this.stores.set(kind, store);
  }

  async erase(
    input: ErasePersonalDataDto,
    by: string,
    origin: Origin,
    now = new Date(),
  ): Promise<ErasureDto> {
    const store = this.stores.get(input.recordKind);
    if (!store) throw new Error(`no personal data store is registered for ${input.recordKind}`);
    const already = await this.repository.find(input.recordKind, input.recordId);
    if (already) throw alreadyErased(already);
    const record = await store.find(input.recordId);
    if (!record) {
      throw new DomainException(404, 'RECORD_NOT_FOUND', `no ${input.recordKind} ${input.recordId}`, [
        { field: 'recordId', messages: [`recordId must name a ${input.recordKind}`] },
      ]);
    }
    if (record.commitment === null) throw noPersonalData(input);
    if (input.basis === 'RETENTION_ENDED') await this.checkRetentionEnded(input, record, now);
    const commitment = record.commitment;
    const row = await this.database
      .transaction(async (trx) => {
        if (!(await store.erase(trx, input.recordId))) throw noPersonalData(input);
        const [queued] = await this.ledger.append(
          trx,
          personalDataErasedDraft(
            {
              recordKind: input.recordKind,
              recordId: input.recordId,
              raffleId: record.raffleId,
              commitment,
              basis: input.basis,
              reasonSha256: reasonHash(input.reason),
              erasedAt: now.toISOString(),
              by,
            },
            originFields(origin),
          ),
        );
        const erasure: ErasureRow = {
          record_kind: input.recordKind,
          record_id: input.recordId,
          raffle_id: record.raffleId,
          basis: input.basis,
          reason: input.reason,
          erased_by: by,
          erased_at: now,
          queue_id: queued.queueId,
          recorded_at: queued.recordedAt,
        };
        await this.repository.insert(trx, erasure);
        return erasure;
      })
      .catch(async (error: unknown) => {
        if (sqlState(error) === '23505') {
          const row = await this.repository.find(input.recordKind, input.recordId);
          if (row) throw alreadyErased(row);
        }
        throw error;
      });
    this.logger.log(
      {
        event: 'personal_data_erased',
        recordKind: row.record_kind,
        recordId: row.record_id,
        basis: row.basis,
        by,
      },
      `personal data of ${row.record_kind} ${row.record_id} erased (${row.basis})`,
    );
    return this.view(row);
  }

  async list(query: ListErasuresQueryDto): Promise<ErasureDto[]> {
    const rows = await this.repository.list(query);
    const views: ErasureDto[] = [];
    for (const row of rows) views.push(await this.view(row));
    return views;
  }

  /** When the personal data of each of these records was erased (absent: not erased). */
  async erasedAt(kinds: ErasableKind[], recordIds: string[]): Promise<Map<string, Date>> {
    const rows = await this.repository.ofRecords(kinds, recordIds);
    return new Map(rows.map((row) => [row.record_id, row.erased_at]));
  }

  private async checkRetentionEnded(input: ErasePersonalDataDto, record: ErasableRecord, now: Date) {
    const raffle = await this.raffles.frozen(record.raffleId);
    if (!raffle)
      throw new Error(`raffle ${record.raffleId} of ${input.recordKind} ${input.recordId} is missing`);
    const ends = retentionEnds(record.recordedAt, raffle.profile.retention.value);
    if (now.getTime() < ends.getTime()) {
      throw new DomainException(
        409,
        'RETENTION_NOT_ENDED',
        `${raffle.profile.code} keeps this record until ${ends.toISOString()} (${raffle.profile.retention.value.booksYears} years, ${raffle.profile.retention.trace.join(', ')}); erase it earlier only on a lawful request`,
        [{ field: 'basis', messages: [`the retention period ends ${ends.toISOString()}`] }],
      );
    }
  }

  private async view(row: ErasureRow): Promise<ErasureDto> {
    let journal: ErasureDto['journal'] = null;
    try {
      const [{ seq }] = await this.ledger.integrated([
        { queueId: row.queue_id, recordedAt: row.recorded_at },
      ]);
      journal = { seq, leafHash: (await this.ledger.entry(seq)).hash };
    } catch (error) {
      this.logger.warn({ err: error, queueId: row.queue_id }, 'an erasure entry awaits integration');
    }
    return {
      recordKind: row.record_kind,
      recordId: row.record_id,
      raffleId: row.raffle_id,
      basis: row.basis,
      reason: row.reason,
      erasedBy: row.erased_by,
      erasedAt: row.erased_at.toISOString(),
      journal,
    };
  }
}

function alreadyErased(row: ErasureRow): DomainException {
  return new DomainException(
    409,
    'ALREADY_ERASED',
    `the personal data of ${row.record_kind} ${row.record_id} was erased ${row.erased_at.toISOString()}`,
  );
}

function noPersonalData(input: ErasePersonalDataDto): DomainException {
  return new DomainException(
    409,
    'NO_PERSONAL_DATA',
    `${input.recordKind} ${input.recordId} holds no personal data`,
  );
}
